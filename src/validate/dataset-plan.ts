// Which files a dataset folder should hold and which it does: the manifest's list against the
// layout (dataset-layout.ts) and against what is on disk. The outcome is the list of record /
// label file pairs to read, plus every structural problem found on the way.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { OutputFormat } from '../engine/compress.js';
import { KIND_FILE, KIND_SOURCE, RECORD_KINDS, type RecordKind, type Source } from '../model/record.js';
import { INCIDENTS, labelsPath, MANIFEST, PARTIAL_MARKER, recordsPath } from '../sinks/file/dataset-layout.js';
import type { Manifest, ManifestFile } from './dataset-documents.js';
import type { FilePair } from './scan-pair.js';

/** Every file under dir, relative, with "/" separators, sorted. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const entry of readdirSync(join(dir, rel), { withFileTypes: true })) {
      const path = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else out.push(path);
    }
  };
  walk('');
  return out.sort();
}

const DATA_FILE = /^(labels\/)?([a-z]+)\/([a-z_]+)(?:\.(\d{4}-\d{2}-\d{2}))?\.(jsonl|jsonl\.gz)$/;

interface DataPath {
  readonly kind: RecordKind;
  readonly role: 'records' | 'labels';
  readonly day?: string;
  readonly format: OutputFormat;
}

/** What a path means in the layout, or undefined when it is no data file of ours. */
export function parseDataPath(path: string): DataPath | undefined {
  const m = DATA_FILE.exec(path);
  if (!m) return undefined;
  const kind = RECORD_KINDS.find((k) => KIND_SOURCE[k] === m[2] && KIND_FILE[k] === m[3]);
  if (!kind) return undefined;
  return { kind, role: m[1] ? 'labels' : 'records', ...(m[4] ? { day: m[4] } : {}), format: m[5] as OutputFormat };
}

/** Looks like a data file (so an unlisted one is worth reporting), even if no kind matches. */
export const looksLikeData = (path: string) => /\.jsonl(\.gz)?$/.test(path);

export interface DatasetPlan {
  readonly pairs: FilePair[];
  /** Manifest entries by path. */
  readonly listed: ReadonlyMap<string, ManifestFile>;
  readonly problems: string[];
  /** Files that are neither listed nor ours to judge (ignored). */
  readonly ignored: string[];
}

interface PairBuilder {
  kind: RecordKind;
  gzip: boolean;
  records?: string;
  labels?: string;
}

function addToPair(pairs: Map<string, PairBuilder>, kind: RecordKind, day: string | undefined, role: 'records' | 'labels', path: string): void {
  const key = `${kind}|${day ?? ''}`;
  let p = pairs.get(key);
  if (!p) pairs.set(key, (p = { kind, gzip: path.endsWith('.gz') }));
  p[role] = path;
}

const pairList = (pairs: Map<string, PairBuilder>): FilePair[] =>
  [...pairs.values()].sort((a, b) => (a.records ?? a.labels ?? '').localeCompare(b.records ?? b.labels ?? ''));

/** The plan from manifest.json (the normal case). */
export function planFromManifest(dir: string, manifest: Manifest, onDisk: readonly string[]): DatasetPlan {
  const problems: string[] = [];
  const listed = new Map<string, ManifestFile>();
  const pairs = new Map<string, PairBuilder>();
  const format = manifest.options.format;
  const sources = new Set<Source>(manifest.options.sources);
  for (const f of manifest.files) {
    if (listed.has(f.path)) problems.push(`manifest.json lists ${f.path} twice`);
    listed.set(f.path, f);
    if (f.path.startsWith('/') || f.path.split('/').includes('..')) {
      problems.push(`manifest.json lists ${f.path}, which is outside the dataset folder`);
      continue;
    }
    const expected = f.role === 'records' ? recordsPath(f.kind, format, f.day) : labelsPath(f.kind, format, f.day);
    if (f.path !== expected) problems.push(`manifest.json lists ${f.path} as ${f.role} of ${f.kind}${f.day ? ` for ${f.day}` : ''}; the layout puts that at ${expected}`);
    if (!sources.has(KIND_SOURCE[f.kind])) problems.push(`manifest.json lists ${f.path} (${KIND_SOURCE[f.kind]}), a source not in options.sources (${[...sources].join(', ')})`);
    if (existsSync(join(dir, f.path))) addToPair(pairs, f.kind, f.day, f.role, f.path);
  }
  // Every kind of every generated source has its records and labels (generate writes empty ones too).
  for (const kind of RECORD_KINDS.filter((k) => sources.has(KIND_SOURCE[k]))) {
    for (const role of ['records', 'labels'] as const) {
      if (!manifest.files.some((f) => f.kind === kind && f.role === role)) problems.push(`manifest.json lists no ${role} file for ${kind}`);
    }
  }
  // Counts agree with the file list.
  let total = 0;
  for (const kind of RECORD_KINDS) {
    const sum = manifest.files.filter((f) => f.kind === kind && f.role === 'records').reduce((a, f) => a + f.records, 0);
    total += sum;
    const stated = manifest.counts.by_kind[kind];
    if (sources.has(KIND_SOURCE[kind]) && stated !== sum) problems.push(`manifest.json counts.by_kind.${kind} is ${stated ?? 'missing'} but its records files list ${sum}`);
  }
  if (manifest.counts.total !== total) problems.push(`manifest.json counts.total is ${manifest.counts.total} but its records files list ${total}`);
  if (!manifest.documents.some((d) => d.path === INCIDENTS)) problems.push(`manifest.json does not list ${INCIDENTS}`);
  const documents = new Set(manifest.documents.map((d) => d.path));
  const ignored: string[] = [];
  for (const path of onDisk) {
    if (path === MANIFEST || listed.has(path) || documents.has(path)) continue;
    if (path === PARTIAL_MARKER) problems.push(`${PARTIAL_MARKER} is present: an obsynth run did not finish writing this folder`);
    else if (looksLikeData(path)) problems.push(`${path} is a data file that manifest.json does not list`);
    else ignored.push(path);
  }
  return { pairs: pairList(pairs), listed, problems, ignored };
}

/** Without a manifest: read whatever data files the layout recognises, and say so. */
export function planFromDisk(onDisk: readonly string[]): DatasetPlan {
  const pairs = new Map<string, PairBuilder>();
  const ignored: string[] = [];
  for (const path of onDisk) {
    const d = parseDataPath(path);
    if (d) addToPair(pairs, d.kind, d.day, d.role, path);
    else if (path !== INCIDENTS) ignored.push(path);
  }
  return { pairs: pairList(pairs), listed: new Map(), problems: [], ignored };
}

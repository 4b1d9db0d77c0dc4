// Datasets for the validate tests: a hand-made one holding one valid record of every kind, a
// small generated one, and the tools to break a copy in one place and keep the manifest in step
// (so each test sees exactly one problem).
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { planGenerate, runGenerate } from '../../../../src/cli/commands/generate.js';
import { runValidate } from '../../../../src/cli/commands/validate.js';
import { loadConfig } from '../../../../src/config/load.js';
import { KIND_SOURCE, RECORD_KINDS, type RecordKind } from '../../../../src/model/record.js';
import { labelsPath, recordsPath } from '../../../../src/sinks/file/dataset-layout.js';
import type { Clock } from '../../../../src/time/clock.js';
import type { ValidationReport } from '../../../../src/validate/report.js';
import { T0, validBodies } from './bodies.js';

/** Time never moves: tests assert on what was found, never on how long it took. */
export const stillClock: Clock = { now: () => T0, monotonic: () => 0, sleep: async () => undefined };

const quiet = { isTTY: false, write: () => true };

export function tempDir(name: string): string {
  return mkdtempSync(join(tmpdir(), `obsynth-validate-${name}-`));
}

export function validate(dir: string, maxErrors = 10, config?: string): Promise<ValidationReport> {
  return runValidate(dir, { maxErrors: String(maxErrors), config, workers: '0' }, { clock: stillClock, stderr: quiet });
}

/** A copy of the shipped config/ with generation.yaml edited. */
export function configCopy(edit: (generationYaml: string) => string): string {
  const dir = tempDir('config');
  cpSync(join(process.cwd(), 'config'), dir, { recursive: true });
  const path = join(dir, 'generation.yaml');
  writeFileSync(path, edit(readFileSync(path, 'utf8')));
  return dir;
}

export const checkOf = (r: ValidationReport, id: string) => r.checks.find((c) => c.id === id)!;

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** Generates a dataset in-process (no workers), small enough for a shared 2-core machine. */
export async function generateDataset(out: string, sources = 'kubernetes,grafana', minutes = 30): Promise<void> {
  const plan = planGenerate({ start: new Date(T0).toISOString(), hours: String(minutes / 60), sources, out, workers: '0', force: true, incidentsPerDay: '0' }, T0);
  await runGenerate(plan, { clock: stillClock, stderr: quiet }, false);
}

/** Writes a complete dataset by hand: `count` valid records of every kind, labels, incidents.json, manifest.json. */
export function writeFixture(dir: string, format: 'jsonl' | 'jsonl.gz' = 'jsonl'): void {
  const bodies = validBodies();
  const files: object[] = [];
  const byKind: Record<string, number> = {};
  const encode = (text: string) => (format === 'jsonl.gz' ? gzipSync(Buffer.from(text)) : Buffer.from(text));
  const put = (path: string, kind: RecordKind, role: string, lines: string[]) => {
    const data = encode(lines.map((l) => `${l}\n`).join(''));
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), data);
    files.push({ path, kind, role, records: lines.length, bytes: data.length, sha256: sha256(data) });
  };
  RECORD_KINDS.forEach((kind, k) => {
    const id = `x${k}-0`;
    const traced = kind.startsWith('sentry') ? { trace_id: '4bf92f3577b34da6a3ce929d0e0e4736' } : {};
    const ts = { kubernetes_log: T0 + 29, sentry_error: T0 + 500, sentry_transaction: T0 + 250 }[kind as string] ?? T0;
    put(recordsPath(kind, format), kind, 'records', [JSON.stringify({ id, kind, timestamp: ts, service: 'api-gateway', ...traced, body: bodies[kind] })]);
    put(labelsPath(kind, format), kind, 'labels', [JSON.stringify({ id, anomalous: false })]);
    byKind[kind] = 1;
  });
  const incidents = `${JSON.stringify({ range: { start: new Date(T0).toISOString(), end: new Date(T0 + 3_600_000).toISOString() }, incidents: [] }, null, 2)}\n`;
  writeFileSync(join(dir, 'incidents.json'), incidents);
  const manifest = {
    tool: { name: 'obsynth', version: 'test' },
    seed: 1,
    config_hash: loadConfig().hash,
    range: { start: new Date(T0).toISOString(), end: new Date(T0 + 3_600_000).toISOString() },
    options: { sources: ['kubernetes', 'sentry', 'cloudwatch', 'grafana'], volume_multiplier: 1, format, split_by_day: false },
    counts: { total: RECORD_KINDS.length, by_source: Object.fromEntries(['kubernetes', 'sentry', 'cloudwatch', 'grafana'].map((s) => [s, RECORD_KINDS.filter((k) => KIND_SOURCE[k] === s).length])), by_kind: byKind },
    files: files.sort((a, b) => (a as { path: string }).path.localeCompare((b as { path: string }).path)),
    documents: [{ path: 'incidents.json', bytes: Buffer.byteLength(incidents), sha256: sha256(Buffer.from(incidents)) }],
  };
  writeFileSync(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
}

export function copyDataset(from: string, name: string): string {
  const to = tempDir(name);
  rmSync(to, { recursive: true, force: true });
  cpSync(from, to, { recursive: true });
  return to;
}

/** The lines of a dataset file (gzip or plain). */
export function readLines(dir: string, path: string): string[] {
  const raw = readFileSync(join(dir, path));
  const text = path.endsWith('.gz') ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
  return text.split('\n').filter((l) => l !== '');
}

/** Rewrites a dataset file and updates its manifest entry (bytes, sha256, records), as if generated so. */
export function rewriteLines(dir: string, path: string, edit: (lines: string[]) => string[]): void {
  const lines = edit(readLines(dir, path));
  const text = Buffer.from(lines.map((l) => `${l}\n`).join(''));
  const data = path.endsWith('.gz') ? gzipSync(text) : text;
  writeFileSync(join(dir, path), data);
  const manifestPath = join(dir, 'manifest.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { files: Array<{ path: string; bytes: number; sha256: string; records: number }> };
  const entry = manifest.files.find((f) => f.path === path)!;
  Object.assign(entry, { bytes: data.length, sha256: sha256(data), records: lines.length });
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
}

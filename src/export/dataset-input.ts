// Reading a dataset for export: its manifest and ground truth, and every kind's records with
// their label lines, file after file (one per UTC day when split), line by line. Memory stays
// flat: one line of each file at a time.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../config/errors.js';
import type { LabelLine, RecordKind } from '../model/record.js';
import { INCIDENTS, MANIFEST } from '../sinks/file/dataset-layout.js';
import type { TimeWindow } from '../time/calendar.js';
import { readIncidents, readManifest, type IncidentEntry, type Manifest } from '../validate/dataset-documents.js';
import { listFiles, looksLikeData, planFromDisk, planFromManifest } from '../validate/dataset-plan.js';
import { LineReader } from '../validate/line-reader.js';
import type { FilePair } from '../validate/scan-pair.js';

/** A record line as the dataset holds it. */
export interface FileEnvelope {
  readonly id: string;
  readonly kind: RecordKind;
  readonly timestamp: number;
  readonly service: string;
  readonly trace_id?: string;
  readonly body: unknown;
}

/** An incident of incidents.json with the times as epoch ms and the targets it reaches. */
export interface GroundTruthIncident {
  readonly id: string;
  readonly type: string;
  readonly rootCause: string;
  readonly onset: number;
  readonly peak: number;
  readonly recoveryStart: number;
  readonly end: number;
  readonly affected: ReadonlyArray<{ readonly target: string; readonly hops: number; readonly delayMs: number; readonly weight: number }>;
}

export interface DatasetInput {
  readonly dir: string;
  readonly manifest?: Manifest;
  readonly incidents: readonly GroundTruthIncident[];
  readonly range?: TimeWindow;
  /** Record / label file pairs per kind, in day order. */
  readonly pairs: ReadonlyMap<RecordKind, readonly FilePair[]>;
}

/** Opens a dataset folder; throws UsageError (exit 2) when it is not one. */
export function openDataset(dir: string): DatasetInput {
  if (!existsSync(dir)) throw new UsageError(`${dir}: no such folder; give the folder obsynth generate wrote (its --out)`);
  if (!statSync(dir).isDirectory()) throw new UsageError(`${dir} is a file, not a dataset folder`);
  const onDisk = listFiles(dir);
  if (!existsSync(join(dir, MANIFEST)) && !onDisk.some(looksLikeData)) throw new UsageError(`${dir} is not an obsynth dataset: it has no ${MANIFEST} and no .jsonl / .jsonl.gz files`);
  const m = readManifest(dir);
  if (m.status === 'invalid') throw new UsageError(`${dir}/${MANIFEST} is not valid (run obsynth validate):\n  ${m.problems.join('\n  ')}`);
  const manifest = m.status === 'ok' ? m.value : undefined;
  const inc = readIncidents(dir);
  if (inc.status === 'invalid') throw new UsageError(`${dir}/incidents.json is not valid (run obsynth validate):\n  ${inc.problems.join('\n  ')}`);
  const incidents = inc.status === 'ok' ? groundTruth(dir, inc.value.incidents) : [];
  const r = manifest?.range ?? (inc.status === 'ok' ? inc.value.range : undefined);
  const plan = manifest ? planFromManifest(dir, manifest, onDisk) : planFromDisk(onDisk);
  const pairs = new Map<RecordKind, FilePair[]>();
  for (const p of plan.pairs) {
    if (!p.records) continue;
    let list = pairs.get(p.kind);
    if (!list) pairs.set(p.kind, (list = []));
    list.push(p);
  }
  return { dir, manifest, incidents, range: r ? { start: Date.parse(r.start), end: Date.parse(r.end) } : undefined, pairs };
}

function groundTruth(dir: string, entries: readonly IncidentEntry[]): GroundTruthIncident[] {
  // The validated document leaves out `affected`; read it from the file as written.
  let raw: Array<{ id?: unknown; affected?: unknown }> = [];
  try {
    raw = (JSON.parse(readFileSync(join(dir, INCIDENTS), 'utf8')) as { incidents: typeof raw }).incidents;
  } catch {
    raw = [];
  }
  const affectedOf = new Map(raw.map((r) => [r.id, Array.isArray(r.affected) ? (r.affected as Array<Record<string, unknown>>) : []]));
  return entries.map((e) => ({
    id: e.id,
    type: e.type,
    rootCause: e.root_cause,
    onset: Date.parse(e.onset),
    peak: Date.parse(e.peak),
    recoveryStart: Date.parse(e.recovery_start),
    end: Date.parse(e.end),
    affected: (affectedOf.get(e.id) ?? [])
      .filter((a) => typeof a.target === 'string')
      .map((a) => ({ target: a.target as string, hops: Number(a.hops ?? 0), delayMs: Number(a.delay_ms ?? 0), weight: Number(a.weight ?? 1) })),
  }));
}

/** Bytes on disk of a kind's files (records and labels), for progress. */
export function kindBytes(input: DatasetInput, kinds: readonly RecordKind[]): number {
  let total = 0;
  for (const k of kinds) {
    for (const p of input.pairs.get(k) ?? []) {
      for (const path of [p.records, p.labels]) {
        if (path === undefined) continue;
        try {
          total += statSync(join(input.dir, path)).size;
        } catch {
          // gone since listing: counted as nothing
        }
      }
    }
  }
  return total;
}

export interface LabelledRecord {
  readonly record: FileEnvelope;
  /** Undefined when the dataset has no labels file for it. */
  readonly label: LabelLine | undefined;
  /** Path of the records file and the line number, for error messages. */
  readonly file: string;
  readonly line: number;
}

/** A dataset whose records and labels disagree: exporting it would mislabel rows. */
export class DatasetReadError extends Error {
  constructor(message: string) {
    super(`${message} (run obsynth validate for the full story)`);
    this.name = 'DatasetReadError';
  }
}

/**
 * The records of one kind with their labels, in file order across the day files. Throws
 * DatasetReadError on a corrupt file or a label line that is not its record's.
 */
export async function* readKind(input: DatasetInput, kind: RecordKind, onBytes?: (n: number) => void): AsyncGenerator<LabelledRecord> {
  for (const pair of input.pairs.get(kind) ?? []) {
    const recs = new LineReader(join(input.dir, pair.records!), pair.gzip, onBytes);
    const labs = pair.labels ? new LineReader(join(input.dir, pair.labels), pair.gzip, onBytes) : undefined;
    try {
      for (;;) {
        const line = await recs.next();
        const labelLine = labs ? await labs.next() : undefined;
        if (recs.error) throw new DatasetReadError(`${pair.records}: reading stopped after line ${recs.line}: ${recs.error.message}`);
        if (labs?.error) throw new DatasetReadError(`${pair.labels}: reading stopped after line ${labs.line}: ${labs.error.message}`);
        if (line === undefined) {
          if (labelLine !== undefined) throw new DatasetReadError(`${pair.labels} has more lines than ${pair.records}`);
          break;
        }
        if (line === '') continue;
        let record: FileEnvelope;
        let label: LabelLine | undefined;
        try {
          record = JSON.parse(line) as FileEnvelope;
          label = labelLine === undefined || labelLine === '' ? undefined : (JSON.parse(labelLine) as LabelLine);
        } catch (err) {
          throw new DatasetReadError(`${pair.records}:${recs.line}: not JSON (${(err as Error).message})`);
        }
        if (labs && label === undefined) throw new DatasetReadError(`${pair.labels} has fewer lines than ${pair.records}`);
        if (label && label.id !== record.id) throw new DatasetReadError(`${pair.labels}:${labs!.line}: label for "${label.id}" beside record "${record.id}"`);
        yield { record, label, file: pair.records!, line: recs.line };
      }
    } finally {
      recs.close();
      labs?.close();
    }
  }
}

// Where an interrupted replay stopped, per sink: everything up to `settledSeq` reached the
// backend (or was rejected for good). Written atomically (temp file + rename), so a crash
// leaves the previous checkpoint intact.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { UsageError } from '../config/errors.js';

export interface CheckpointSink {
  settledSeq: number;
  delivered: number;
  rejected: number;
}

export interface Checkpoint {
  version: 2;
  /** The record stream (dataset manifest hash or generation options hash). */
  source: string;
  /** The rebase shift of the first run: a resumed replay must stamp records the same way. */
  shiftMs: number;
  /** The record kinds the sinks took (sorted): record numbers count only these. */
  kinds: string[];
  sinks: Record<string, CheckpointSink>;
  complete: boolean;
}

export function readCheckpoint(path: string): Checkpoint | undefined {
  if (!existsSync(path)) return undefined;
  let doc: Checkpoint;
  try {
    doc = JSON.parse(readFileSync(path, 'utf8')) as Checkpoint;
  } catch (err) {
    throw new UsageError(`checkpoint ${path} is not valid JSON (${(err as Error).message}); remove it or pass --restart`);
  }
  if ((doc as { version: number }).version === 1) throw new UsageError(`checkpoint ${path} was written by an older obsynth (format 1); pass --restart to start over`);
  if (doc.version !== 2 || typeof doc.source !== 'string' || !Array.isArray(doc.kinds) || typeof doc.sinks !== 'object') throw new UsageError(`checkpoint ${path} is not an obsynth replay checkpoint; remove it or pass --restart`);
  return doc;
}

export function writeCheckpoint(path: string, doc: Checkpoint): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(doc, null, 2)}\n`);
  renameSync(tmp, path);
}

// The incidents a dataset holds (its incidents.json, written by `obsynth generate`): what the
// alert rules are scored against.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { formatPath, UsageError } from '../config/errors.js';
import { INCIDENTS } from '../sinks/file/dataset-layout.js';

const isoTime = z.string().refine((s) => Number.isFinite(Date.parse(s)), 'must be an ISO 8601 time');

// Only the fields scoring needs; others may come and go.
const documentSchema = z.object({
  range: z.object({ start: isoTime, end: isoTime }),
  incidents: z.array(
    z.object({
      id: z.string().min(1),
      type: z.string().min(1),
      root_cause: z.string(),
      affected: z.array(z.object({ target: z.string() })).optional(),
      onset: isoTime,
      end: isoTime,
      severity: z.number().optional(),
    }),
  ),
});

export interface TruthIncident {
  readonly id: string;
  readonly type: string;
  readonly rootCause: string;
  /** The root cause and every service or datastore it reached. */
  readonly targets: readonly string[];
  /** Epoch ms. */
  readonly onset: number;
  readonly end: number;
  readonly severity?: number;
}

export interface GroundTruth {
  /** The dataset's range, epoch ms, end exclusive. */
  readonly range: { readonly start: number; readonly end: number };
  readonly incidents: readonly TruthIncident[];
}

/** Reads incidents.json; a UsageError (exit 2) when the folder is not a dataset or the file is broken. */
export function readGroundTruth(dir: string): GroundTruth {
  if (!existsSync(dir)) throw new UsageError(`${dir}: no such folder; give the folder obsynth generate wrote (its --out)`);
  if (!statSync(dir).isDirectory()) throw new UsageError(`${dir} is a file, not a dataset folder`);
  const path = join(dir, INCIDENTS);
  if (!existsSync(path)) throw new UsageError(`${dir} has no ${INCIDENTS}: alert rules are scored against the ground truth obsynth generate writes there`);
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new UsageError(`${path}: not valid JSON (${(err as Error).message})`);
  }
  const parsed = documentSchema.safeParse(data);
  if (!parsed.success) {
    const lines = parsed.error.issues.slice(0, 5).map((i) => `${formatPath(i.path as PropertyKey[]) || '(top)'}: ${i.message}`);
    throw new UsageError(`${path} is not an obsynth ground truth (run obsynth validate):\n  ${lines.join('\n  ')}`);
  }
  const doc = parsed.data;
  return {
    range: { start: Date.parse(doc.range.start), end: Date.parse(doc.range.end) },
    incidents: doc.incidents.map((i) => ({
      id: i.id,
      type: i.type,
      rootCause: i.root_cause,
      targets: [...new Set([i.root_cause, ...(i.affected ?? []).map((a) => a.target)])],
      onset: Date.parse(i.onset),
      end: Date.parse(i.end),
      ...(i.severity !== undefined ? { severity: i.severity } : {}),
    })),
  };
}

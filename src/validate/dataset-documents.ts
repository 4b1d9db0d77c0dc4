// Reading a dataset's JSON documents: manifest.json and incidents.json, as
// src/cli/commands/dataset-documents.ts writes them. Only the fields the validator relies on
// are checked; other fields may come and go without breaking validation.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { RECORD_KINDS } from '../model/record.js';
import { INCIDENTS, MANIFEST } from '../sinks/file/dataset-layout.js';
import { toFieldIssues } from './issues.js';

const SOURCES = ['kubernetes', 'sentry', 'cloudwatch', 'grafana'] as const;
const isoTime = z.string().refine((s) => Number.isFinite(Date.parse(s)), 'must be an ISO 8601 time');
const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 hex digits');
const count = z.number().int().nonnegative();

const fileEntry = z.object({
  path: z.string().min(1),
  kind: z.enum(RECORD_KINDS),
  role: z.enum(['records', 'labels']),
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
  records: count,
  bytes: count,
  uncompressed_bytes: count.optional(),
  sha256,
});

export const manifestSchema = z.object({
  tool: z.object({ name: z.string(), version: z.string() }),
  seed: z.number().int(),
  config_hash: z.string(),
  range: z.object({ start: isoTime, end: isoTime }),
  options: z.object({
    sources: z.array(z.enum(SOURCES)).min(1),
    volume_multiplier: z.number().positive(),
    format: z.enum(['jsonl.gz', 'jsonl']),
    split_by_day: z.boolean(),
  }),
  counts: z.object({ total: count, by_source: z.record(z.string(), count), by_kind: z.record(z.string(), count) }),
  files: z.array(fileEntry),
  documents: z.array(z.object({ path: z.string().min(1), bytes: count, sha256 })),
});

export type Manifest = z.infer<typeof manifestSchema>;
export type ManifestFile = Manifest['files'][number];

const sourceStat = z.object({ records: count, first: isoTime, last: isoTime });

export const incidentsSchema = z.object({
  range: z.object({ start: isoTime, end: isoTime }),
  incidents: z.array(
    z.object({
      id: z.string().min(1),
      type: z.string(),
      root_cause: z.string(),
      onset: isoTime,
      peak: isoTime,
      recovery_start: isoTime,
      end: isoTime,
      signature: z.partialRecord(z.enum(SOURCES), z.array(z.string())),
      onset_in_range: z.boolean(),
      sources: z.partialRecord(z.enum(SOURCES), sourceStat),
    }),
  ),
});

export type IncidentsDocument = z.infer<typeof incidentsSchema>;
export type IncidentEntry = IncidentsDocument['incidents'][number];

export type DocumentRead<T> = { status: 'ok'; value: T } | { status: 'missing' } | { status: 'invalid'; problems: string[] };

/** Reads and checks one JSON document of the dataset. */
export function readDocument<T>(dir: string, name: string, schema: z.ZodType<T>): DocumentRead<T> {
  const path = join(dir, name);
  if (!existsSync(path)) return { status: 'missing' };
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    return { status: 'invalid', problems: [`${name}: not valid JSON (${(err as Error).message})`] };
  }
  const result = schema.safeParse(data);
  if (result.success) return { status: 'ok', value: result.data };
  return { status: 'invalid', problems: toFieldIssues(result.error.issues, data).map((i) => `${name} ${i.path}: ${JSON.stringify(i.value) ?? 'nothing'} ${i.rule}`) };
}

export const readManifest = (dir: string) => readDocument(dir, MANIFEST, manifestSchema);
export const readIncidents = (dir: string) => readDocument(dir, INCIDENTS, incidentsSchema);

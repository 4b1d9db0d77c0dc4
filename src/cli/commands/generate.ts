// `obsynth generate`: fabricate a history and write it as a dataset folder.
import { loadConfig, type LoadedConfig } from '../../config/load.js';
import { ConfigError } from '../../config/errors.js';
import { countChunks, chunkLengthMs, splitByDay } from '../../engine/plan.js';
import type { OutputFormat } from '../../engine/compress.js';
import type { SourceStat } from '../../engine/chunk.js';
import { runChunks } from '../../engine/worker-pool.js';
import { RECORD_KINDS, KIND_SOURCE, type RecordKind, type Source } from '../../model/record.js';
import { World, type RunOptions } from '../../simulation/world.js';
import { DatasetWriter, type FileEntry } from '../../sinks/file/dataset-writer.js';
import { INCIDENTS } from '../../sinks/file/dataset-layout.js';
import type { Clock } from '../../time/clock.js';
import type { TimeWindow } from '../../time/calendar.js';
import { Progress, type ProgressSink } from '../progress.js';
import { defaultWorkers, OptionProblems, parseNumber, parsePlaced, parseSources, resolveRange } from '../options.js';
import { buildIncidentsDocument, buildManifest, type IncidentStats } from './dataset-documents.js';
import { extraDocuments } from './dataset-extras.js';

export interface GenerateFlags {
  hours?: string;
  days?: string;
  start?: string;
  end?: string;
  seed?: string;
  out?: string;
  sources?: string;
  volumeMultiplier?: string;
  incidentsPerDay?: string;
  allIncidents?: boolean;
  incident?: string[];
  format?: string;
  gzipLevel?: string;
  workers?: string;
  config?: string;
  services?: string;
  incidents?: string;
  generation?: string;
  splitByDay?: string;
  force?: boolean;
  progress?: boolean;
}

export interface GeneratePlan {
  readonly config: LoadedConfig;
  readonly run: RunOptions;
  readonly out: string;
  readonly format: OutputFormat;
  readonly gzipLevel: number;
  readonly workers: number;
  readonly splitByDay: boolean;
  readonly force: boolean;
  readonly allIncidents: boolean;
}

export interface GenerateDeps {
  readonly clock: Clock;
  readonly stderr: ProgressSink;
  readonly signal?: AbortSignal;
}

export interface GenerateResult {
  readonly out: string;
  readonly range: TimeWindow;
  readonly records: number;
  readonly byKind: Record<RecordKind, number>;
  readonly bySource: Record<Source, number>;
  readonly incidents: number;
  readonly incidentsByType: Record<string, number>;
  readonly bytes: number;
  readonly uncompressedBytes: number;
  readonly seconds: number;
  readonly workers: number;
  readonly files: FileEntry[];
}

/** Validates flags and configuration together; throws one ConfigError listing every problem. */
export function planGenerate(flags: GenerateFlags, now: number): GeneratePlan {
  const p = new OptionProblems();
  const range = resolveRange(p, flags, now);
  const seed = parseNumber(p, '--seed', flags.seed, { min: 0, max: 2 ** 32 - 1, integer: true });
  const multiplier = parseNumber(p, '--volume-multiplier', flags.volumeMultiplier, { min: 0.001, max: 100 }) ?? 1;
  const perDay = parseNumber(p, '--incidents-per-day', flags.incidentsPerDay, { min: 0, max: 500 });
  const gzipLevel = parseNumber(p, '--gzip-level', flags.gzipLevel, { min: 1, max: 9, integer: true });
  const workers = parseNumber(p, '--workers', flags.workers, { min: 0, max: 256, integer: true }) ?? defaultWorkers();
  const sources = parseSources(p, flags.sources);
  const placed = parsePlaced(p, flags.incident ?? [], range);
  if (flags.format !== undefined && flags.format !== 'jsonl.gz' && flags.format !== 'jsonl') p.add('--format', `"${flags.format}" is not allowed; allowed: jsonl.gz | jsonl`);
  if (flags.splitByDay !== undefined && !['auto', 'always', 'never'].includes(flags.splitByDay)) p.add('--split-by-day', `"${flags.splitByDay}" is not allowed; allowed: auto | always | never`);
  // Config problems and option problems are reported together.
  let config: LoadedConfig | undefined;
  try {
    config = loadConfig({ dir: flags.config, overrides: { services: flags.services, incidents: flags.incidents, generation: flags.generation } });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    p.list.push(...err.problems);
  }
  if (config) {
    for (const pl of placed) {
      if (!config.incidents.scenarios[pl.type]) p.add('--incident', `"${pl.type}" has no scenario in ${config.paths.incidents}`);
      if (pl.target && !config.services.services.some((s) => s.name === pl.target) && !config.services.datastores.some((d) => d.name === pl.target)) {
        p.add('--incident', `target "${pl.target}" is not a service or datastore; allowed: ${[...config.services.services.map((s) => s.name), ...config.services.datastores.map((d) => d.name)].join(' | ')}`);
      }
    }
  }
  p.throwIfAny();
  const gen = config!.generation;
  const run: RunOptions = {
    seed: seed ?? gen.seed,
    start: range!.start,
    end: range!.end,
    sources,
    volumeMultiplier: multiplier,
    incidentsPerDay: perDay ?? gen.incidents.per_day,
    placed,
  };
  return {
    config: config!,
    run,
    out: flags.out ?? 'data',
    format: (flags.format as OutputFormat | undefined) ?? gen.output.format,
    gzipLevel: gzipLevel ?? gen.output.gzip_level,
    workers,
    splitByDay: splitByDay((flags.splitByDay as 'auto' | 'always' | 'never' | undefined) ?? gen.output.split_by_day, range!),
    force: flags.force ?? false,
    allIncidents: flags.allIncidents ?? false,
  };
}

export async function runGenerate(plan: GeneratePlan, deps: GenerateDeps, showProgress: boolean): Promise<GenerateResult> {
  const started = deps.clock.monotonic();
  let run = plan.run;
  const probe = new World(plan.config, run);
  if (plan.allIncidents) run = { ...run, placed: [...run.placed, ...probe.planner.spreadAllTypes(run)] };
  const world = plan.allIncidents ? new World(plan.config, run) : probe;
  const kinds = RECORD_KINDS.filter((k) => run.sources.includes(KIND_SOURCE[k]));
  const writer = new DatasetWriter(plan.out, plan.format, plan.splitByDay, kinds, plan.force);
  const chunkMs = chunkLengthMs(run.volumeMultiplier);
  const total = countChunks(run, chunkMs);
  const progress = new Progress(deps.stderr, deps.clock, showProgress, 'generating');
  const byKind = Object.fromEntries(RECORD_KINDS.map((k) => [k, 0])) as Record<RecordKind, number>;
  const stats: IncidentStats = new Map();
  let records = 0;
  let done = 0;
  try {
    await runChunks(
      { config: { services: plan.config.services, incidents: plan.config.incidents, generation: plan.config.generation }, options: run, chunkMs, format: plan.format, gzipLevel: plan.gzipLevel },
      total,
      plan.workers,
      (chunk) => {
        writer.append(chunk);
        for (const k of chunk.kinds) {
          byKind[k.kind] += k.count;
          records += k.count;
        }
        mergeStats(stats, chunk.incidentStats);
        done++;
        progress.update(done, total, records);
      },
      deps.signal,
    );
    progress.update(done, total, records, true);
    progress.done();
    const incidents = world.incidentsFor(run);
    const documents: Record<string, unknown> = { [INCIDENTS]: buildIncidentsDocument(world, incidents, stats), ...extraDocuments(world) };
    const files = writer.finish(documents, (f, docs) => buildManifest(plan, run, byKind, f, docs));
    const bySource = { kubernetes: 0, sentry: 0, cloudwatch: 0, grafana: 0 } as Record<Source, number>;
    for (const k of RECORD_KINDS) bySource[KIND_SOURCE[k]] += byKind[k];
    const inRange = incidents.filter((i) => i.onset >= run.start && i.onset < run.end);
    const incidentsByType: Record<string, number> = {};
    for (const i of inRange) incidentsByType[i.type] = (incidentsByType[i.type] ?? 0) + 1;
    const dataFiles = files.filter((f) => f.role === 'records');
    return {
      out: writer.target,
      range: { start: run.start, end: run.end },
      records,
      byKind,
      bySource,
      incidents: inRange.length,
      incidentsByType,
      bytes: files.reduce((a, f) => a + f.bytes, 0),
      uncompressedBytes: dataFiles.reduce((a, f) => a + f.uncompressed_bytes, 0),
      seconds: (deps.clock.monotonic() - started) / 1000,
      workers: plan.workers,
      files,
    };
  } catch (err) {
    progress.done();
    writer.abort();
    throw err;
  }
}

function mergeStats(into: IncidentStats, chunk: Record<string, Partial<Record<Source, SourceStat>>>): void {
  for (const [id, perSource] of Object.entries(chunk)) {
    let entry = into.get(id);
    if (!entry) into.set(id, (entry = {}));
    for (const [source, s] of Object.entries(perSource) as Array<[Source, SourceStat]>) {
      const cur = entry[source];
      if (!cur) entry[source] = { ...s };
      else {
        cur.count += s.count;
        cur.first = Math.min(cur.first, s.first);
        cur.last = Math.max(cur.last, s.last);
      }
    }
  }
}

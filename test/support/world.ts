// Builds a World and runs windows in-process for tests: no files, no workers.
import { loadConfig, type LoadedConfig } from '../../src/config/load.js';
import { generateChunk, type ChunkOutput } from '../../src/engine/chunk.js';
import type { Generator } from '../../src/generators/generator.js';
import { allGenerators } from '../../src/generators/registry.js';
import type { PlacedIncident } from '../../src/incidents/planner.js';
import type { FileRecord, RecordKind, LabelLine, Source } from '../../src/model/record.js';
import { World, type RunOptions } from '../../src/simulation/world.js';
import { MINUTE } from '../../src/time/calendar.js';

let cached: LoadedConfig | undefined;
export function defaultConfig(): LoadedConfig {
  return (cached ??= loadConfig());
}

export function makeWorld(options: Partial<RunOptions> = {}, config: LoadedConfig = defaultConfig()): World {
  const start = options.start ?? Date.UTC(2026, 10, 24, 14, 0, 0);
  return new World(config, {
    seed: 42,
    start,
    end: options.end ?? start + 60 * MINUTE,
    sources: ['kubernetes', 'sentry', 'cloudwatch', 'grafana'] satisfies Source[],
    volumeMultiplier: 1,
    incidentsPerDay: 0,
    placed: [] as PlacedIncident[],
    ...options,
  });
}

export interface ParsedChunk {
  output: ChunkOutput;
  records: Map<RecordKind, FileRecord[]>;
  labels: Map<RecordKind, LabelLine[]>;
}

/** Runs one window and parses what it wrote. */
export function runWindow(world: World, start: number, end: number, generators: readonly Generator[] = allGenerators()): ParsedChunk {
  const output = generateChunk(world, generators, { start, end });
  const records = new Map<RecordKind, FileRecord[]>();
  const labels = new Map<RecordKind, LabelLine[]>();
  for (const k of output.kinds) {
    records.set(k.kind, k.records.toString('utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as FileRecord));
    labels.set(k.kind, k.labels.toString('utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as LabelLine));
  }
  return { output, records, labels };
}

/** Runs consecutive 10-minute windows over [start, end). */
export function runRange(world: World, start: number, end: number, generators?: readonly Generator[]): ParsedChunk[] {
  const out: ParsedChunk[] = [];
  for (let t = start; t < end; t += 10 * MINUTE) out.push(runWindow(world, t, Math.min(end, t + 10 * MINUTE), generators));
  return out;
}

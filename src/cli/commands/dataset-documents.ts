// The ground truth (incidents.json) and the manifest of a dataset.
import type { Incident } from '../../model/incident.js';
import { SOURCE_NAMES } from '../../config/schema.js';
import type { SourceStat } from '../../engine/chunk.js';
import { KIND_SOURCE, RECORD_KINDS, type RecordKind, type Source } from '../../model/record.js';
import type { RunOptions, World } from '../../simulation/world.js';
import type { DocumentEntry, FileEntry } from '../../sinks/file/dataset-writer.js';
import { toolVersion } from '../../version.js';
import type { GeneratePlan } from './generate.js';

export type IncidentStats = Map<string, Partial<Record<Source, SourceStat>>>;

const iso = (ms: number) => new Date(ms).toISOString();

export function buildIncidentsDocument(world: World, incidents: readonly Incident[], stats: IncidentStats) {
  const { start, end } = world.options;
  return {
    range: { start: iso(start), end: iso(end) },
    incidents: incidents.map((i) => {
      const s = stats.get(i.id) ?? {};
      const sources = Object.fromEntries(
        SOURCE_NAMES.filter((src) => s[src]).map((src) => [src, { records: s[src]!.count, first: iso(s[src]!.first), last: iso(s[src]!.last) }]),
      );
      return {
        id: i.id,
        type: i.type,
        root_cause: i.rootCause,
        affected: i.affected.map((a) => ({ target: a.target, hops: a.hops, delay_ms: a.delayMs, weight: Math.round(a.weight * 1000) / 1000 })),
        onset: iso(i.onset),
        peak: iso(i.peak),
        recovery_start: iso(i.recoveryStart),
        end: iso(i.end),
        duration_secs: Math.round((i.end - i.onset) / 1000),
        severity: i.severity,
        shape: i.shape,
        recovery: i.recovery,
        detail: i.detail,
        signature: i.signature,
        placed: i.placed,
        onset_in_range: i.onset >= start && i.onset < end,
        sources,
        sources_shown: Object.keys(sources).length,
      };
    }),
  };
}

export function buildManifest(plan: GeneratePlan, run: RunOptions, byKind: Record<RecordKind, number>, files: FileEntry[], documents: DocumentEntry[]) {
  const bySource: Record<string, number> = {};
  for (const k of RECORD_KINDS) if (run.sources.includes(KIND_SOURCE[k])) bySource[KIND_SOURCE[k]] = (bySource[KIND_SOURCE[k]] ?? 0) + byKind[k];
  return {
    tool: { name: 'obsynth', version: toolVersion() },
    seed: run.seed,
    config_hash: plan.config.hash,
    range: { start: iso(run.start), end: iso(run.end) },
    options: {
      sources: run.sources,
      volume_multiplier: run.volumeMultiplier,
      incidents_per_day: run.incidentsPerDay,
      placed_incidents: run.placed.map((p) => ({ type: p.type, at: iso(p.at), ...(p.target ? { target: p.target } : {}) })),
      format: plan.format,
      gzip_level: plan.gzipLevel,
      split_by_day: plan.splitByDay,
    },
    counts: {
      total: Object.values(byKind).reduce((a, b) => a + b, 0),
      by_source: bySource,
      by_kind: Object.fromEntries(RECORD_KINDS.filter((k) => run.sources.includes(KIND_SOURCE[k])).map((k) => [k, byKind[k]])),
    },
    files: files.map((f) => ({ path: f.path, kind: f.kind, role: f.role, ...(f.day ? { day: f.day } : {}), records: f.records, bytes: f.bytes, uncompressed_bytes: f.role === 'records' ? f.uncompressed_bytes : undefined, sha256: f.sha256 })),
    documents,
  };
}

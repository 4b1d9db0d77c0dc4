// `obsynth validate` as a library function: reads a dataset folder once, file by file, and
// returns the report. Nothing here prints or exits; the CLI does that.
import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { LoadedConfig } from '../config/load.js';
import { KIND_SOURCE, RECORD_KINDS, type RecordKind, type Source } from '../model/record.js';
import { MANIFEST } from '../sinks/file/dataset-layout.js';
import type { Clock } from '../time/clock.js';
import type { TimeWindow } from '../time/calendar.js';
import { buildChecks } from './checks.js';
import { readIncidents, readManifest, type IncidentsDocument, type Manifest } from './dataset-documents.js';
import { listFiles, planFromDisk, planFromManifest, type DatasetPlan } from './dataset-plan.js';
import { IncidentTally } from './incident-tally.js';
import { KindTally } from './kind-tally.js';
import { LogRealismTally, type LogRealismReport } from './log-realism.js';
import { digestFile } from './line-reader.js';
import { onsetReport, realismReport, spreadReport, volumeReport } from './quality.js';
import { RealismTally } from './realism-tally.js';
import type { FileReport, KindReport, ValidationReport } from './report.js';
import { newTimeline, type KindScanSetup } from './kind-scan.js';
import { runKindScans, type KindGroup } from './kind-scan-pool.js';
import type { ScannedFile, TimeSettings } from './scan-pair.js';

const ALL_SOURCES: readonly Source[] = ['kubernetes', 'sentry', 'cloudwatch', 'grafana'];

export interface ValidateDatasetOptions {
  /** The dataset folder (must exist). */
  readonly dir: string;
  readonly config: LoadedConfig;
  /** Problems listed per kind and per sort (the rest are counted). */
  readonly maxErrors: number;
  readonly clock: Clock;
  readonly onProgress?: (bytesDone: number, bytesTotal: number, records: number) => void;
  /** Worker threads to scan record kinds on (0 or absent: in this thread). */
  readonly workers?: number;
}

export async function validateDataset(o: ValidateDatasetOptions): Promise<ValidationReport> {
  const started = o.clock.monotonic();
  const manifestRead = readManifest(o.dir);
  const manifest = manifestRead.status === 'ok' ? manifestRead.value : undefined;
  const incidentsRead = readIncidents(o.dir);
  const incidents = incidentsRead.status === 'ok' ? incidentsRead.value : undefined;
  const onDisk = listFiles(o.dir);
  const plan = manifest ? planFromManifest(o.dir, manifest, onDisk) : planFromDisk(onDisk);
  const manifestProblems = [...plan.problems];
  if (manifestRead.status === 'missing') manifestProblems.unshift(`${MANIFEST} is missing: without it nothing says which files belong to the dataset or what they should contain; the data files found were checked as they are`);
  if (manifestRead.status === 'invalid') manifestProblems.unshift(...manifestRead.problems);
  if (incidentsRead.status === 'invalid') manifestProblems.push(...incidentsRead.problems);

  const realismConfig = o.config.generation.realism;
  const range = rangeOf(manifest, incidents);
  const time: TimeSettings | undefined = range && {
    range,
    toleranceMs: realismConfig.clock_skew.max_ms + realismConfig.late_arrivals.max_delay_secs * 1000,
    maxLateMs: realismConfig.late_arrivals.max_delay_secs * 1000,
    maxSkewMs: realismConfig.clock_skew.max_ms,
  };
  const sources = manifest ? manifest.options.sources : ALL_SOURCES.filter((s) => plan.pairs.some((p) => KIND_SOURCE[p.kind] === s));
  const setup: KindScanSetup = {
    dir: o.dir,
    time,
    range,
    sources,
    maxErrors: o.maxErrors,
    incidents: incidents?.incidents,
    skewToleranceMs: realismConfig.clock_skew.max_ms,
    services: o.config.services,
    utcOffsetMinutes: o.config.generation.traffic.utc_offset_minutes,
  };
  // Each kind's files are scanned together (in plan order) with tallies of their own; the
  // dataset-wide figures are sums and extremes of theirs, whatever thread ran them.
  const groups: KindGroup[] = [];
  for (const kind of RECORD_KINDS) {
    const pairs = plan.pairs.filter((p) => p.kind === kind);
    if (pairs.length > 0) groups.push({ kind, pairs, bytes: pairs.reduce((a, p) => a + size(o.dir, p.records) + size(o.dir, p.labels), 0) });
  }
  const totalBytes = groups.reduce((a, g) => a + g.bytes, 0);
  let doneBytes = 0;
  let records = 0;
  const results = await runKindScans(setup, groups, o.workers ?? 0, (bytes, n) => {
    doneBytes += bytes;
    records += n;
    if (bytes > 0) o.onProgress?.(doneBytes, totalBytes, records);
  });
  o.onProgress?.(totalBytes, totalBytes, records);

  const incidentTally = incidents && new IncidentTally(incidents.incidents, realismConfig.clock_skew.max_ms);
  const realism = new RealismTally();
  const timeline = newTimeline(setup);
  const scanned: ScannedFile[] = [];
  const reports = new Map<RecordKind, KindReport>();
  let logRealism: LogRealismReport | null = null;
  for (const r of results) {
    reports.set(r.kind, r.report);
    scanned.push(...r.scanned);
    if (r.incidents) incidentTally?.absorb(r.incidents);
    realism.absorb(r.realism);
    if (r.timeline) timeline?.absorb(r.timeline);
    if (r.logs) logRealism = r.logs;
  }
  // Kinds of the dataset's sources without files still get a (zero) line.
  for (const kind of RECORD_KINDS) if (sources.includes(KIND_SOURCE[kind]) && !reports.has(kind)) reports.set(kind, new KindTally(kind, o.maxErrors).toReport());
  if (!logRealism && sources.includes('kubernetes')) logRealism = new LogRealismTally(setup.services, setup.utcOffsetMinutes).report(range);

  const files = [...fileReports(plan, scanned, onDisk), ...(await documentReports(o.dir, manifest))];
  const kinds = [...reports.values()].sort((a, b) => RECORD_KINDS.indexOf(a.kind) - RECORD_KINDS.indexOf(b.kind));
  const bySource = Object.fromEntries(ALL_SOURCES.map((s) => [s, kinds.filter((k) => k.source === s).reduce((a, k) => a + k.records, 0)])) as Record<Source, number>;
  const quality = {
    onset: incidents && incidentTally && range ? onsetReport(incidents, incidentTally, range, sources) : null,
    spread: incidents && incidentTally ? spreadReport(incidents, incidentTally, sources) : null,
    volume: range ? volumeReport(range, bySource, sources, manifest?.options.volume_multiplier ?? 1, o.config.generation) : null,
    realism: realismReport(realism, realismConfig),
  };
  const checks = buildChecks({ manifestProblems, incidentsMissing: incidentsRead.status === 'missing', files, kinds, quality, logRealism, time, maxErrors: o.maxErrors });
  return {
    dir: o.dir,
    ok: checks.every((c) => c.severity !== 'error' || c.status !== 'fail'),
    dataset: {
      ...(manifest ? { seed: manifest.seed, range: manifest.range, format: manifest.options.format, configHash: manifest.config_hash } : {}),
      sources,
      records: kinds.reduce((a, k) => a + k.records, 0),
      bytes: files.reduce((a, f) => a + (f.bytes ?? 0), 0),
      config: { dir: dirname(o.config.paths.generation), hash: o.config.hash, matches: manifest ? manifest.config_hash === o.config.hash : null },
    },
    checks,
    files,
    kinds,
    quality,
    realism: logRealism,
    timeline: timeline ? timeline.report(incidents) : null,
    seconds: (o.clock.monotonic() - started) / 1000,
  };
}

function rangeOf(manifest: Manifest | undefined, incidents: IncidentsDocument | undefined): TimeWindow | undefined {
  const r = manifest?.range ?? incidents?.range;
  return r ? { start: Date.parse(r.start), end: Date.parse(r.end) } : undefined;
}

function size(dir: string, path: string | undefined): number {
  if (path === undefined) return 0;
  try {
    return statSync(join(dir, path)).size;
  } catch {
    return 0;
  }
}

/** Listed files (present or not) and files read without being listed. */
function fileReports(plan: DatasetPlan, scanned: readonly ScannedFile[], onDisk: readonly string[]): FileReport[] {
  const byPath = new Map(scanned.map((s) => [s.path, s]));
  const present = new Set(onDisk);
  const out: FileReport[] = [];
  for (const [path, entry] of plan.listed) {
    const s = byPath.get(path);
    out.push({
      path,
      kind: entry.kind,
      role: entry.role,
      listed: true,
      present: present.has(path),
      expectedBytes: entry.bytes,
      expectedSha256: entry.sha256,
      expectedLines: entry.records,
      ...(s ? { bytes: s.digest.bytes, sha256: s.digest.sha256, lines: s.lines, ...(s.readError ? { readError: s.readError } : {}) } : {}),
    });
  }
  for (const s of scanned) {
    if (plan.listed.has(s.path)) continue;
    const pair = plan.pairs.find((p) => p.records === s.path || p.labels === s.path);
    out.push({ path: s.path, kind: pair?.kind, role: pair?.labels === s.path ? 'labels' : 'records', listed: false, present: true, bytes: s.digest.bytes, sha256: s.digest.sha256, lines: s.lines, ...(s.readError ? { readError: s.readError } : {}) });
  }
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

async function documentReports(dir: string, manifest: Manifest | undefined): Promise<FileReport[]> {
  const out: FileReport[] = [];
  for (const d of manifest?.documents ?? []) {
    const path = join(dir, d.path);
    let digest: { bytes: number; sha256: string } | undefined;
    try {
      digest = await digestFile(path);
    } catch {
      digest = undefined;
    }
    out.push({ path: d.path, role: 'document', listed: true, present: digest !== undefined, expectedBytes: d.bytes, expectedSha256: d.sha256, ...(digest ?? {}) });
  }
  return out;
}

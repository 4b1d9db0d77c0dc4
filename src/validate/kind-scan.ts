// One record kind's files, scanned with tallies of their own: the unit of work `validate` runs
// in-process or hands to a worker thread. Everything a kind contributes to the dataset-wide
// figures comes back as plain data (counts, sums, extremes), so merging the kinds in any order
// gives the report a single pass would.
import type { ServicesFile } from '../config/schema.js';
import type { RecordKind, Source } from '../model/record.js';
import type { TimeWindow } from '../time/calendar.js';
import type { IncidentEntry } from './dataset-documents.js';
import { IncidentTally, type IncidentTallyState } from './incident-tally.js';
import { KindTally } from './kind-tally.js';
import { LogRealismTally, type LogRealismReport } from './log-realism.js';
import { RealismTally, type RealismCounts } from './realism-tally.js';
import type { KindReport } from './report.js';
import { scanPair, type FilePair, type ScannedFile, type TimeSettings } from './scan-pair.js';
import { TimelineTally, type TimelineState } from './timeline-tally.js';

export interface KindScanSetup {
  readonly dir: string;
  readonly time: TimeSettings | undefined;
  readonly range: TimeWindow | undefined;
  readonly sources: readonly Source[];
  readonly maxErrors: number;
  /** incidents.json's entries, when it could be read. */
  readonly incidents: readonly IncidentEntry[] | undefined;
  readonly skewToleranceMs: number;
  /** For the container logs' realism figures. */
  readonly services: ServicesFile;
  readonly utcOffsetMinutes: number;
}

export interface KindScanResult {
  readonly kind: RecordKind;
  readonly report: KindReport;
  readonly scanned: readonly ScannedFile[];
  readonly incidents: IncidentTallyState | undefined;
  readonly realism: RealismCounts;
  readonly timeline: TimelineState | undefined;
  /** Only for container logs. */
  readonly logs: LogRealismReport | undefined;
}

export interface ScanProgress {
  readonly onBytes: (n: number) => void;
  readonly onRecord: () => void;
}

/** The timeline only exists for a dataset with a range. */
export function newTimeline(setup: KindScanSetup): TimelineTally | undefined {
  const r = setup.range;
  return r && r.end > r.start ? new TimelineTally(r, setup.sources) : undefined;
}

export async function scanKind(setup: KindScanSetup, kind: RecordKind, pairs: readonly FilePair[], progress: ScanProgress): Promise<KindScanResult> {
  const tally = new KindTally(kind, setup.maxErrors);
  const incidents = setup.incidents && new IncidentTally(setup.incidents, setup.skewToleranceMs);
  const realism = new RealismTally();
  const timeline = newTimeline(setup);
  const logs = kind === 'kubernetes_log' ? new LogRealismTally(setup.services, setup.utcOffsetMinutes) : undefined;
  const scanned: ScannedFile[] = [];
  for (const pair of pairs) {
    if (pair.records) tally.files.push(pair.records);
    const result = await scanPair({ dir: setup.dir, time: setup.time, tally, incidents, realism, logs, timeline, ...progress }, pair);
    if (result.records) scanned.push(result.records);
    if (result.labels) scanned.push(result.labels);
  }
  return {
    kind,
    report: tally.toReport(),
    scanned,
    incidents: incidents?.state(),
    realism: realism.counts(),
    timeline: timeline?.state(),
    logs: logs?.report(setup.range),
  };
}

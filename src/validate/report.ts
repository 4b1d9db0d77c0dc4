// What `obsynth validate` finds, as data: a verdict per check, then the detail behind each
// (per file, per record kind, the quality figures). The CLI prints it or writes it as JSON.
import type { RecordKind, Source } from '../model/record.js';
import type { LogRealismReport } from './log-realism.js';
import type { TimelineReport } from './timeline-tally.js';

export type CheckId = 'manifest' | 'files' | 'schema' | 'labels' | 'time_range' | 'arrival_order' | 'body_time' | 'onset' | 'spread' | 'volume' | 'realism' | 'log_realism';

/**
 * error: a failure means the dataset is broken (exit 1).
 * warning: a failure is worth a look but the data is usable.
 * info: figures to read; "fail" only marks figures away from what the configuration promises.
 */
export type Severity = 'error' | 'warning' | 'info';
export type CheckStatus = 'pass' | 'fail' | 'skip';

export interface CheckResult {
  readonly id: CheckId;
  readonly title: string;
  readonly severity: Severity;
  readonly status: CheckStatus;
  readonly summary: string;
  /** The first problems, each naming where it is. */
  readonly problems: readonly string[];
  /** Problems beyond those listed. */
  readonly moreProblems: number;
}

/** One bad thing in one line of one file. */
export interface LineProblem {
  readonly file: string;
  readonly line: number;
  readonly id?: string;
  /** Key path from the line's root (`body.MetricData[0].Unit`); empty for the whole line. */
  readonly path: string;
  /** The bad value, shortened. */
  readonly value: string;
  readonly rule: string;
}

export interface FileReport {
  readonly path: string;
  readonly kind?: RecordKind;
  readonly role: 'records' | 'labels' | 'document';
  /** Listed in manifest.json. */
  readonly listed: boolean;
  readonly present: boolean;
  readonly bytes?: number;
  readonly expectedBytes?: number;
  readonly sha256?: string;
  readonly expectedSha256?: string;
  /** Lines read (records or labels). */
  readonly lines?: number;
  readonly expectedLines?: number;
  /** Why reading stopped early (corrupt gzip, truncated file), after `lines` lines. */
  readonly readError?: string;
}

export interface RuleCount {
  readonly rule: string;
  readonly count: number;
}

export interface NoteCount {
  readonly rule: string;
  readonly source: string;
  readonly count: number;
  readonly example: LineProblem;
}

export interface KindReport {
  readonly kind: RecordKind;
  readonly source: Source;
  readonly files: readonly string[];
  readonly records: number;
  /** Records with at least one schema problem (envelope or body). */
  readonly invalidRecords: number;
  readonly problemCount: number;
  readonly problems: readonly LineProblem[];
  /** Problems grouped by path pattern and rule, most frequent first. */
  readonly rules: readonly RuleCount[];
  readonly notes: readonly NoteCount[];
  readonly labels: { readonly lines: number; readonly misaligned: number; readonly problemCount: number; readonly problems: readonly LineProblem[] };
  readonly time: TimeFigures;
}

export interface TimeFigures {
  readonly first?: string;
  readonly last?: string;
  /** Outside the range widened by the configured clock skew and lateness. */
  readonly outOfRange: number;
  /** Outside the exact range once the declared skew is taken out (within the tolerance above). */
  readonly outsideExactRange: number;
  /** Behind the latest timestamp seen in the file by more than the labels allow. */
  readonly disorder: number;
  readonly maxLagMs: number;
  /** Envelope timestamp and the body's own time disagree. */
  readonly bodyTimeMismatch: number;
  readonly problems: readonly LineProblem[];
}

export interface OnsetSource {
  readonly source: Source;
  /** The incident's signature lists something for this source. */
  readonly expected: boolean;
  /** First labelled record after onset, ms (absent when the source showed nothing). */
  readonly firstAfterMs?: number;
  readonly within: boolean;
}

export interface OnsetIncident {
  readonly id: string;
  readonly type: string;
  readonly onset: string;
  readonly sources: readonly OnsetSource[];
}

export interface OnsetReport {
  readonly windowMs: number;
  /** Non-duplicate records labelled with an incident of incidents.json. */
  readonly incidentRecords: number;
  readonly withinWindow: number;
  readonly share: number | null;
  /** Labelled with an incident but stamped before its onset (beyond clock skew). */
  readonly beforeOnset: number;
  /** Incidents whose onset and following window lie inside the range. */
  readonly incidents: readonly OnsetIncident[];
  readonly pairs: { readonly expected: number; readonly within: number };
}

export interface SourceStatFigure {
  readonly records: number;
  readonly first: string;
  readonly last: string;
}

export interface SpreadDisagreement {
  readonly incident: string;
  readonly source: Source;
  readonly document?: SourceStatFigure;
  readonly labels?: SourceStatFigure;
}

export interface SpreadReport {
  /** Incidents with onset_in_range. */
  readonly incidents: number;
  readonly generatedSources: readonly Source[];
  readonly document: { readonly atLeast3: number; readonly all4: number };
  readonly labels: { readonly atLeast3: number; readonly all4: number };
  readonly disagreements: readonly SpreadDisagreement[];
}

export interface VolumeFigure {
  readonly source: Source;
  readonly records: number;
  readonly perHour: number;
  readonly perDay: number;
  /** What config/generation.yaml documents per day, scaled by the volume settings. */
  readonly expectedPerDay: number;
  readonly ratio: number | null;
}

export interface VolumeReport {
  readonly hours: number;
  readonly sources: readonly VolumeFigure[];
}

export interface ShareFigure {
  readonly count: number;
  readonly share: number;
  readonly configured: number;
  /** The band the share should fall in for this many records. */
  readonly expected: readonly [number, number];
  readonly ok: boolean;
}

export interface RealismReport {
  readonly records: number;
  readonly duplicates: ShareFigure;
  readonly late: ShareFigure & { readonly maxMs: number; readonly configuredMaxMs: number };
  readonly skew: ShareFigure & { readonly maxAbsMs: number; readonly configuredMaxMs: number };
  readonly missingFields: ShareFigure & { readonly contradicted: number };
}

export interface ValidationReport {
  readonly dir: string;
  /** No error-severity check failed. */
  readonly ok: boolean;
  readonly dataset: {
    readonly seed?: number;
    readonly range?: { readonly start: string; readonly end: string };
    readonly sources: readonly Source[];
    readonly format?: string;
    readonly records: number;
    readonly bytes: number;
    readonly configHash?: string;
    readonly config: { readonly dir: string; readonly hash: string; readonly matches: boolean | null };
  };
  readonly checks: readonly CheckResult[];
  readonly files: readonly FileReport[];
  readonly kinds: readonly KindReport[];
  readonly quality: {
    readonly onset: OnsetReport | null;
    readonly spread: SpreadReport | null;
    readonly volume: VolumeReport | null;
    readonly realism: RealismReport;
  };
  /** Container logs against public yardsticks (LogHub, Drain); null without container logs. */
  readonly realism: LogRealismReport | null;
  /** Records per source over the range, with incidents; null without a range. */
  readonly timeline: TimelineReport | null;
  readonly seconds: number;
}

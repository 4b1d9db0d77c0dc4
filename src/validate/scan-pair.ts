// Reads one records file and its labels file side by side, line by line, and feeds every
// finding to the tallies: schema problems, label alignment, timestamps, arrival order, what the
// labels declare. Memory stays flat: nothing is kept per record.
import { join } from 'node:path';
import { KIND_SOURCE, type RecordKind } from '../model/record.js';
import type { TimeWindow } from '../time/calendar.js';
import { ArrivalOrder } from './arrival-order.js';
import type { IncidentTally } from './incident-tally.js';
import type { KindTally, Where } from './kind-tally.js';
import type { LogRealismTally } from './log-realism.js';
import { LineReader, type FileDigest } from './line-reader.js';
import type { RealismTally } from './realism-tally.js';
import { RecentIds } from './recent-ids.js';
import { checkLabelLine, checkRecordLine, presentMissingFields, type LabelCheck, type RecordCheck } from './record-checks.js';
import { BODY_TIME } from './schemas/body-schemas.js';
import type { TimelineTally } from './timeline-tally.js';

export interface TimeSettings {
  readonly range: TimeWindow;
  /** How far outside the range a timestamp may be: configured clock skew plus lateness. */
  readonly toleranceMs: number;
  readonly maxLateMs: number;
  readonly maxSkewMs: number;
}

export interface ScanContext {
  readonly dir: string;
  readonly time: TimeSettings | undefined;
  readonly tally: KindTally;
  readonly incidents: IncidentTally | undefined;
  readonly realism: RealismTally;
  /** Container log realism (templates, miner, error shares), fed in the same pass. */
  readonly logs?: LogRealismTally;
  /** Records per source over time, for the report's plot. */
  readonly timeline?: TimelineTally;
  readonly onBytes: (n: number) => void;
  readonly onRecord: () => void;
}

export interface FilePair {
  readonly kind: RecordKind;
  readonly gzip: boolean;
  /** Paths relative to the dataset folder; undefined when the file is absent. */
  readonly records?: string;
  readonly labels?: string;
}

export interface ScannedFile {
  readonly path: string;
  readonly lines: number;
  readonly digest: FileDigest;
  readonly readError?: string;
}

const iso = (ms: number) => new Date(ms).toISOString();

export async function scanPair(ctx: ScanContext, pair: FilePair): Promise<{ records?: ScannedFile; labels?: ScannedFile }> {
  const open = (path: string | undefined) => (path === undefined ? undefined : new LineReader(join(ctx.dir, path), pair.gzip, ctx.onBytes));
  const recs = open(pair.records);
  const labs = open(pair.labels);
  const scan = new PairScan(ctx, pair);
  try {
    for (;;) {
      const line = recs ? await recs.next() : undefined;
      const labelLine = labs ? await labs.next() : undefined;
      if (line === undefined && labelLine === undefined) break;
      // After a read error the two files cannot be lined up any more; the rest is still checked.
      if (recs?.error || labs?.error) scan.broken = true;
      scan.step(line, recs?.line ?? 0, labelLine, labs?.line ?? 0);
    }
    return { records: recs && (await finish(recs, pair.records!)), labels: labs && (await finish(labs, pair.labels!)) };
  } finally {
    recs?.close();
    labs?.close();
  }
}

async function finish(reader: LineReader, path: string): Promise<ScannedFile> {
  const digest = await reader.digest();
  const readError = reader.error ? `reading stopped after line ${reader.line}: ${reader.error.message}` : !reader.finalNewline ? `line ${reader.line} has no newline at its end (the file was cut short?)` : undefined;
  return { path, lines: reader.line, digest, ...(readError ? { readError } : {}) };
}

/** The per-file state of one scan (arrival order, recent ids) and the checks of one line pair. */
class PairScan {
  private readonly order: ArrivalOrder | undefined;
  private readonly recent = new RecentIds();
  /** One of the files could not be read to its end: stop comparing them line by line. */
  broken = false;

  constructor(
    private readonly ctx: ScanContext,
    private readonly pair: FilePair,
  ) {
    this.order = ctx.time && new ArrivalOrder(ctx.time.maxLateMs, ctx.time.maxSkewMs);
  }

  step(line: string | undefined, lineNo: number, labelLine: string | undefined, labelNo: number): void {
    const { tally } = this.ctx;
    const rc = line === undefined ? undefined : checkRecordLine(this.pair.kind, line);
    const lc = labelLine === undefined ? undefined : checkLabelLine(labelLine);
    const id = typeof rc?.raw?.id === 'string' ? rc.raw.id : undefined;
    const labelId = typeof lc?.raw?.id === 'string' ? lc.raw.id : undefined;
    const at: Where = { file: this.pair.records ?? '', line: lineNo, id };
    const labelAt: Where = { file: this.pair.labels ?? '', line: labelNo, id: labelId };
    if (rc) {
      tally.records++;
      this.ctx.onRecord();
      tally.schemaIssues(at, rc.issues);
      for (const n of rc.notes) tally.note(at, n.index, n.hit);
    }
    if (lc) {
      tally.labelLines++;
      for (const issue of lc.issues) tally.labelIssue(labelAt, issue);
    }
    const aligned = this.align(rc, lc, at, labelAt, id, labelId);
    if (!rc?.envelope) return;
    const label = aligned ? lc?.label : undefined;
    this.ctx.timeline?.add(KIND_SOURCE[this.pair.kind], rc.envelope.timestamp, label?.anomalous === true);
    this.checkTime(rc, at, label);
    if (label) this.checkLabel(rc, label, labelAt);
  }

  /** Records and labels pair up line by line with equal ids. */
  private align(rc: RecordCheck | undefined, lc: LabelCheck | undefined, at: Where, labelAt: Where, id: string | undefined, labelId: string | undefined): boolean {
    const { tally } = this.ctx;
    if (this.broken) return false;
    if (!rc || !lc) {
      tally.misaligned++;
      if (!rc) tally.labelIssue(labelAt, { path: 'id', value: labelId, rule: `has no record: ${this.pair.records ?? 'the records file'} has fewer lines` });
      else tally.labelIssue(at, { path: 'id', value: id, rule: `has no label line: ${this.pair.labels ?? 'the labels file'} has fewer lines` });
      return false;
    }
    if (id === undefined || labelId === undefined) return false;
    if (id !== labelId) {
      tally.misaligned++;
      tally.labelIssue(labelAt, { path: 'id', value: labelId, rule: `differs from the record's id "${id}" on the same line of ${this.pair.records}` });
      return false;
    }
    return true;
  }

  private checkTime(rc: RecordCheck, at: Where, label: LabelCheck['label']): void {
    const { tally, time } = this.ctx;
    const env = rc.envelope!;
    const ts = env.timestamp;
    tally.seen(ts);
    if (rc.bodyValid) {
      const bt = BODY_TIME[this.pair.kind](env.body);
      if (bt && Math.abs(bt.ms - ts) >= bt.resolutionMs) {
        tally.bodyTimeMismatch++;
        tally.timeIssue(at, { path: `body.${bt.path}`, value: bt.value, rule: `is ${Math.round(bt.ms - ts)} ms from the envelope timestamp ${iso(ts)}` });
      }
    }
    if (!time) return;
    const { range, toleranceMs } = time;
    if (ts < range.start - toleranceMs || ts >= range.end + toleranceMs) {
      tally.outOfRange++;
      tally.timeIssue(at, { path: 'timestamp', value: ts, rule: `(${iso(ts)}) is outside the range ${iso(range.start)} .. ${iso(range.end)} widened by ${toleranceMs} ms of clock skew and lateness` });
    } else {
      const exact = ts - (label?.skew_ms ?? 0);
      if (exact < range.start || exact >= range.end) tally.outsideExactRange++;
    }
    const verdict = this.order!.observe(ts, label);
    if (verdict.lagMs > tally.maxLagMs) tally.maxLagMs = verdict.lagMs;
    if (verdict.lagMs > verdict.allowedMs) {
      tally.disorder++;
      tally.timeIssue(at, { path: 'timestamp', value: ts, rule: `arrives ${verdict.lagMs} ms behind a record stamped later; its label allows ${verdict.allowedMs} ms` });
    }
  }

  private checkLabel(rc: RecordCheck, label: NonNullable<LabelCheck['label']>, labelAt: Where): void {
    const { tally, realism, incidents } = this.ctx;
    const env = rc.envelope!;
    realism.add(label);
    if (this.pair.kind === 'kubernetes_log') this.ctx.logs?.add(env, label);
    if (label.missing_fields) {
      const present = presentMissingFields(env.body, label.missing_fields);
      if (present.length > 0) {
        realism.contradicted++;
        tally.labelIssue(labelAt, { path: 'missing_fields', value: present, rule: 'declares fields missing that the record still has' });
      }
    }
    if (this.recent.has(env.id) && !label.duplicate) tally.labelIssue(labelAt, { path: 'duplicate', value: undefined, rule: `is not set although the id "${env.id}" was delivered before` });
    if (label.duplicate && !this.recent.has(env.id)) tally.labelIssue(labelAt, { path: 'duplicate', value: true, rule: 'is set but no earlier record has this id' });
    this.recent.add(env.id);
    if (label.incident_id !== undefined && incidents) {
      if (!incidents.knows(label.incident_id)) tally.labelIssue(labelAt, { path: 'incident_id', value: label.incident_id, rule: 'names no incident in incidents.json' });
      else if (!label.duplicate) incidents.add(label.incident_id, KIND_SOURCE[this.pair.kind], env.timestamp);
    }
  }
}

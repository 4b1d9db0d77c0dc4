// Records per source over time, in a few hundred equal steps across the dataset's range, with
// how many of them the labels call anomalous: the shape of the traffic (day and night, weekends)
// and where incidents stand out. Memory is one pair of counters per step and source.
import type { Source } from '../model/record.js';
import { DAY, HOUR, MINUTE, type TimeWindow } from '../time/calendar.js';
import type { IncidentsDocument } from './dataset-documents.js';

/** Steps small enough to show an incident, few enough to plot: at most this many. */
export const MAX_STEPS = 400;
const STEP_CHOICES = [MINUTE, 5 * MINUTE, 15 * MINUTE, 30 * MINUTE, HOUR, 2 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 7 * DAY];

export interface SourceTimeline {
  readonly source: Source;
  /** Records whose timestamp falls in each step (duplicates included: they were delivered). */
  readonly records: readonly number[];
  /** Of those, the ones whose label says anomalous. */
  readonly anomalous: readonly number[];
}

export interface TimelineIncident {
  readonly id: string;
  readonly type: string;
  readonly rootCause: string;
  readonly onset: string;
  readonly end: string;
}

export interface TimelineReport {
  readonly start: string;
  readonly end: string;
  readonly stepMs: number;
  readonly steps: number;
  readonly sources: readonly SourceTimeline[];
  /** Records stamped outside the range (clock skew, lateness): not in any step. */
  readonly outside: number;
  readonly incidents: readonly TimelineIncident[];
}

/** A tally's counts as plain data, to pass between threads and add into another. */
export interface TimelineState {
  readonly counts: ReadonlyArray<readonly [Source, { readonly records: readonly number[]; readonly anomalous: readonly number[] }]>;
  readonly outside: number;
}

export function stepFor(range: TimeWindow): number {
  const span = Math.max(1, range.end - range.start);
  return STEP_CHOICES.find((s) => span / s <= MAX_STEPS) ?? Math.ceil(span / MAX_STEPS / DAY) * DAY;
}

export class TimelineTally {
  readonly stepMs: number;
  readonly steps: number;
  private readonly counts = new Map<Source, { records: number[]; anomalous: number[] }>();
  private outside = 0;

  constructor(
    private readonly range: TimeWindow,
    private readonly sources: readonly Source[],
  ) {
    this.stepMs = stepFor(range);
    this.steps = Math.max(1, Math.ceil((range.end - range.start) / this.stepMs));
    for (const s of sources) this.counts.set(s, { records: new Array<number>(this.steps).fill(0), anomalous: new Array<number>(this.steps).fill(0) });
  }

  add(source: Source, timestamp: number, anomalous: boolean): void {
    const c = this.counts.get(source);
    if (!c) return;
    if (timestamp < this.range.start || timestamp >= this.range.end) {
      this.outside++;
      return;
    }
    const i = Math.floor((timestamp - this.range.start) / this.stepMs);
    c.records[i]!++;
    if (anomalous) c.anomalous[i]!++;
  }

  state(): TimelineState {
    return { counts: [...this.counts], outside: this.outside };
  }

  /** Adds another tally's counts (same range, other files) into this one. */
  absorb(other: TimelineState): void {
    this.outside += other.outside;
    for (const [source, theirs] of other.counts) {
      const mine = this.counts.get(source);
      if (!mine) continue;
      for (let i = 0; i < this.steps; i++) {
        mine.records[i]! += theirs.records[i] ?? 0;
        mine.anomalous[i]! += theirs.anomalous[i] ?? 0;
      }
    }
  }

  report(incidents: IncidentsDocument | undefined): TimelineReport {
    return {
      start: new Date(this.range.start).toISOString(),
      end: new Date(this.range.end).toISOString(),
      stepMs: this.stepMs,
      steps: this.steps,
      sources: this.sources.map((source) => ({ source, ...this.counts.get(source)! })),
      outside: this.outside,
      incidents: (incidents?.incidents ?? []).map((i) => ({ id: i.id, type: i.type, rootCause: i.root_cause, onset: i.onset, end: i.end })),
    };
  }
}

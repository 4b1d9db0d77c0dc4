// What the labels say about each incident: per source, how many (non-duplicate) records carry
// its id and when the first and last were stamped; and how many sit within the onset window.
// Memory grows with the number of incidents, never with the number of records.
import type { Source } from '../model/record.js';
import type { IncidentEntry } from './dataset-documents.js';

export interface SourceSpan {
  records: number;
  first: number;
  last: number;
}

export const ONSET_WINDOW_MS = 5 * 60_000;

/** A tally as plain data, to pass between threads and add into another. */
export interface IncidentTallyState {
  readonly bySource: ReadonlyArray<readonly [string, Partial<Record<Source, SourceSpan>>]>;
  readonly incidentRecords: number;
  readonly withinWindow: number;
  readonly beforeOnset: number;
}

export class IncidentTally {
  readonly bySource = new Map<string, Partial<Record<Source, SourceSpan>>>();
  private readonly onsets = new Map<string, number>();
  incidentRecords = 0;
  withinWindow = 0;
  beforeOnset = 0;

  constructor(
    incidents: readonly IncidentEntry[],
    /** Records may be stamped this early because of clock skew. */
    private readonly skewToleranceMs: number,
  ) {
    for (const i of incidents) this.onsets.set(i.id, Date.parse(i.onset));
  }

  knows(id: string): boolean {
    return this.onsets.has(id);
  }

  /** One non-duplicate record labelled with an incident. */
  add(incidentId: string, source: Source, timestamp: number): void {
    const onset = this.onsets.get(incidentId);
    if (onset === undefined) return;
    this.incidentRecords++;
    if (timestamp >= onset - this.skewToleranceMs && timestamp <= onset + ONSET_WINDOW_MS) this.withinWindow++;
    if (timestamp < onset - this.skewToleranceMs) this.beforeOnset++;
    let perSource = this.bySource.get(incidentId);
    if (!perSource) this.bySource.set(incidentId, (perSource = {}));
    const span = perSource[source];
    if (!span) perSource[source] = { records: 1, first: timestamp, last: timestamp };
    else {
      span.records++;
      if (timestamp < span.first) span.first = timestamp;
      if (timestamp > span.last) span.last = timestamp;
    }
  }

  state(): IncidentTallyState {
    return { bySource: [...this.bySource], incidentRecords: this.incidentRecords, withinWindow: this.withinWindow, beforeOnset: this.beforeOnset };
  }

  /** Adds another tally's records (of other files) into this one. */
  absorb(other: IncidentTallyState): void {
    this.incidentRecords += other.incidentRecords;
    this.withinWindow += other.withinWindow;
    this.beforeOnset += other.beforeOnset;
    for (const [id, spans] of other.bySource) {
      let perSource = this.bySource.get(id);
      if (!perSource) this.bySource.set(id, (perSource = {}));
      for (const [source, span] of Object.entries(spans) as Array<[Source, SourceSpan]>) {
        const mine = perSource[source];
        if (!mine) perSource[source] = { ...span };
        else {
          mine.records += span.records;
          mine.first = Math.min(mine.first, span.first);
          mine.last = Math.max(mine.last, span.last);
        }
      }
    }
  }
}

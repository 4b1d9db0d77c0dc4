// The incidents a metric value is computed under. Values must be a pure function of (series,
// timestamp) whatever window asks, so the scope reaches back further than any effect lasts
// (propagation delays, restart counters of pods still alive, alarm look-back), and a second,
// incident-free scope gives the value an ordinary day would have had (to label anomalies and to
// tell false positives from incident alarms).
import type { Incident } from '../../model/incident.js';
import { ConditionModel } from '../../simulation/conditions.js';
import type { JobRun } from '../../simulation/jobs.js';
import type { World } from '../../simulation/world.js';
import { HOUR, type TimeWindow } from '../../time/calendar.js';

export interface Scope {
  readonly baseline: boolean;
  readonly conditions: ConditionModel;
  readonly incidents: readonly Incident[];
  readonly jobRuns: readonly JobRun[];
}

/** How far back a scope looks for incidents and job runs. */
export const HISTORY_MS = 3 * HOUR;

export interface Scopes {
  readonly actual: Scope;
  readonly baseline: Scope;
}

const EMPTY = new ConditionModel([]);

/** Scopes for values at times from `window.start - extraMs` to the window's end. */
export function scopesFor(world: World, window: TimeWindow, extraMs = 0): Scopes {
  const span = { start: window.start - extraMs - HISTORY_MS, end: window.end };
  const incidents = world.incidentsFor(span);
  // Job load only matters while a run is on (runsOverlapping finds runs that started earlier).
  const jobRuns = world.jobs.runsOverlapping(window.start - extraMs, span.end);
  return {
    actual: { baseline: false, conditions: new ConditionModel(incidents), incidents, jobRuns },
    baseline: { baseline: true, conditions: EMPTY, incidents: [], jobRuns },
  };
}

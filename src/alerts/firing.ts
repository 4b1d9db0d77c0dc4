// From an alerting rule's expression results at each evaluation to its firing intervals, the
// way Prometheus' rule manager (rules/alerting.go, AlertingRule.Eval) walks an alert through its
// states, one alert per label set:
//
//   - a label set the expression returns and that is not active becomes pending at that
//     evaluation (activeAt);
//   - a pending alert fires at the first evaluation where ts - activeAt >= for (at once with
//     `for: 0`); if the expression stops returning it before that, it is dropped;
//   - a firing alert the expression no longer returns is resolved at that evaluation, unless
//     keep_firing_for is set: then it keeps firing while ts - keepFiringSince < keep_firing_for
//     (keepFiringSince: the first evaluation without it), and returning it again resets that.
//
// An interval is [first firing evaluation, first evaluation no longer firing): the time an
// `ALERTS{alertstate="firing"}` sample exists.
import type { MatrixSeries } from './prometheus-runner.js';

export interface EvaluationGrid {
  /** First evaluation, epoch ms. */
  readonly start: number;
  readonly stepMs: number;
  /** Number of evaluations: start, start + step, ... */
  readonly count: number;
}

export interface Interval {
  readonly start: number;
  /** Exclusive; when `open`, the evaluation after the last one. */
  readonly end: number;
  /** Still firing at the last evaluation. */
  readonly open: boolean;
}

/** The firing intervals of one alert (label set), given the evaluations that returned it (indices, ascending). */
export function firingIntervals(grid: EvaluationGrid, present: readonly number[], forMs: number, keepFiringForMs: number): Interval[] {
  const out: Interval[] = [];
  const at = (i: number) => grid.start + i * grid.stepMs;
  let state: 'inactive' | 'pending' | 'firing' = 'inactive';
  let activeAt = 0;
  let firedAt = 0;
  let keepSince: number | undefined;
  let p = 0;
  // Nothing changes between the last evaluation that saw it and the next one that does, once it
  // is inactive: jump ahead instead of walking every step of a long quiet stretch.
  for (let i = 0; i < grid.count; i++) {
    if (state === 'inactive') {
      if (p >= present.length) break;
      i = Math.max(i, present[p]!);
      if (i >= grid.count) break;
    }
    while (p < present.length && present[p]! < i) p++;
    const ts = at(i);
    const returned = p < present.length && present[p] === i;
    if (returned) {
      p++;
      if (state === 'inactive') {
        state = 'pending';
        activeAt = ts;
      }
      keepSince = undefined;
    } else if (state === 'pending') {
      state = 'inactive';
      continue;
    } else if (state === 'firing') {
      keepSince ??= ts;
      if (!(keepFiringForMs > 0 && ts - keepSince < keepFiringForMs)) {
        out.push({ start: firedAt, end: ts, open: false });
        state = 'inactive';
        keepSince = undefined;
        continue;
      }
    }
    if (state === 'pending' && ts - activeAt >= forMs) {
      state = 'firing';
      firedAt = ts;
    }
  }
  if (state === 'firing') out.push({ start: firedAt, end: at(grid.count), open: true });
  return out;
}

export interface AlertSeries {
  /** The alert's labels: the series' without __name__, the rule's labels, alertname. */
  readonly labels: Readonly<Record<string, string>>;
  /** Indices of the evaluations that returned it, ascending. */
  readonly present: number[];
}

/**
 * Groups a range query's result by the alert label set Prometheus would build from each
 * series. Two series giving the same label set make Prometheus fail that evaluation; here their
 * evaluations are merged and the collision is reported in `collisions`.
 */
export function alertSeries(result: readonly MatrixSeries[], grid: EvaluationGrid, alertName: string, ruleLabels: Readonly<Record<string, string>>): { alerts: AlertSeries[]; collisions: number } {
  const byKey = new Map<string, { labels: Record<string, string>; present: Set<number> }>();
  let collisions = 0;
  for (const s of result) {
    const labels: Record<string, string> = {};
    for (const [k, v] of Object.entries(s.metric)) if (k !== '__name__') labels[k] = v;
    Object.assign(labels, ruleLabels);
    labels.alertname = alertName;
    const key = JSON.stringify(Object.keys(labels).sort().map((k) => [k, labels[k]]));
    let entry = byKey.get(key);
    if (entry) collisions++;
    else byKey.set(key, (entry = { labels, present: new Set() }));
    for (const [secs] of s.values) {
      const i = Math.round((secs * 1000 - grid.start) / grid.stepMs);
      if (i >= 0 && i < grid.count) entry.present.add(i);
    }
  }
  const alerts = [...byKey.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, e]) => ({ labels: e.labels, present: [...e.present].sort((a, b) => a - b) }));
  return { alerts, collisions };
}

// The for / keep_firing_for state machine, step by step as Prometheus' AlertingRule.Eval walks it.
import { describe, expect, it } from 'vitest';
import { alertSeries, firingIntervals, type EvaluationGrid } from '../../../src/alerts/firing.js';

const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 24, 0, 0, 0);
const grid = (count: number, stepMs = MIN): EvaluationGrid => ({ start: T0, stepMs, count });
const at = (i: number) => T0 + i * MIN;
/** Indices where a pattern like '..###.#' has '#'. */
const present = (pattern: string) => [...pattern].flatMap((c, i) => (c === '#' ? [i] : []));

describe('firingIntervals', () => {
  it('for: 0 fires at the first evaluation that returns the series, and resolves at the first that does not', () => {
    expect(firingIntervals(grid(10), present('..###.....'), 0, 0)).toEqual([{ start: at(2), end: at(5), open: false }]);
  });

  it('for: 2m at a 1m interval fires on the third consecutive evaluation (ts - activeAt >= for)', () => {
    expect(firingIntervals(grid(10), present('.#####....'), 2 * MIN, 0)).toEqual([{ start: at(3), end: at(6), open: false }]);
    // Two evaluations are not enough: the pending alert is dropped and never fires.
    expect(firingIntervals(grid(10), present('.##.##.##.'), 2 * MIN, 0)).toEqual([]);
  });

  it('a gap while pending starts the wait over', () => {
    expect(firingIntervals(grid(12), present('##.####.....'), 2 * MIN, 0)).toEqual([{ start: at(5), end: at(7), open: false }]);
  });

  it('for that is not a multiple of the interval fires at the first evaluation past it', () => {
    expect(firingIntervals(grid(10), present('#######...'), 90_000, 0)).toEqual([{ start: at(2), end: at(7), open: false }]);
  });

  it('keep_firing_for keeps a firing alert firing from its first absent evaluation, while ts - since < keep_firing_for', () => {
    // Absent from 4: keeps firing at 4 and 5 (0 and 1 min < 2m), resolved at 6.
    expect(firingIntervals(grid(10), present('.###......'), 0, 2 * MIN)).toEqual([{ start: at(1), end: at(6), open: false }]);
  });

  it('returning during keep_firing_for continues the same firing and resets the countdown', () => {
    expect(firingIntervals(grid(14), present('.##.#...#.....'), 0, 2 * MIN)).toEqual([{ start: at(1), end: at(7), open: false }, { start: at(8), end: at(11), open: false }]);
    expect(firingIntervals(grid(12), present('.##.##.##...'), 0, 2 * MIN)).toEqual([{ start: at(1), end: at(11), open: false }]);
  });

  it('keep_firing_for does not apply to a pending alert', () => {
    expect(firingIntervals(grid(10), present('.##.......'), 2 * MIN, 10 * MIN)).toEqual([]);
  });

  it('an alert still firing at the last evaluation is open and ends one step after it', () => {
    expect(firingIntervals(grid(6), present('...###'), MIN, 0)).toEqual([{ start: at(4), end: at(6), open: true }]);
    expect(firingIntervals(grid(6), present('....#.'), 0, 5 * MIN)).toEqual([{ start: at(4), end: at(6), open: true }]);
  });

  it('walks a long quiet stretch without visiting every step (same answer as a dense pattern)', () => {
    const count = 100_000;
    const pres = [5, 6, 7, 50_000, 50_001, 50_002, 50_003, 99_999];
    expect(firingIntervals(grid(count), pres, 2 * MIN, 0)).toEqual([
      { start: at(7), end: at(8), open: false },
      { start: at(50_002), end: at(50_004), open: false },
    ]);
  });

  it('honours the step: a 5m interval and for: 10m need three evaluations', () => {
    const g = grid(8, 5 * MIN);
    expect(firingIntervals(g, [1, 2, 3, 4], 10 * MIN, 0)).toEqual([{ start: T0 + 15 * MIN, end: T0 + 25 * MIN, open: false }]);
  });
});

describe('alertSeries', () => {
  it('builds the label set Prometheus would: series labels without __name__, the rule labels over them, alertname', () => {
    const { alerts, collisions } = alertSeries(
      [
        { metric: { __name__: 'x', service: 'a', severity: 'low' }, values: [[T0 / 1000, '1'], [T0 / 1000 + 120, '1']] },
        { metric: { __name__: 'x', service: 'b' }, values: [[T0 / 1000 + 60, '1']] },
      ],
      grid(5),
      'Alert',
      { severity: 'critical' },
    );
    expect(collisions).toBe(0);
    expect(alerts).toEqual([
      { labels: { service: 'a', severity: 'critical', alertname: 'Alert' }, present: [0, 2] },
      { labels: { service: 'b', severity: 'critical', alertname: 'Alert' }, present: [1] },
    ]);
  });

  it('merges series that only differ by __name__ and counts the collision', () => {
    const { alerts, collisions } = alertSeries(
      [
        { metric: { __name__: 'x', service: 'a' }, values: [[T0 / 1000, '1']] },
        { metric: { __name__: 'y', service: 'a' }, values: [[T0 / 1000 + 60, '1']] },
      ],
      grid(5),
      'Alert',
      {},
    );
    expect(collisions).toBe(1);
    expect(alerts).toEqual([{ labels: { service: 'a', alertname: 'Alert' }, present: [0, 1] }]);
  });
});

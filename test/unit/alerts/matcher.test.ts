// Matching firings to incidents: windows, grace, latency, false positives, precision and recall.
import { describe, expect, it } from 'vitest';
import type { TruthIncident } from '../../../src/alerts/ground-truth.js';
import { median, scoredIncidents, scoreRule } from '../../../src/alerts/matcher.js';

const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 24, 0, 0, 0);
const m = (n: number) => T0 + n * MIN;

const incidents: TruthIncident[] = [
  { id: 'inc-1', type: 'bad_deployment', rootCause: 'payment-service', targets: ['payment-service', 'order-service'], onset: m(60), end: m(90) },
  { id: 'inc-2', type: 'bad_deployment', rootCause: 'user-service', targets: ['user-service'], onset: m(200), end: m(220) },
  { id: 'inc-3', type: 'dns_failure', rootCause: 'coredns', targets: ['coredns', 'api-gateway'], onset: m(300), end: m(310) },
];
const opts = { graceMs: 10 * MIN, matchService: false };
const firing = (start: number, end: number, labels: Record<string, string> = {}) => ({ start: m(start), end: m(end), open: false, labels: { alertname: 'A', ...labels } });

describe('scoreRule', () => {
  it('a firing that starts in [onset, end + grace] detects the incident; latency = start - onset', () => {
    const s = scoreRule({ id: 'A', firings: [firing(63, 70), firing(229, 231)] }, incidents, opts);
    expect(s.outcomes.map((o) => [o.incident, o.detected, o.latencyMs])).toEqual([
      ['inc-1', true, 3 * MIN],
      ['inc-2', true, 29 * MIN],
      ['inc-3', false, undefined],
    ]);
    expect(s).toMatchObject({ firings: 2, truePositives: 2, falsePositives: 0, precision: 1, incidents: 3, detected: 2, recall: 2 / 3, latencyMedianMs: 16 * MIN, latencyMaxMs: 29 * MIN });
  });

  it('a firing after end + grace, or before the onset, detects nothing and is a false positive', () => {
    const s = scoreRule({ id: 'A', firings: [firing(101, 105), firing(55, 65), firing(0, 2)] }, incidents, opts);
    expect(s.detected).toBe(0);
    expect(s.falsePositives).toBe(3);
    expect(s.precision).toBe(0);
    // The one started before inc-1's onset and still going at it is reported as such.
    expect(s.outcomes.find((o) => o.incident === 'inc-1')).toMatchObject({ detected: false, firingAtOnset: true });
  });

  it('the first detecting firing sets the latency; later ones still count as true positives', () => {
    const s = scoreRule({ id: 'A', firings: [firing(80, 81, { service: 'x' }), firing(65, 66, { service: 'y' })] }, incidents, opts);
    expect(s.outcomes[0]).toMatchObject({ detected: true, latencyMs: 5 * MIN, firstLabels: { alertname: 'A', service: 'y' } });
    expect(s.truePositives).toBe(2);
  });

  it('with matchService, a firing with a service label counts only for incidents that reached it', () => {
    const f = [firing(62, 70, { service: 'order-service' }), firing(205, 210, { service: 'payment-service' }), firing(301, 302)];
    const lenient = scoreRule({ id: 'A', firings: f }, incidents, opts);
    const strict = scoreRule({ id: 'A', firings: f }, incidents, { ...opts, matchService: true });
    expect(lenient.detected).toBe(3);
    expect(strict.outcomes.map((o) => o.detected)).toEqual([true, false, true]); // no service label: matches anything
    expect(strict.falsePositives).toBe(1);
  });

  it('scores per incident type, and gives null precision / recall when there is nothing to divide', () => {
    const s = scoreRule({ id: 'A', firings: [firing(61, 62), firing(302, 303)] }, incidents, opts);
    expect(s.byType).toEqual([
      { type: 'bad_deployment', incidents: 2, detected: 1, recall: 0.5, latencyMedianMs: MIN, latencyMaxMs: MIN },
      { type: 'dns_failure', incidents: 1, detected: 1, recall: 1, latencyMedianMs: 2 * MIN, latencyMaxMs: 2 * MIN },
    ]);
    const silent = scoreRule({ id: 'A', firings: [] }, incidents, opts);
    expect(silent.precision).toBeNull();
    expect(silent.byType.every((t) => t.detected === 0 && t.latencyMedianMs === undefined)).toBe(true);
    expect(scoreRule({ id: 'A', firings: [firing(1, 2)] }, [], opts).recall).toBeNull();
  });

  it('one firing can detect two overlapping incidents', () => {
    const overlapping: TruthIncident[] = [incidents[0]!, { ...incidents[2]!, onset: m(70), end: m(80) }];
    const s = scoreRule({ id: 'A', firings: [firing(75, 76)] }, overlapping, opts);
    expect(s.scoredFirings[0]!.incidents).toEqual(['inc-1', 'inc-3']);
    expect(s.detected).toBe(2);
  });
});

describe('helpers', () => {
  it('scores only incidents whose onset lies in the range', () => {
    expect(scoredIncidents(incidents, { start: m(100), end: m(300) }).map((i) => i.id)).toEqual(['inc-2']);
  });
  it('median of odd and even counts', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(median([])).toBeUndefined();
  });
});

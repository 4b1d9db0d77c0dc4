// The Grafana alerting obsynth simulates: thresholds per service, and a quiet day stays quiet.
import { describe, expect, it } from 'vitest';
import { ALERT_RULES, breaches } from '../../../../src/generators/grafana/alert-rules.js';
import { SERIES } from '../../../../src/generators/grafana/panel-series.js';
import { makeWorld, runWindow } from '../../../support/world.js';

const latency = ALERT_RULES.find((r) => r.name === 'HighLatencyP99')!;

describe('alert rules', () => {
  it('a service with its own budget is judged by it, the others by the rule threshold', () => {
    expect(latency.serviceThresholds?.['payment-service']).toBeGreaterThan(latency.threshold);
    expect(breaches(latency, 5, 'payment-service')).toBe(false);
    expect(breaches(latency, 9, 'payment-service')).toBe(true);
    expect(breaches(latency, 5, 'order-service')).toBe(true);
    expect(breaches(latency, 5)).toBe(true);
  });

  it('payment-service p99 sits above the common budget but under its own, so a quiet hour fires no latency alert', () => {
    const world = makeWorld({ incidentsPerDay: 0 });
    const start = Date.UTC(2026, 10, 24, 13, 0, 0);
    const { records } = runWindow(world, start, start + 60 * 60_000);
    const p99 = (records.get('grafana_series') ?? [])
      .map((r) => r.body as { metric: Record<string, string>; value: [number, string] })
      .filter((b) => b.metric.__name__ === SERIES.latencyP99 && b.metric.service === 'payment-service')
      .map((b) => Number(b.value[1]));
    expect(p99.length).toBeGreaterThan(30);
    expect(Math.max(...p99)).toBeGreaterThan(latency.threshold);
    expect(Math.max(...p99)).toBeLessThan(latency.serviceThresholds!['payment-service']!);
    const fired = (records.get('grafana_annotation') ?? []).filter((r) => (r.body as { tags: string[] }).tags.includes('HighLatencyP99'));
    expect(fired.map((r) => (r.body as { text: string }).text)).toEqual([]);
  });
});

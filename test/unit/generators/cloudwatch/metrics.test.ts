import { StandardUnit } from '@aws-sdk/client-cloudwatch';
import { beforeAll, describe, expect, it } from 'vitest';
import { catalogOf } from '../../../../src/generators/cloudwatch/catalog.js';
import { DAY, HOUR, MINUTE } from '../../../../src/time/calendar.js';
import { makeWorld } from '../../../support/world.js';
import { METRICS, recordsOf, runCw, type Rec } from './support.js';

const START = Date.UTC(2026, 10, 24, 15, 0, 0);
const UNITS = new Set<string>(Object.values(StandardUnit));

function keyOf(r: Rec<'cloudwatch_metric'>): string {
  const d = r.body.MetricData[0]!;
  return `${r.body.Namespace}|${d.MetricName}|${d.Dimensions!.map((x) => `${x.Name}=${x.Value}`).join(',')}`;
}

function valueOf(r: Rec<'cloudwatch_metric'>): number {
  const d = r.body.MetricData[0]!;
  return d.Value ?? d.StatisticValues!.Sum! / d.StatisticValues!.SampleCount!;
}

describe('CloudWatch metrics', () => {
  const world = makeWorld({ start: START, end: START + 30 * MINUTE, incidentsPerDay: 50 });
  let recs: Rec<'cloudwatch_metric'>[];
  beforeAll(() => {
    recs = recordsOf(runCw(world, START, START + 30 * MINUTE, [METRICS]), 'cloudwatch_metric');
  });

  it('is deterministic and does not depend on how the range is cut into windows', () => {
    const other = makeWorld({ start: START, end: START + 30 * MINUTE, incidentsPerDay: 50 });
    const once = recordsOf(runCw(other, START, START + 30 * MINUTE, [METRICS], 30), 'cloudwatch_metric');
    // Realism drops optional fields (Unit, StorageResolution) per window; the datapoints themselves must agree.
    const text = (rs: Rec<'cloudwatch_metric'>[]) =>
      rs.map((r) => `${keyOf(r)} ${r.timestamp} ${r.service} ${JSON.stringify(r.body.MetricData[0]!.Value ?? r.body.MetricData[0]!.StatisticValues)} ${r.label.anomalous} ${r.label.incident_id}`).sort();
    expect(recs.length).toBeGreaterThan(7000);
    expect(text(once)).toEqual(text(recs));
  });

  it('publishes about 250 series once per period, on period boundaries inside the window', () => {
    const period = world.cloudwatchPeriodMs;
    for (const r of recs) {
      expect(r.timestamp % period).toBe(0);
      expect(r.timestamp).toBeGreaterThanOrEqual(START);
      expect(r.timestamp).toBeLessThan(START + 30 * MINUTE);
      expect(Date.parse(r.body.MetricData[0]!.Timestamp!)).toBe(r.timestamp);
    }
    const series = new Set(recs.map(keyOf));
    expect(series.size).toBeGreaterThanOrEqual(240);
    expect(series.size).toBeLessThanOrEqual(270);
    // One datapoint per series and period.
    expect(new Set(recs.map((r) => `${keyOf(r)}@${r.timestamp}`)).size).toBe(recs.length);
  });

  it('keeps to the PutMetricData limits and units', () => {
    // Collect every violation, so a failure names the datapoints at fault.
    const problems: string[] = [];
    const check = (ok: boolean, what: string, r: Rec<'cloudwatch_metric'>) => {
      if (!ok && problems.length < 20) problems.push(`${what}: ${keyOf(r)} @${r.timestamp} ${JSON.stringify(r.body.MetricData[0])}`);
    };
    for (const r of recs) {
      const { Namespace, MetricData } = r.body;
      check(!!Namespace && Namespace.length <= 255 && !Namespace.startsWith(':'), 'namespace', r);
      check(MetricData.length === 1, 'one datum', r);
      const d = MetricData[0]!;
      check(!!d.MetricName && d.MetricName.length <= 255, 'metric name', r);
      check(d.Dimensions!.length <= 30, 'dimension count', r);
      for (const dim of d.Dimensions!) {
        check(dim.Name!.length > 0 && dim.Name!.length <= 255, 'dimension name', r);
        check(dim.Value!.length > 0 && dim.Value!.length <= 1024 && /^[\x21-\x7e]+$/.test(dim.Value!), 'dimension value', r);
      }
      check(d.Unit === undefined || UNITS.has(d.Unit), 'unit', r);
      check((d.Value === undefined) !== (d.StatisticValues === undefined), 'exactly one of Value and StatisticValues', r);
      if (d.Value !== undefined) {
        check(Number.isFinite(d.Value) && d.Value >= 0, 'finite non-negative value', r);
        check(d.Unit !== 'Percent' || d.Value <= 100, 'percent <= 100', r);
      } else if (d.StatisticValues) {
        const s = d.StatisticValues;
        check([s.SampleCount, s.Sum, s.Minimum, s.Maximum].every((v) => Number.isFinite(v)), 'finite statistics', r);
        check(s.SampleCount! > 0, 'SampleCount > 0', r);
        check(s.Minimum! <= s.Maximum!, 'Minimum <= Maximum', r);
        check(s.Sum! >= s.Minimum! * s.SampleCount! - 1e-6, 'Sum >= Minimum x SampleCount', r);
        check(s.Sum! <= s.Maximum! * s.SampleCount! + 1e-6, 'Sum <= Maximum x SampleCount', r);
        check(d.Unit !== 'Percent' || s.Maximum! <= 100, 'percent <= 100', r);
      }
    }
    expect(problems).toEqual([]);
  });

  it('uses the units each service documents', () => {
    const unit = (key: string) => recs.find((r) => keyOf(r).startsWith(key))?.body.MetricData[0]!.Unit;
    expect(unit('AWS/ApplicationELB|TargetResponseTime|')).toBe('Seconds');
    expect(unit('AWS/ApplicationELB|RequestCount|')).toBe('Count');
    expect(unit('AWS/RDS|ReadIOPS|')).toBe('Count/Second');
    expect(unit('AWS/RDS|FreeableMemory|')).toBe('Bytes');
    expect(unit('AWS/RDS|NetworkReceiveThroughput|')).toBe('Bytes/Second');
    expect(unit('AWS/ElastiCache|EngineCPUUtilization|')).toBe('Percent');
    expect(unit('AWS/S3|FirstByteLatency|')).toBe('Milliseconds');
    expect(unit('ContainerInsights|pod_network_rx_bytes|')).toBe('Bytes/Second');
  });

  it('counts as many requests at the load balancer as the traffic model sends', () => {
    const count = recs.filter((r) => keyOf(r) === `AWS/ApplicationELB|RequestCount|LoadBalancer=${catalogOf(world).statics.res.albId}`);
    expect(count).toHaveLength(30);
    for (const r of count) {
      const expected = world.traffic.requestsPerSecond(r.timestamp + 30_000) * 60;
      // Incidents may add retries or turn handshakes away; noise is a few percent.
      expect(valueOf(r)).toBeGreaterThan(expected * 0.6);
      expect(valueOf(r)).toBeLessThan(expected * 2);
    }
  });
});

describe('CloudWatch metrics through a day', () => {
  it('follow the daily curve and publish S3 storage metrics once, at midnight', () => {
    const day = Date.UTC(2026, 10, 25);
    const world = makeWorld({ start: day, end: day + DAY, incidentsPerDay: 0 });
    const at = (t: number) => recordsOf(runCw(world, t, t + MINUTE, [METRICS], 1), 'cloudwatch_metric');
    const night = at(day + 9 * HOUR); // 04:00 in the shop's time zone
    const evening = at(day + DAY - 30 * MINUTE); // 19:30 local
    const requests = (rs: Rec<'cloudwatch_metric'>[]) => valueOf(rs.find((r) => keyOf(r).startsWith('AWS/ApplicationELB|RequestCount|LoadBalancer='))!);
    expect(requests(evening)).toBeGreaterThan(3 * requests(night));
    const midnight = at(day);
    expect(midnight.some((r) => r.body.MetricData[0]!.MetricName === 'BucketSizeBytes')).toBe(true);
    expect(night.some((r) => r.body.MetricData[0]!.MetricName === 'BucketSizeBytes')).toBe(false);
    // Ordinary days are labelled normal.
    expect([...night, ...evening].every((r) => !r.label.anomalous)).toBe(true);
  });
});

describe('CloudWatch metrics during a pool exhaustion', () => {
  it('drive RDS DatabaseConnections up and label the moved datapoints with the incident', () => {
    const at = START + 10 * MINUTE;
    const world = makeWorld({ start: START, end: START + 70 * MINUTE, placed: [{ type: 'db_pool_exhaustion', at }], incidentsPerDay: 0 });
    const incident = world.placedIncidents[0]!;
    const recs = recordsOf(runCw(world, START, START + 70 * MINUTE, [METRICS]), 'cloudwatch_metric').filter(
      (r) => r.body.Namespace === 'AWS/RDS' && r.body.MetricData[0]!.MetricName === 'DatabaseConnections' && r.service === world.topology.config.aws.rds.instance_id,
    );
    const before = recs.filter((r) => r.timestamp < at).map(valueOf);
    const peak = recs.filter((r) => r.timestamp >= incident.peak && r.timestamp < incident.recoveryStart);
    expect(peak.length).toBeGreaterThan(0);
    expect(Math.min(...peak.map(valueOf))).toBeGreaterThan(2 * Math.max(...before));
    expect(peak.every((r) => r.label.anomalous && r.label.incident_id === incident.id)).toBe(true);
    expect(recs.filter((r) => r.timestamp < at).every((r) => !r.label.anomalous)).toBe(true);
    const after = recs.filter((r) => r.timestamp >= incident.end + MINUTE).map(valueOf);
    expect(Math.max(...after)).toBeLessThan(1.3 * Math.max(...before));
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import { alarmDefinitions, alarmSpecs } from '../../../../src/generators/cloudwatch/alarm-definitions.js';
import { catalogOf } from '../../../../src/generators/cloudwatch/catalog.js';
import type { Incident } from '../../../../src/model/incident.js';
import { HOUR, MINUTE } from '../../../../src/time/calendar.js';
import { makeWorld } from '../../../support/world.js';
import { ALARMS, recordsOf, runCw, type Rec } from './support.js';

const START = Date.UTC(2026, 10, 24, 14, 0, 0);

describe('CloudWatch alarm definitions', () => {
  const world = makeWorld();
  const defs = alarmDefinitions(world);

  it('cover the edge, the database, the cache, every workload, every node and every queue', () => {
    const names = defs.map((d) => d.AlarmName!);
    expect(new Set(names).size).toBe(names.length);
    const metric = (ns: string, name: string) => defs.filter((d) => d.Namespace === ns && d.MetricName === name);
    expect(metric('AWS/ApplicationELB', 'HTTPCode_Target_5XX_Count')).toHaveLength(1);
    expect(metric('AWS/ApplicationELB', 'TargetResponseTime')[0]!.ExtendedStatistic).toBe('p99');
    expect(metric('AWS/ApplicationELB', 'UnHealthyHostCount')).toHaveLength(1);
    expect(metric('AWS/ApplicationELB', 'ClientTLSNegotiationErrorCount')).toHaveLength(1);
    expect(metric('AWS/RDS', 'DatabaseConnections')).toHaveLength(1);
    expect(metric('AWS/RDS', 'CPUUtilization')).toHaveLength(1);
    expect(metric('AWS/RDS', 'FreeStorageSpace')[0]!.ComparisonOperator).toBe('LessThanThreshold');
    expect(metric('AWS/ElastiCache', 'CacheMisses')).toHaveLength(1);
    const services = world.topology.services.length;
    expect(metric('ContainerInsights', 'pod_memory_utilization_over_pod_limit')).toHaveLength(services);
    expect(metric('ContainerInsights', 'pod_cpu_utilization_over_pod_limit')).toHaveLength(services);
    expect(metric('ContainerInsights', 'pod_number_of_container_restarts')).toHaveLength(services);
    expect(metric('Shop/Application', 'ErrorCount')).toHaveLength(services);
    expect(metric('ContainerInsights', 'node_filesystem_utilization')).toHaveLength(world.topology.nodes.length);
    expect(metric('Shop/RabbitMQ', 'MessagesReady').length).toBeGreaterThanOrEqual(3);
  });

  it('are valid PutMetricAlarm inputs on series the metrics generator publishes', () => {
    const keys = catalogOf(world).byKey;
    for (const d of defs) {
      expect(d.AlarmName!.length).toBeLessThanOrEqual(255);
      expect((d.Statistic === undefined) !== (d.ExtendedStatistic === undefined)).toBe(true);
      expect(d.Period).toBe(60);
      expect(d.DatapointsToAlarm!).toBeLessThanOrEqual(d.EvaluationPeriods!);
      expect(Number.isFinite(d.Threshold)).toBe(true);
      expect(d.AlarmActions![0]).toMatch(/^arn:aws:sns:us-east-1:\d{12}:/);
      const key = `${d.Namespace}|${d.MetricName}|${d.Dimensions!.map((x) => `${x.Name}=${x.Value}`).join(',')}`;
      expect(keys.has(key)).toBe(true);
    }
  });
});

describe('CloudWatch alarm state changes', () => {
  it('stay quiet on an ordinary afternoon without incidents', () => {
    const world = makeWorld({ start: START, end: START + 2 * HOUR, incidentsPerDay: 0 });
    expect(recordsOf(runCw(world, START, START + 2 * HOUR, [ALARMS]), 'cloudwatch_alarm')).toEqual([]);
  });

  describe('during a database pool exhaustion', () => {
    const at = START + 10 * MINUTE;
    const end = START + 90 * MINUTE;
    const world = makeWorld({ start: START, end, placed: [{ type: 'db_pool_exhaustion', at }], incidentsPerDay: 0 });
    let incident: Incident;
    let events: Rec<'cloudwatch_alarm'>[];
    const rds = () => events.filter((e) => e.body.detail.alarmName === `${world.topology.config.aws.rds.instance_id}-connections-high`);
    beforeAll(() => {
      incident = world.placedIncidents[0]!;
      events = recordsOf(runCw(world, START, end, [ALARMS]), 'cloudwatch_alarm');
    });

    it('puts the RDS connections alarm in ALARM, then back to OK after the incident', () => {
      const changes = rds();
      expect(changes.map((e) => `${e.body.detail.previousState.value}->${e.body.detail.state.value}`)).toEqual(['OK->ALARM', 'ALARM->OK']);
      const [up, down] = changes as [Rec<'cloudwatch_alarm'>, Rec<'cloudwatch_alarm'>];
      expect(up.timestamp).toBeGreaterThan(incident.onset);
      expect(up.timestamp).toBeLessThan(incident.recoveryStart);
      expect(down.timestamp).toBeGreaterThan(incident.recoveryStart);
      expect(down.timestamp).toBeLessThan(incident.end + 5 * MINUTE);
      for (const e of changes) {
        expect(e.label.anomalous).toBe(true);
        expect(e.label.incident_id).toBe(incident.id);
      }
    });

    it('writes the EventBridge event CloudWatch sends, with reasons quoting the datapoints', () => {
      const spec = alarmSpecs(world).find((s) => s.name.endsWith('-connections-high'))!;
      for (const e of rds()) {
        if (e.label.missing_fields) continue; // realism may drop reasonData
        const b = e.body;
        expect(b.source).toBe('aws.cloudwatch');
        expect(b['detail-type']).toBe('CloudWatch Alarm State Change');
        expect(b.resources).toEqual([spec.arn]);
        expect(b.account).toMatch(/^\d{12}$/);
        expect(b.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
        expect(Date.parse(b.time)).toBe(Math.floor(e.timestamp / 1000) * 1000);
        expect(b.detail.configuration.metrics[0]!.metricStat.metric).toEqual({ namespace: 'AWS/RDS', name: 'DatabaseConnections', dimensions: { DBInstanceIdentifier: world.topology.config.aws.rds.instance_id } });
        const data = JSON.parse(b.detail.state.reasonData!) as { threshold: number; recentDatapoints: number[]; evaluatedDatapoints: Array<{ timestamp: string; value: number }> };
        expect(data.threshold).toBe(spec.threshold);
        expect(data.recentDatapoints).toHaveLength(spec.evaluationPeriods);
        const breaching = data.recentDatapoints.filter((v) => v > spec.threshold).length;
        if (b.detail.state.value === 'ALARM') expect(breaching).toBeGreaterThanOrEqual(spec.datapointsToAlarm);
        else expect(breaching).toBeLessThan(spec.datapointsToAlarm);
        expect(b.detail.state.reason).toMatch(/^Threshold Crossed: \d+ out of the last \d+ datapoints \[.+\] (was|were) (not )?greater than the threshold \(\d+\.0\)/);
        // Evaluated at the end of the last period, a few seconds later.
        const newest = Date.parse(data.evaluatedDatapoints[0]!.timestamp.replace('+0000', 'Z'));
        expect(e.timestamp - newest).toBeGreaterThanOrEqual(MINUTE);
        expect(e.timestamp - newest).toBeLessThan(2 * MINUTE);
        expect(Date.parse(b.detail.previousState.timestamp.replace('+0000', 'Z'))).toBeLessThan(e.timestamp);
      }
    });

    it('does not depend on how the range is cut into windows', () => {
      const fresh = makeWorld({ start: START, end, placed: world.options.placed, incidentsPerDay: 0 });
      const once = recordsOf(runCw(fresh, START, end, [ALARMS], 90), 'cloudwatch_alarm');
      const text = (rs: Rec<'cloudwatch_alarm'>[]) => rs.map((r) => `${r.timestamp} ${JSON.stringify(r.body.detail)} ${r.label.incident_id}`).sort();
      expect(events.length).toBeGreaterThan(2);
      expect(text(once)).toEqual(text(events));
    });
  });
});

// The CloudWatch sinks against a real CloudWatch API (moto's server, started natively):
// logs and datapoints read back with the SDK, alarms created and their states replayed.
import { CloudWatchClient, DescribeAlarmsCommand, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, DescribeLogStreamsCommand, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CloudWatchLogBody, CloudWatchMetricBody } from '../../src/model/record.js';
import { rebaseRecord } from '../../src/replay/rebase-body.js';
import { CloudWatchLogsSink } from '../../src/sinks/aws-cloudwatch-logs/sink.js';
import { CloudWatchMetricsSink, publishedNamespace } from '../../src/sinks/aws-cloudwatch-metrics/sink.js';
import { systemClock } from '../../src/time/clock.js';
import { startMoto, type MotoServer } from '../support/backends.js';
import { startFaultProxy } from '../support/fault-proxy.js';
import { generatedSource, replayInto } from '../support/replay-harness.js';
import { recordsOf } from '../../src/replay/record-stream.js';

const START = Date.UTC(2026, 10, 24, 17, 0, 0);
const PLACED = [{ type: 'db_pool_exhaustion' as const, at: START + 2 * 60_000, target: 'order-service' }];

describe('CloudWatch sinks against moto', () => {
  let moto: MotoServer;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    moto = await startMoto();
    env = { AWS_ACCESS_KEY_ID: moto.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: moto.credentials.secretAccessKey, AWS_REGION: moto.region };
    Object.assign(process.env, env);
  });
  afterAll(async () => {
    await moto?.stop();
  });

  it('delivers every log event to its group and stream, rebased and in order', async () => {
    const sink = new CloudWatchLogsSink('cwl', { type: 'aws_cloudwatch_logs', endpoint: moto.endpoint, region: moto.region, create_missing: true, group_prefix: '/t1', cluster_name: 'shop-prod' }, ['cloudwatch_log'], systemClock, env, 10_000);
    const report = await replayInto(sink, { start: START, minutes: 8, sources: ['cloudwatch'], placed: PLACED, batch: { maxRecords: 500 } });
    expect(report.complete).toBe(true);
    expect(report.sinks[0]!.rejected).toBe(0);
    const delivered = report.sinks[0]!.delivered;
    expect(delivered).toBeGreaterThan(300);

    const client = new CloudWatchLogsClient({ endpoint: moto.endpoint, region: moto.region, credentials: moto.credentials });
    let found = 0;
    const groups = new Set<string>();
    const shift = report.shiftMs;
    const byGroup = new Map<string, Array<{ stream: string; t: number; message: string }>>();
    for (const r of (await collect(generatedSource({ start: START, minutes: 8, sources: ['cloudwatch'], placed: PLACED }))).filter((x) => x.kind === 'cloudwatch_log')) {
      // What the sink must have sent: the record rebased (times inside the message too).
      const b = rebaseRecord(r, shift).body as CloudWatchLogBody;
      const g = `/t1${b.logGroupName}`;
      groups.add(g);
      let l = byGroup.get(g);
      if (!l) byGroup.set(g, (l = []));
      l.push({ stream: b.logStreamName!, t: b.logEvents![0]!.timestamp!, message: b.logEvents![0]!.message! });
    }
    for (const [group, events] of byGroup) {
      const streams = await client.send(new DescribeLogStreamsCommand({ logGroupName: group }));
      for (const s of streams.logStreams ?? []) {
        const got = await client.send(new GetLogEventsCommand({ logGroupName: group, logStreamName: s.logStreamName!, startFromHead: true, limit: 10_000 }));
        const sent = events.filter((e) => e.stream === s.logStreamName).sort((a, b) => a.t - b.t);
        expect((got.events ?? []).map((e) => e.timestamp)).toEqual(sent.map((e) => e.t));
        expect(new Set((got.events ?? []).map((e) => e.message))).toEqual(new Set(sent.map((e) => e.message)));
        found += got.events?.length ?? 0;
      }
    }
    expect(found).toBe(delivered);
    expect(groups.size).toBeGreaterThanOrEqual(2);
    client.destroy();
  });

  it('publishes datapoints under the renamed AWS namespaces, creates the alarms and replays their states', async () => {
    const sink = new CloudWatchMetricsSink('cwm', { type: 'aws_cloudwatch_metrics', endpoint: moto.endpoint, region: moto.region, aws_namespace_prefix: 'Replay/', create_alarms: true }, ['cloudwatch_metric', 'cloudwatch_alarm'], systemClock, env, 10_000);
    const report = await replayInto(sink, { start: START, minutes: 30, sources: ['cloudwatch'], placed: PLACED, batch: { maxRecords: 2000 } });
    expect(report.complete).toBe(true);
    expect(report.sinks[0]!.rejected).toBe(0);
    const cw = new CloudWatchClient({ endpoint: moto.endpoint, region: moto.region, credentials: moto.credentials });
    // One RDS series read back, value by value.
    const records = (await collect(generatedSource({ start: START, minutes: 30, sources: ['cloudwatch'], placed: PLACED }))).filter((r) => r.kind === 'cloudwatch_metric') as Array<{ body: CloudWatchMetricBody; timestamp: number }>;
    const series = records.filter((r) => r.body.Namespace === 'AWS/RDS' && r.body.MetricData[0]!.MetricName === 'DatabaseConnections' && r.body.MetricData[0]!.Dimensions?.[0]?.Value === 'shop-prod-postgres');
    expect(series.length).toBeGreaterThan(20);
    const first = series[0]!.timestamp + report.shiftMs;
    const out = await cw.send(
      new GetMetricDataCommand({
        StartTime: new Date(first - 60_000),
        EndTime: new Date(first + 40 * 60_000),
        MetricDataQueries: [{ Id: 'm', MetricStat: { Metric: { Namespace: publishedNamespace('AWS/RDS', 'Replay/'), MetricName: 'DatabaseConnections', Dimensions: series[0]!.body.MetricData[0]!.Dimensions }, Period: 60, Stat: 'Maximum' } }],
      }),
    );
    const got = new Map((out.MetricDataResults?.[0]?.Timestamps ?? []).map((t, i) => [t.getTime(), out.MetricDataResults![0]!.Values![i]]));
    for (const s of series) {
      const d = s.body.MetricData[0]!;
      expect(got.get(s.timestamp + report.shiftMs), `datapoint at ${new Date(s.timestamp).toISOString()}`).toBe(d.Value ?? d.StatisticValues?.Maximum);
    }
    // The pool exhaustion drives the RDS connections alarm to ALARM: its state was replayed.
    const alarms = await cw.send(new DescribeAlarmsCommand({ AlarmNamePrefix: 'shop-prod-postgres-connections' }));
    expect(alarms.MetricAlarms?.length).toBe(1);
    expect(alarms.MetricAlarms![0]!.Namespace).toBe('Replay/AWS/RDS');
    const changes = (await collect(generatedSource({ start: START, minutes: 30, sources: ['cloudwatch'], placed: PLACED }))).filter((r) => r.kind === 'cloudwatch_alarm' && (r.body as { detail: { alarmName: string } }).detail.alarmName === 'shop-prod-postgres-connections-high');
    expect(changes.length).toBeGreaterThan(0);
    const last = changes[changes.length - 1]!.body as { detail: { state: { value: string } } };
    expect(alarms.MetricAlarms![0]!.StateValue).toBe(last.detail.state.value);
    cw.destroy();
  });

  it('retries through throttling answers and loses nothing', async () => {
    const proxy = await startFaultProxy(moto.endpoint, { status: 503, count: 4, retryAfterSecs: 1 });
    try {
      const sink = new CloudWatchLogsSink('cwl2', { type: 'aws_cloudwatch_logs', endpoint: proxy.url, region: moto.region, create_missing: true, group_prefix: '/t3', cluster_name: 'shop-prod' }, ['cloudwatch_log'], systemClock, env, 10_000);
      const report = await replayInto(sink, { start: START, minutes: 3, sources: ['cloudwatch'], batch: { maxRecords: 200 } });
      expect(proxy.stats.failed).toBe(4);
      expect(report.complete).toBe(true);
      expect(report.sinks[0]!.retries).toBeGreaterThanOrEqual(1);
      const expected = (await collect(generatedSource({ start: START, minutes: 3, sources: ['cloudwatch'] }))).filter((r) => r.kind === 'cloudwatch_log').length;
      expect(report.sinks[0]!.delivered).toBe(expected);
      const client = new CloudWatchLogsClient({ endpoint: moto.endpoint, region: moto.region, credentials: moto.credentials });
      let n = 0;
      for (const group of ['/t3/aws/alb/shop-prod-alb', '/t3/aws/rds/instance/shop-prod-postgres/postgresql']) {
        const streams = await client.send(new DescribeLogStreamsCommand({ logGroupName: group }));
        for (const s of streams.logStreams ?? []) n += (await client.send(new GetLogEventsCommand({ logGroupName: group, logStreamName: s.logStreamName!, startFromHead: true, limit: 10_000 }))).events?.length ?? 0;
      }
      expect(n).toBeGreaterThan(0);
      expect(n).toBeLessThanOrEqual(expected);
      client.destroy();
    } finally {
      await proxy.close();
    }
  });
});

async function collect(source: ReturnType<typeof generatedSource>) {
  const out = [];
  for await (const r of recordsOf(source, new Set(['cloudwatch_log', 'cloudwatch_metric', 'cloudwatch_alarm']), 0)) out.push(r.record);
  return out;
}

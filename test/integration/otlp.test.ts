// The otlp sink against a real OpenTelemetry Collector (built by test/backends/otelcol.sh,
// started natively by test/support/backends.ts): a short generated history is replayed through
// the real engine (runReplay + GeneratedSource) and read back from the collector's file
// exporter. Each test tags its resources with its own run id, so tests sharing the collector
// only count their own records.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FileRecord, KubernetesLogBody, KubernetesPodMetricsBody, RecordKind, SentryErrorBody, Source } from '../../src/model/record.js';
import type { BatchPolicy } from '../../src/replay/channel.js';
import type { PlacedIncident } from '../../src/incidents/planner.js';
import { GeneratedSource } from '../../src/replay/generated-source.js';
import { rebaseRecord } from '../../src/replay/rebase-body.js';
import { runReplay, type ConfiguredSink, type ReplayReport } from '../../src/replay/replay.js';
import { resolveOtlpSettings, type OtlpSinkConfig } from '../../src/sinks/otlp/config.js';
import { OTLP_KINDS } from '../../src/sinks/otlp/definition.js';
import { hrTimeOfIso } from '../../src/sinks/otlp/hrtime.js';
import { OtlpSink } from '../../src/sinks/otlp/otlp-sink.js';
import { DEFAULT_RETRY } from '../../src/sinks/retrying.js';
import type { ReplayRecord, Sink, WriteResult } from '../../src/sinks/sink.js';
import { MINUTE } from '../../src/time/calendar.js';
import { systemClock } from '../../src/time/clock.js';
import { readCollectorFile, startOtelCollector, waitForCollectorFile, type OtelCollector } from '../support/backends.js';
import { startFaultProxy } from '../support/fault-proxy.js';
import { defaultConfig } from '../support/world.js';
import { recordsOf } from '../../src/replay/record-stream.js';

// ---- the history: 6 simulated minutes of every source ----------------------------------------

const START = Date.UTC(2026, 10, 24, 14, 0, 0);
const RUN = {
  seed: 42,
  start: START,
  end: START + 6 * MINUTE,
  sources: ['kubernetes', 'sentry', 'cloudwatch', 'grafana'] satisfies Source[],
  volumeMultiplier: 1,
  incidentsPerDay: 0,
  // An incident a minute in, so the window has Sentry errors and error logs aplenty.
  placed: [{ type: 'bad_deployment', at: START + MINUTE, target: 'order-service' }] as PlacedIncident[],
};

function source(): GeneratedSource {
  const c = defaultConfig();
  return new GeneratedSource({ services: c.services, incidents: c.incidents, generation: c.generation }, RUN, 0);
}

/** Every record of the kinds the otlp sink takes, in stream order. */
async function expectedRecords(): Promise<FileRecord[]> {
  const out: FileRecord[] = [];
  for await (const { record } of recordsOf(source(), new Set(OTLP_KINDS), 0)) out.push(record);
  return out;
}

// ---- what the collector wrote ------------------------------------------------------------------

interface KeyValue {
  key: string;
  value: { stringValue?: string; intValue?: string; doubleValue?: number; arrayValue?: { values: Array<{ stringValue?: string }> } };
}
const attrs = (list: KeyValue[] | undefined): Record<string, unknown> =>
  Object.fromEntries((list ?? []).map(({ key, value }) => [key, value.stringValue ?? value.arrayValue?.values.map((v) => v.stringValue) ?? value.doubleValue ?? (value.intValue !== undefined ? Number(value.intValue) : undefined)]));

interface CollectedLog {
  resource: Record<string, unknown>;
  scope: string;
  uid: string;
  timeUnixNano: string;
  observedTimeUnixNano: string;
  traceId: string;
  spanId: string;
  severityNumber: number;
  body: string;
}
interface LogsLine {
  resourceLogs: Array<{
    resource: { attributes?: KeyValue[] };
    scopeLogs: Array<{ scope: { name: string }; logRecords: Array<{ timeUnixNano: string; observedTimeUnixNano: string; traceId?: string; spanId?: string; severityNumber?: number; body?: { stringValue?: string }; attributes?: KeyValue[] }> }>;
  }>;
}
interface DataPoint {
  timeUnixNano: string;
  startTimeUnixNano?: string;
  attributes?: KeyValue[];
}
interface MetricsLine {
  resourceMetrics: Array<{
    resource: { attributes?: KeyValue[] };
    scopeMetrics: Array<{ scope: { name: string }; metrics: Array<{ name: string; gauge?: { dataPoints: DataPoint[] }; sum?: { dataPoints: DataPoint[] } }> }>;
  }>;
}
interface CollectedPoint {
  resource: Record<string, unknown>;
  scope: string;
  name: string;
  point: DataPoint;
}

const RUN_ATTR = 'obsynth.test.run';

function logsOf(lines: LogsLine[], run: string): CollectedLog[] {
  const out: CollectedLog[] = [];
  for (const line of lines)
    for (const rl of line.resourceLogs) {
      const resource = attrs(rl.resource.attributes);
      if (resource[RUN_ATTR] !== run) continue;
      for (const sl of rl.scopeLogs)
        for (const lr of sl.logRecords) {
          const a = attrs(lr.attributes);
          out.push({
            resource,
            scope: sl.scope.name,
            uid: String(a['log.record.uid']),
            timeUnixNano: lr.timeUnixNano,
            observedTimeUnixNano: lr.observedTimeUnixNano,
            traceId: lr.traceId ?? '',
            spanId: lr.spanId ?? '',
            severityNumber: lr.severityNumber ?? 0,
            body: lr.body?.stringValue ?? '',
          });
        }
    }
  return out;
}

function pointsOf(lines: MetricsLine[], run: string): CollectedPoint[] {
  const out: CollectedPoint[] = [];
  for (const line of lines)
    for (const rm of line.resourceMetrics) {
      const resource = attrs(rm.resource.attributes);
      if (resource[RUN_ATTR] !== run) continue;
      for (const sm of rm.scopeMetrics)
        for (const m of sm.metrics) for (const point of m.gauge?.dataPoints ?? m.sum?.dataPoints ?? []) out.push({ resource, scope: sm.scope.name, name: m.name, point });
    }
  return out;
}

const LOG_SCOPE: Partial<Record<RecordKind, string>> = { kubernetes_log: 'obsynth/kubernetes', cloudwatch_log: 'obsynth/cloudwatch', sentry_error: 'obsynth/sentry' };
const LOG_KINDS = Object.keys(LOG_SCOPE) as RecordKind[];
const CW_STATISTIC = /\.(sum|sample_count|minimum|maximum)$/;
const nanosToMs = (n: string): number => Number(BigInt(n) / 1_000_000n);

/** How many points of each family a set of records should give (one per record; CloudWatch one per datum). */
function expectedPointCounts(records: readonly FileRecord[]): Record<string, number> {
  const count = (k: RecordKind) => records.filter((r) => r.kind === k).length;
  let cloudwatch = 0;
  for (const r of records) {
    if (r.kind !== 'cloudwatch_metric') continue;
    for (const d of r.body.MetricData) if (d.Value !== undefined || (d.StatisticValues?.SampleCount ?? 0) > 0 || (d.Values?.length ?? 0) > 0) cloudwatch++;
  }
  return { 'k8s.pod.cpu.usage': count('kubernetes_pod_metrics'), 'k8s.node.cpu.usage': count('kubernetes_node_metrics'), cloudwatch, grafana: count('grafana_series') };
}

function pointCounts(points: readonly CollectedPoint[]): Record<string, number> {
  return {
    'k8s.pod.cpu.usage': points.filter((p) => p.name === 'k8s.pod.cpu.usage').length,
    'k8s.node.cpu.usage': points.filter((p) => p.name === 'k8s.node.cpu.usage').length,
    cloudwatch: points.filter((p) => p.scope === 'obsynth/cloudwatch' && !CW_STATISTIC.test(p.name)).length,
    grafana: points.filter((p) => p.scope === 'obsynth/grafana').length,
  };
}

/** Log uid -> how many times; records can legitimately repeat (duplicate deliveries in the data). */
function multiset(ids: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const id of ids) m.set(id, (m.get(id) ?? 0) + 1);
  return m;
}

// ---- running a replay ---------------------------------------------------------------------------

const BATCH: BatchPolicy = { maxRecords: 250, timeoutMs: 50, maxQueuedRecords: 1000 };

function otlpSink(endpoint: string, run: string, extra: Partial<OtlpSinkConfig> = {}): OtlpSink {
  const settings = resolveOtlpSettings({ type: 'otlp', endpoint, resource_attributes: { [RUN_ATTR]: run, 'deployment.environment.name': 'production' }, ...extra }, {});
  return new OtlpSink('otlp', settings, OTLP_KINDS, { clock: systemClock, timeoutMs: 10_000 });
}

function replay(sink: Sink, options: { checkpointPath?: string; stop?: AbortSignal } = {}): Promise<ReplayReport> {
  const configured: ConfiguredSink = { sink, batch: BATCH, retry: { ...DEFAULT_RETRY, deadlineMs: 60_000 } };
  return runReplay(source(), [configured], { speed: 'max', rebase: 'end', dryRun: false, checkpointPath: options.checkpointPath, restart: false }, { clock: systemClock, stop: options.stop });
}

async function collected(collector: OtelCollector, run: string, expected: readonly FileRecord[]): Promise<{ logs: CollectedLog[]; points: CollectedPoint[] }> {
  const wantLogs = expected.filter((r) => LOG_KINDS.includes(r.kind)).length;
  const wantPoints = expectedPointCounts(expected)['k8s.pod.cpu.usage']!;
  await waitForCollectorFile<LogsLine>(collector.logsFile, (lines) => logsOf(lines, run).length >= wantLogs, 30_000);
  await waitForCollectorFile<MetricsLine>(collector.metricsFile, (lines) => pointsOf(lines, run).filter((p) => p.name === 'k8s.pod.cpu.usage').length >= wantPoints, 30_000);
  // A few more flush intervals, so anything extra (duplicates) would show up too.
  await new Promise((r) => setTimeout(r, 500));
  return { logs: logsOf(await readCollectorFile<LogsLine>(collector.logsFile), run), points: pointsOf(await readCollectorFile<MetricsLine>(collector.metricsFile), run) };
}

function expectExactlyOnce(expected: readonly FileRecord[], got: { logs: CollectedLog[]; points: CollectedPoint[] }): void {
  for (const kind of LOG_KINDS) {
    const sent = expected.filter((r) => r.kind === kind).map((r) => r.id);
    const arrived = got.logs.filter((l) => l.scope === LOG_SCOPE[kind]).map((l) => l.uid);
    expect(arrived.length, `${kind} count`).toBe(sent.length);
    expect(multiset(arrived), `${kind} ids`).toEqual(multiset(sent));
  }
  expect(pointCounts(got.points)).toEqual(expectedPointCounts(expected));
}

// ---- tests --------------------------------------------------------------------------------------

describe('otlp sink -> OpenTelemetry Collector', () => {
  let collector: OtelCollector;
  let expected: FileRecord[];
  beforeAll(async () => {
    [collector, expected] = await Promise.all([startOtelCollector(), expectedRecords()]);
  });
  afterAll(async () => {
    await collector?.stop();
  });

  it('replays every kind: counts, rebased timestamps, trace ids and resource attributes arrive as sent', async () => {
    const run = `full-${process.pid}`;
    const report = await replay(otlpSink(collector.otlpHttpUrl, run));
    expect(report.complete).toBe(true);
    expect(report.sinks[0]).toMatchObject({ delivered: expected.length, rejected: 0, retries: 0 });
    for (const kind of OTLP_KINDS) expect(expected.some((r) => r.kind === kind), `the window has ${kind}`).toBe(true);

    const got = await collected(collector, run, expected);
    expectExactlyOnce(expected, got);

    const shift = report.shiftMs;
    expect(shift % 1000).toBe(0);
    const byUid = new Map(got.logs.map((l) => [l.uid, l]));
    let withTrace = 0;
    for (const r of expected) {
      const log = byUid.get(r.id);
      if (!LOG_KINDS.includes(r.kind)) continue;
      expect(log, r.id).toBeDefined();
      // Observed time is the rebased envelope time; the event time is the rebased native one.
      expect(nanosToMs(log!.observedTimeUnixNano), r.id).toBe(r.timestamp + shift);
      const rebased = rebaseRecord(r, shift);
      if (rebased.kind === 'kubernetes_log') {
        const t = hrTimeOfIso((rebased.body as KubernetesLogBody).time)!;
        expect(log!.timeUnixNano).toBe(`${t[0]}${String(t[1]).padStart(9, '0')}`);
        expect(log!.body).toBe(rebased.body.log);
        expect(log!.resource).toMatchObject({
          'service.name': r.service,
          'k8s.pod.name': rebased.body.kubernetes.pod_name,
          'k8s.namespace.name': rebased.body.kubernetes.namespace_name,
          'k8s.node.name': rebased.body.kubernetes.host,
          'k8s.container.name': rebased.body.kubernetes.container_name,
          'k8s.pod.uid': rebased.body.kubernetes.pod_id,
          'cloud.provider': 'aws',
          'deployment.environment.name': 'production',
        });
      } else {
        expect(Math.abs(nanosToMs(log!.timeUnixNano) - (r.timestamp + shift)), r.id).toBeLessThanOrEqual(1);
      }
      const traceId = r.kind === 'sentry_error' ? ((r.body as SentryErrorBody).contexts?.trace?.trace_id ?? r.trace_id) : r.trace_id;
      if (traceId) {
        withTrace++;
        expect(log!.traceId, r.id).toBe(traceId);
      } else expect(log!.traceId, r.id).toBe('');
    }
    expect(withTrace).toBeGreaterThan(100);
    // Span ids come along where the line prints one.
    expect(got.logs.filter((l) => l.spanId !== '').length).toBeGreaterThan(50);
    // Severities were parsed: most lines have one, and the incident brought errors.
    expect(got.logs.filter((l) => l.severityNumber > 0).length).toBeGreaterThan(got.logs.length * 0.7);
    expect(got.logs.filter((l) => l.severityNumber >= 17).length).toBeGreaterThan(10);

    // Pod metrics end at the rebased PodMetrics timestamp, over its window.
    const pods = expected.filter((r) => r.kind === 'kubernetes_pod_metrics');
    const podEnds = multiset(pods.map((r) => String(Date.parse((r.body as KubernetesPodMetricsBody).timestamp) + shift)));
    const cpu = got.points.filter((p) => p.name === 'k8s.pod.cpu.usage');
    expect(multiset(cpu.map((p) => String(nanosToMs(p.point.timeUnixNano))))).toEqual(podEnds);
    for (const p of cpu) expect(nanosToMs(p.point.timeUnixNano) - nanosToMs(p.point.startTimeUnixNano!)).toBe(60_000);
    expect(cpu[0]!.resource).toMatchObject({ 'k8s.namespace.name': expect.any(String), 'k8s.pod.name': expect.any(String), 'service.name': expect.any(String) });
    const restarts = got.points.filter((p) => p.name === 'k8s.container.restart.count');
    expect(restarts.length).toBe(pods.reduce((a, r) => a + (r.body as KubernetesPodMetricsBody).containerStatuses.length, 0));
    expect(restarts[0]!.resource).toMatchObject({ 'k8s.container.name': expect.any(String), 'container.image.name': expect.any(String), 'cloud.region': 'us-east-1', 'cloud.account.id': '123456789012' });
    // Every metric point lies inside the rebased window.
    const lo = RUN.start + shift - MINUTE;
    const hi = RUN.end + shift;
    const outside = got.points.filter((p) => nanosToMs(p.point.timeUnixNano) < lo || nanosToMs(p.point.timeUnixNano) > hi);
    expect(outside.map((p) => `${p.name} ${p.point.timeUnixNano}`)).toEqual([]);
  });

  it('rides out 503s with Retry-After through a fault proxy: retried, nothing lost, nothing doubled', async () => {
    const run = `fault-${process.pid}`;
    const proxy = await startFaultProxy(collector.otlpHttpUrl, { status: 503, count: 3, retryAfterSecs: 1 });
    try {
      const viaProxy = otlpSink(proxy.url, run);
      // The proxy fails the first requests whatever they are; the healthcheck goes straight to the
      // collector so that it is the export requests that meet the faults.
      const direct = otlpSink(collector.otlpHttpUrl, run);
      const sink: Sink = {
        name: viaProxy.name,
        kinds: viaProxy.kinds,
        healthcheck: (signal) => direct.healthcheck(signal),
        write: (batch, signal) => viaProxy.write(batch, signal),
        flush: () => viaProxy.flush(),
        close: async () => {
          await Promise.all([viaProxy.close(), direct.close()]);
        },
      };
      const report = await replay(sink);
      expect(report.complete).toBe(true);
      expect(proxy.stats.failed).toBe(3);
      expect(report.sinks[0]!.retries).toBeGreaterThanOrEqual(2);
      expect(report.sinks[0]).toMatchObject({ delivered: expected.length, rejected: 0 });
      expectExactlyOnce(expected, await collected(collector, run, expected));
    } finally {
      await proxy.close();
    }
  });

  it('resumes a stopped replay from its checkpoint: every record arrives exactly once', async () => {
    const run = `resume-${process.pid}`;
    const checkpointPath = join(mkdtempSync(join(tmpdir(), 'obsynth-otlp-')), 'replay.checkpoint.json');
    const stop = new AbortController();
    const inner = otlpSink(collector.otlpHttpUrl, run);
    let written = 0;
    const stopAfter = Math.floor(expected.length / 3);
    // Stops the replay (as Ctrl-C does) once a third of the records got through.
    const stopping: Sink = {
      name: inner.name,
      kinds: inner.kinds,
      healthcheck: (signal) => inner.healthcheck(signal),
      write: async (batch: readonly ReplayRecord[], signal?: AbortSignal): Promise<WriteResult> => {
        const result = await inner.write(batch, signal);
        if (result.status === 'success') written += batch.length;
        if (written >= stopAfter) stop.abort();
        return result;
      },
      flush: () => inner.flush(),
      close: () => inner.close(),
    };
    const first = await replay(stopping, { checkpointPath, stop: stop.signal });
    expect(first.interrupted).toBe(true);
    expect(first.complete).toBe(false);
    expect(first.sinks[0]!.delivered).toBeGreaterThanOrEqual(stopAfter);
    expect(first.sinks[0]!.delivered).toBeLessThan(expected.length);

    const second = await replay(otlpSink(collector.otlpHttpUrl, run), { checkpointPath });
    expect(second.resumed).toBe(true);
    expect(second.complete).toBe(true);
    expect(second.shiftMs).toBe(first.shiftMs);
    expect(second.sinks[0]!.delivered).toBe(expected.length);
    expectExactlyOnce(expected, await collected(collector, run, expected));
  });
});

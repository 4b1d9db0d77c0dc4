// What the otlp sink puts on the wire for each kind: read back from OTLP/JSON requests captured
// by a loopback capture server (no real receiver needed for the shape; the Collector test in
// test/integration/otlp.test.ts checks a real one accepts it).
import { SeverityNumber } from '@opentelemetry/api-logs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FileRecord } from '../../../../src/model/record.js';
import { resolveOtlpSettings } from '../../../../src/sinks/otlp/config.js';
import { OTLP_KINDS } from '../../../../src/sinks/otlp/definition.js';
import { cloudwatchMetricName, cloudwatchUnit, parseDurationMs, parseQuantity, snakeCase } from '../../../../src/sinks/otlp/metrics.js';
import { OtlpSink } from '../../../../src/sinks/otlp/otlp-sink.js';
import { parseImage, regionOfEc2Hostname, workloadAttributes, type ResourceAttributes } from '../../../../src/sinks/otlp/resources.js';
import { hrTimeOfIso, hrTimeOfSeconds } from '../../../../src/sinks/otlp/hrtime.js';
import {
  attrs,
  cloudwatchLog,
  cloudwatchMetric,
  fixedClock,
  grafanaSeries,
  jsonBody,
  kubernetesLog,
  nanosToMs,
  nodeMetrics,
  podMetrics,
  replay,
  sentryError,
  SHIFT,
  SPAN,
  startCaptureServer,
  T0,
  TRACE,
  type CaptureServer,
  type JsonLogRecord,
  type JsonLogsRequest,
  type JsonMetric,
  type JsonMetricsRequest,
} from './support.js';

let server: CaptureServer;
beforeAll(async () => {
  server = await startCaptureServer();
});
afterAll(async () => {
  await server.close();
});
afterEach(() => {
  server.requests.length = 0;
});

function sink(extra: Record<string, unknown> = {}): OtlpSink {
  const settings = resolveOtlpSettings({ type: 'otlp', endpoint: server.url, encoding: 'json', ...extra }, {});
  return new OtlpSink('otlp', settings, OTLP_KINDS, { clock: fixedClock(), timeoutMs: 5000 });
}

async function send(records: FileRecord[], extra: Record<string, unknown> = {}): Promise<{ logs: JsonLogsRequest[]; metrics: JsonMetricsRequest[] }> {
  const s = sink(extra);
  const result = await s.write(records.map((r) => replay(r)));
  await s.close();
  expect(result).toEqual({ status: 'success' });
  return {
    logs: server.requests.filter((r) => r.path === '/v1/logs').map((r) => jsonBody<JsonLogsRequest>(r)),
    metrics: server.requests.filter((r) => r.path === '/v1/metrics').map((r) => jsonBody<JsonMetricsRequest>(r)),
  };
}

interface FlatLog {
  resource: Record<string, unknown>;
  scope: string;
  record: JsonLogRecord;
  attributes: Record<string, unknown>;
}
function flatLogs(reqs: JsonLogsRequest[]): FlatLog[] {
  return reqs.flatMap((q) =>
    (q.resourceLogs ?? []).flatMap((rl) => rl.scopeLogs.flatMap((sl) => sl.logRecords.map((record) => ({ resource: attrs(rl.resource.attributes), scope: sl.scope.name, record, attributes: attrs(record.attributes) })))),
  );
}

interface FlatMetric {
  resource: Record<string, unknown>;
  scope: string;
  metric: JsonMetric;
}
function flatMetrics(reqs: JsonMetricsRequest[]): FlatMetric[] {
  return reqs.flatMap((q) => (q.resourceMetrics ?? []).flatMap((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics.map((metric) => ({ resource: attrs(rm.resource.attributes), scope: sm.scope.name, metric })))));
}
const pointsOf = (m: JsonMetric) => m.gauge?.dataPoints ?? m.sum?.dataPoints ?? [];
const valueOf = (p: { asDouble?: number; asInt?: string | number }) => (p.asDouble !== undefined ? p.asDouble : Number(p.asInt));

describe('kubernetes_log', () => {
  it('sends the line with its rebased CRI time, parsed severity, trace and span id, stream and k8s resource', async () => {
    const line = `2026-11-24 14:00:03,001 WARNING [users.views] [trace_id=${TRACE} span_id=${SPAN}] Slow login`;
    const { logs } = await send([kubernetesLog('kl-1', line, { traceId: TRACE })]);
    const [log] = flatLogs(logs);
    expect(log).toBeDefined();
    const { record, resource, attributes } = log!;
    // The time inside the line moved with the record; the record time is the rebased CRI time (ns kept).
    expect(record.body?.stringValue).toBe(line.replace('2026-11-24 14:00:03', '2026-11-29 14:00:03'));
    expect(record.timeUnixNano).toBe(`${(T0 + SHIFT) / 1000}001267869`);
    expect(nanosToMs(record.observedTimeUnixNano)).toBe(T0 + 1 + SHIFT);
    expect(record.severityNumber).toBe(SeverityNumber.WARN);
    expect(record.severityText).toBe('WARNING');
    expect(record.traceId).toBe(TRACE);
    expect(record.spanId).toBe(SPAN);
    expect(attributes).toEqual({ 'log.iostream': 'stderr', 'log.record.uid': 'kl-1' });
    expect(log!.scope).toBe('obsynth/kubernetes');
    expect(resource).toMatchObject({
      'service.name': 'user-service',
      'service.namespace': 'shop',
      'k8s.namespace.name': 'shop',
      'k8s.pod.name': 'user-service-f8mljqwxdq-zrm4j',
      'k8s.pod.uid': '41f3b4e9-bf6c-4f00-a8a9-eef4d70bbb8f',
      'k8s.node.name': 'ip-10-0-2-36.ec2.internal',
      'k8s.container.name': 'user-service',
      'k8s.deployment.name': 'user-service',
      'k8s.replicaset.name': 'user-service-f8mljqwxdq',
      'k8s.pod.label.app': 'user-service',
      'container.id': '5085c98fdfae9268f7778109b1d3cec97b5a6bda1eb45656c01f2dc71e299eb6',
      'container.image.name': '123456789012.dkr.ecr.us-east-1.amazonaws.com/shop/user-service',
      'container.image.tags': ['2026.11.24-1256'],
      'cloud.provider': 'aws',
      'cloud.platform': 'aws_eks',
      'cloud.region': 'us-east-1',
      'cloud.account.id': '123456789012',
    });
  });

  it('takes span ids and sampling from JSON lines, and sends no trace context without a trace id', async () => {
    const pino = `{"level":50,"time":${T0},"trace_id":"${TRACE}","span_id":"${SPAN}","trace_flags":"01","msg":"failed"}`;
    const { logs } = await send([kubernetesLog('kl-1', pino, { traceId: TRACE }), kubernetesLog('kl-2', 'time=2026-11-24T14:00:03.192Z level=INFO msg="no trace"', { ms: 2 })]);
    const [a, b] = flatLogs(logs);
    expect(a!.record).toMatchObject({ traceId: TRACE, spanId: SPAN, flags: 1, severityNumber: SeverityNumber.ERROR, severityText: 'error' });
    expect(b!.record.traceId ?? '').toBe('');
    expect(b!.record.spanId ?? '').toBe('');
    expect(b!.record.severityNumber).toBe(SeverityNumber.INFO);
  });

  it('groups records by resource: one resourceLogs per container, in one request', async () => {
    const other = { pod_name: 'user-service-f8mljqwxdq-abcde', pod_id: '00000000-0000-4000-8000-000000000001', docker_id: 'ff'.repeat(32) };
    const { logs } = await send([
      kubernetesLog('a', 'level=INFO msg=1', { ms: 1 }),
      kubernetesLog('b', 'level=INFO msg=2', { ms: 2, pod: other }),
      kubernetesLog('c', 'level=INFO msg=3', { ms: 3 }),
      kubernetesLog('d', 'level=INFO msg=4', { ms: 4, pod: other }),
    ]);
    expect(logs).toHaveLength(1);
    const rl = logs[0]!.resourceLogs!;
    expect(rl).toHaveLength(2);
    expect(rl.map((r) => r.scopeLogs[0]!.logRecords.map((l) => attrs(l.attributes)['log.record.uid']))).toEqual([
      ['a', 'c'],
      ['b', 'd'],
    ]);
  });

  it('adds the configured resource attributes where the record does not say', async () => {
    const { logs } = await send([kubernetesLog('a', 'level=INFO msg=1')], { resource_attributes: { 'deployment.environment.name': 'production', 'k8s.cluster.name': 'shop-prod', 'service.name': 'ignored' } });
    expect(flatLogs(logs)[0]!.resource).toMatchObject({ 'deployment.environment.name': 'production', 'k8s.cluster.name': 'shop-prod', 'service.name': 'user-service' });
  });
});

describe('cloudwatch_log', () => {
  it('sends the event message at its rebased time with the log group and stream', async () => {
    const { logs } = await send([cloudwatchLog('cl-1')]);
    const [log] = flatLogs(logs);
    expect(log!.record.body?.stringValue).toBe('2026-11-29 14:00:03 UTC:10.0.20.52(53170):payment_service@shop:[33482]:ERROR:  deadlock detected');
    expect(nanosToMs(log!.record.timeUnixNano)).toBe(T0 + 20 + SHIFT);
    expect(log!.record.severityNumber).toBe(SeverityNumber.ERROR);
    expect(log!.scope).toBe('obsynth/cloudwatch');
    expect(log!.resource).toMatchObject({
      'service.name': 'shop-prod-postgres',
      'cloud.provider': 'aws',
      'aws.log.group.names': ['/aws/rds/instance/shop-prod-postgres/postgresql'],
      'aws.log.stream.names': ['shop-prod-postgres'],
    });
  });

  it('reads the severity and Kubernetes resource of a Container Insights (Fluent Bit JSON) event', async () => {
    const inner = kubernetesLog('x', `{"level":40,"time":${T0},"trace_id":"${TRACE}","span_id":"${SPAN}","msg":"lagging"}`).body;
    const record: FileRecord = {
      id: 'cl-2',
      kind: 'cloudwatch_log',
      timestamp: T0 + 5,
      service: 'user-service',
      trace_id: TRACE,
      body: { logGroupName: '/aws/containerinsights/shop-prod/application', logStreamName: 'ip-10-0-2-36.ec2.internal-application.var.log.containers.x.log', logEvents: [{ timestamp: T0 + 5, message: JSON.stringify(inner) }] },
    };
    const [log] = flatLogs((await send([record])).logs);
    expect(log!.record).toMatchObject({ severityNumber: SeverityNumber.WARN, traceId: TRACE, spanId: SPAN });
    expect(log!.attributes['log.iostream']).toBe('stderr');
    expect(log!.resource).toMatchObject({ 'k8s.pod.name': 'user-service-f8mljqwxdq-zrm4j', 'aws.log.group.names': ['/aws/containerinsights/shop-prod/application'], 'cloud.platform': 'aws_eks' });
  });
});

describe('sentry_error', () => {
  it('sends "Type: value" at ERROR with exception.* attributes, the trace context and release/environment', async () => {
    const { logs } = await send([sentryError('se-1')]);
    const [log] = flatLogs(logs);
    expect(log!.record.body?.stringValue).toBe('ImproperlyConfigured: Set the POSTGRES_DATABASE_URL environment variable');
    expect(log!.record.severityNumber).toBe(SeverityNumber.ERROR);
    expect(log!.record.traceId).toBe('8f05a04b6429aadf0e1ab48acd8fb1ed');
    expect(log!.record.spanId).toBe('6adf3d715c3fc684');
    // Float seconds rebased, to the microsecond.
    expect(log!.record.timeUnixNano).toBe(`${(T0 + SHIFT) / 1000}253398000`);
    expect(log!.attributes).toMatchObject({
      'exception.type': 'django.core.exceptions.ImproperlyConfigured',
      'exception.message': 'Set the POSTGRES_DATABASE_URL environment variable',
      'http.route': '/users/{id}',
      'http.request.method': 'GET',
      'http.response.status_code': 503,
      'user.id': 'u-8873',
      'log.record.uid': 'se-1',
    });
    expect(log!.attributes['exception.stacktrace']).toBe(
      [
        'Traceback (most recent call last):',
        '  File "django/core/handlers/base.py", line 197, in _get_response',
        '  File "/app/users/views.py", line 241, in get_user',
        'django.core.exceptions.ImproperlyConfigured: Set the POSTGRES_DATABASE_URL environment variable',
      ].join('\n'),
    );
    expect(log!.resource).toMatchObject({
      'service.name': 'user-service',
      'service.version': '2026.11.24-1256',
      'deployment.environment.name': 'production',
      'k8s.pod.name': 'user-service-f8mljqwxdq-k9hp2',
      'k8s.node.name': 'ip-10-0-3-92.ec2.internal',
      'k8s.namespace.name': 'shop',
      'cloud.region': 'us-east-1',
    });
  });
});

describe('metrics', () => {
  it('kubernetes_pod_metrics: pod and container metrics per the k8s conventions, over the rebased window', async () => {
    const { metrics } = await send([podMetrics('kp-1', { restarts: 2 })]);
    const all = flatMetrics(metrics);
    const byName = new Map(all.map((m) => [m.metric.name, m]));
    const end = Date.parse('2026-11-24T14:00:00Z') + SHIFT;
    const cpu = byName.get('k8s.pod.cpu.usage')!;
    expect(cpu.metric.unit).toBe('{cpu}');
    expect(pointsOf(cpu.metric)[0]).toMatchObject({ asDouble: 0.10974558 });
    expect(nanosToMs(pointsOf(cpu.metric)[0]!.timeUnixNano)).toBe(end);
    expect(nanosToMs(pointsOf(cpu.metric)[0]!.startTimeUnixNano)).toBe(end - 60_000);
    expect(cpu.resource).toMatchObject({ 'k8s.pod.name': 'api-gateway-dkc4m2z4t6-ztkqs', 'k8s.namespace.name': 'shop', 'k8s.deployment.name': 'api-gateway', 'service.name': 'api-gateway' });
    expect(cpu.resource['k8s.container.name']).toBeUndefined();
    const memory = byName.get('k8s.pod.memory.working_set')!;
    expect(memory.metric.sum!.aggregationTemporality).toBe(2);
    expect(memory.metric.sum!.isMonotonic ?? false).toBe(false);
    expect(valueOf(pointsOf(memory.metric)[0]!)).toBe(127593 * 1024);
    const restarts = byName.get('k8s.container.restart.count')!;
    expect(valueOf(pointsOf(restarts.metric)[0]!)).toBe(2);
    expect(restarts.resource).toMatchObject({ 'k8s.container.name': 'api-gateway', 'container.id': '7692bf8e82ddb3ad4593d34cbacfcf433501fbb0ef7157b68fcf25b3ac6cfca7', 'container.image.tags': ['2026.11.20-2105'] });
    const throttled = byName.get('container.cpu.cfs.throttled_periods')!;
    expect(throttled.metric.sum).toMatchObject({ aggregationTemporality: 1, isMonotonic: true });
    expect(valueOf(pointsOf(throttled.metric)[0]!)).toBe(12);
    expect(valueOf(pointsOf(byName.get('container.cpu.cfs.periods')!.metric)[0]!)).toBe(600);
    expect(valueOf(pointsOf(byName.get('k8s.container.ready')!.metric)[0]!)).toBe(1);
    expect(all.every((m) => m.scope === 'obsynth/kubernetes')).toBe(true);
  });

  it('kubernetes_node_metrics: node usage, filesystem and every condition pair', async () => {
    const all = flatMetrics((await send([nodeMetrics('kn-1')])).metrics);
    const byName = new Map(all.map((m) => [m.metric.name, m]));
    expect(valueOf(pointsOf(byName.get('k8s.node.cpu.usage')!.metric)[0]!)).toBeCloseTo(0.894824318, 9);
    expect(valueOf(pointsOf(byName.get('k8s.node.filesystem.usage')!.metric)[0]!)).toBe(43724344864);
    const conditions = pointsOf(byName.get('k8s.node.condition.status')!.metric).map((p) => [attrs(p.attributes)['k8s.node.condition.type'], attrs(p.attributes)['k8s.node.condition.status'], valueOf(p)]);
    expect(conditions).toEqual([
      ['MemoryPressure', 'true', 0],
      ['MemoryPressure', 'false', 1],
      ['MemoryPressure', 'unknown', 0],
      ['Ready', 'true', 1],
      ['Ready', 'false', 0],
      ['Ready', 'unknown', 0],
    ]);
    expect(byName.get('k8s.node.cpu.usage')!.resource).toMatchObject({ 'k8s.node.name': 'ip-10-0-1-17.ec2.internal', 'host.type': 'm6i.xlarge', 'cloud.availability_zone': 'us-east-1a', 'cloud.region': 'us-east-1' });
  });

  it('cloudwatch_metric: one gauge per datum named from Namespace+MetricName, dimensions as attributes; statistic sets as average + statistics', async () => {
    const all = flatMetrics((await send([cloudwatchMetric('cm-1'), cloudwatchMetric('cm-2', 'stats')])).metrics);
    const byName = new Map(all.map((m) => [m.metric.name, m]));
    const count = byName.get('aws.applicationelb.http_code_target_5xx_count')!;
    expect(count.metric.unit).toBe('{count}');
    expect(pointsOf(count.metric)[0]).toMatchObject({ asDouble: 13 });
    expect(attrs(pointsOf(count.metric)[0]!.attributes)).toEqual({ LoadBalancer: 'app/shop-prod-alb/0c43660640c5f6a8' });
    expect(nanosToMs(pointsOf(count.metric)[0]!.timeUnixNano)).toBe(Date.parse('2026-11-24T14:00:00Z') + SHIFT);
    expect(count.resource).toMatchObject({ 'service.name': 'shop-prod-alb', 'cloud.provider': 'aws' });
    const avg = byName.get('aws.applicationelb.target_response_time')!;
    expect(avg.metric.unit).toBe('s');
    expect(valueOf(pointsOf(avg.metric)[0]!)).toBeCloseTo(520.75 / 8044, 12);
    expect(valueOf(pointsOf(byName.get('aws.applicationelb.target_response_time.sample_count')!.metric)[0]!)).toBe(8044);
    expect(valueOf(pointsOf(byName.get('aws.applicationelb.target_response_time.sum')!.metric)[0]!)).toBe(520.75);
    expect(valueOf(pointsOf(byName.get('aws.applicationelb.target_response_time.minimum')!.metric)[0]!)).toBe(0.00057);
    expect(valueOf(pointsOf(byName.get('aws.applicationelb.target_response_time.maximum')!.metric)[0]!)).toBe(2.5);
    // Both datums share one resource: one resourceMetrics.
    expect(new Set(all.map((m) => m.resource['service.name']))).toEqual(new Set(['shop-prod-alb']));
  });

  it('grafana_series: gauges named by __name__ with labels; *_total as a cumulative monotonic sum keeping its start', async () => {
    const t = T0 / 1000;
    const all = flatMetrics(
      (
        await send([
          grafanaSeries('g-1', 'service:http_requests:rate1m', '126.281507', t),
          grafanaSeries('g-2', 'kube_pod_container_status_restarts_total', '1', t),
          grafanaSeries('g-3', 'kube_pod_container_status_restarts_total', '3', t + 60),
        ])
      ).metrics,
    );
    const rate = all.find((m) => m.metric.name === 'service:http_requests:rate1m')!;
    expect(rate.metric.gauge!.dataPoints[0]).toMatchObject({ asDouble: 126.281507 });
    expect(attrs(rate.metric.gauge!.dataPoints[0]!.attributes)).toEqual({ service: 'api-gateway', namespace: 'shop' });
    expect(nanosToMs(rate.metric.gauge!.dataPoints[0]!.timeUnixNano)).toBe(T0 + SHIFT);
    const total = all.find((m) => m.metric.name === 'kube_pod_container_status_restarts_total')!;
    expect(total.metric.sum).toMatchObject({ isMonotonic: true, aggregationTemporality: 2 });
    const points = total.metric.sum!.dataPoints;
    expect(points.map((p) => valueOf(p))).toEqual([1, 3]);
    expect(points.map((p) => nanosToMs(p.startTimeUnixNano))).toEqual([T0 + SHIFT, T0 + SHIFT]);
    expect(points.map((p) => nanosToMs(p.timeUnixNano))).toEqual([T0 + SHIFT, T0 + SHIFT + 60_000]);
    expect(all.every((m) => m.scope === 'obsynth/grafana')).toBe(true);
  });

  it('NaN and Inf values go out in protobuf; OTLP/JSON cannot carry them, so those records are rejected, not zeroed', async () => {
    const json = sink();
    const batch = [replay(grafanaSeries('g-nan', 'up', 'NaN')), replay(grafanaSeries('g-ok', 'up', '1'))];
    const result = await json.write(batch);
    await json.close();
    expect(result).toEqual({ status: 'success', rejected: [{ seq: batch[0]!.seq, reason: expect.stringMatching(/NaN or Inf cannot be sent as OTLP\/JSON/) }] });
    const points = flatMetrics(server.requests.map((r) => jsonBody<JsonMetricsRequest>(r))).flatMap((m) => pointsOf(m.metric));
    expect(points.map((p) => valueOf(p))).toEqual([1]);
    server.requests.length = 0;
    const protobuf = new OtlpSink('otlp', resolveOtlpSettings({ type: 'otlp', endpoint: server.url }, {}), OTLP_KINDS, { clock: fixedClock(), timeoutMs: 5000 });
    expect(await protobuf.write([replay(grafanaSeries('g-inf', 'up', '+Inf'))])).toEqual({ status: 'success' });
    await protobuf.close();
    // A double +Inf: 0x7FF0000000000000, little-endian.
    expect(server.requests[0]!.body.includes(Buffer.from([0, 0, 0, 0, 0, 0, 0xf0, 0x7f]))).toBe(true);
  });

  it('sends one request per signal for a batch of many resources and both signals', async () => {
    const { logs, metrics } = await send([kubernetesLog('a', 'level=INFO msg=1'), podMetrics('p'), nodeMetrics('n'), cloudwatchMetric('c'), grafanaSeries('g', 'up', '1'), sentryError('s')]);
    expect(logs).toHaveLength(1);
    expect(metrics).toHaveLength(1);
    // pod, its container, the node, the ALB, the Grafana series' service
    expect(metrics[0]!.resourceMetrics).toHaveLength(5);
    expect(logs[0]!.resourceLogs).toHaveLength(2);
  });
});

describe('protobuf encoding (the default)', () => {
  it('posts application/x-protobuf bodies to /v1/logs and /v1/metrics', async () => {
    const s = new OtlpSink('otlp', resolveOtlpSettings({ type: 'otlp', endpoint: server.url }, {}), OTLP_KINDS, { clock: fixedClock(), timeoutMs: 5000 });
    expect(await s.write([replay(kubernetesLog('a', 'level=INFO msg=1')), replay(podMetrics('p'))])).toEqual({ status: 'success' });
    await s.close();
    // Log requests are made on a worker thread: the two may arrive in either order.
    expect(server.requests.map((r) => [r.path, r.headers['content-type']]).sort()).toEqual([
      ['/v1/logs', 'application/x-protobuf'],
      ['/v1/metrics', 'application/x-protobuf'],
    ]);
    expect(server.requests.find((r) => r.path === '/v1/logs')!.body.includes(Buffer.from('level=INFO msg=1'))).toBe(true);
  });
});

describe('helpers', () => {
  it('names CloudWatch metrics in OTel form', () => {
    expect(cloudwatchMetricName('AWS/ApplicationELB', 'HTTPCode_Target_5XX_Count')).toBe('aws.applicationelb.http_code_target_5xx_count');
    expect(cloudwatchMetricName('AWS/RDS', 'CPUUtilization')).toBe('aws.rds.cpu_utilization');
    expect(cloudwatchMetricName('AWS/RDS', 'MaximumUsedTransactionIDs')).toBe('aws.rds.maximum_used_transaction_ids');
    expect(cloudwatchMetricName('AWS/ApplicationELB', 'ConsumedLCUs')).toBe('aws.applicationelb.consumed_lcus');
    expect(cloudwatchMetricName('AWS/S3', '4xxErrors')).toBe('aws.s3.4xx_errors');
    expect(cloudwatchMetricName('AWS/RDS', 'ReadIOPS')).toBe('aws.rds.read_iops');
    expect(cloudwatchMetricName('ContainerInsights', 'pod_cpu_utilization')).toBe('containerinsights.pod_cpu_utilization');
    expect(cloudwatchMetricName('Shop/Application', 'DBLoadCPU')).toBe('shop.application.db_load_cpu');
    expect(snakeCase('UnHealthyHostCount')).toBe('un_healthy_host_count');
    expect(cloudwatchUnit('Count/Second')).toBe('{count}/s');
    expect(cloudwatchUnit('Percent')).toBe('%');
    expect(cloudwatchUnit(undefined)).toBe('');
  });

  it('parses Kubernetes quantities and Go durations', () => {
    expect(parseQuantity('253m')).toBeCloseTo(0.253, 12);
    expect(parseQuantity('253481n')).toBeCloseTo(0.000253481, 15);
    expect(parseQuantity('312456Ki')).toBe(312456 * 1024);
    expect(parseQuantity('1.5Gi')).toBe(1.5 * 1024 ** 3);
    expect(parseQuantity('2')).toBe(2);
    expect(parseQuantity('bogus')).toBeNaN();
    expect(parseDurationMs('1m0s')).toBe(60_000);
    expect(parseDurationMs('1h30m')).toBe(5_400_000);
    expect(parseDurationMs('250ms')).toBe(250);
  });

  it('reads images, EC2 host names, workloads and times', () => {
    expect(parseImage('123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/api:1.2')).toEqual({ name: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/api', tag: '1.2', accountId: '123456789012', region: 'eu-west-1' });
    expect(parseImage('localhost:5000/app@sha256:abc')).toEqual({ name: 'localhost:5000/app', tag: undefined, accountId: undefined, region: undefined });
    expect(regionOfEc2Hostname('ip-10-0-1-2.ec2.internal')).toBe('us-east-1');
    expect(regionOfEc2Hostname('ip-10-0-1-2.eu-central-1.compute.internal')).toBe('eu-central-1');
    expect(regionOfEc2Hostname('node-1')).toBeUndefined();
    const job: ResourceAttributes = {};
    workloadAttributes('product-cache-warmup-29925480-29xcx', { 'pod-template-hash': 'job' }, job);
    expect(job).toEqual({ 'k8s.job.name': 'product-cache-warmup-29925480', 'k8s.cronjob.name': 'product-cache-warmup' });
    expect(hrTimeOfIso('2026-11-24T14:00:03.001267869Z')).toEqual([Date.UTC(2026, 10, 24, 14, 0, 3) / 1000, 1267869]);
    expect(hrTimeOfIso('2026-11-24T15:00:03.5+01:00')).toEqual([Date.UTC(2026, 10, 24, 14, 0, 3) / 1000, 500_000_000]);
    expect(hrTimeOfIso('2026-11-24T14:00:59Z')).toEqual([Date.UTC(2026, 10, 24, 14, 0, 59) / 1000, 0]);
    expect(hrTimeOfIso('2026-11-24T14:01:00.123Z')).toEqual([Date.UTC(2026, 10, 24, 14, 1, 0) / 1000, 123_000_000]);
    expect(hrTimeOfIso('2026-12-31T23:59:60.1Z')).toEqual([Date.UTC(2026, 11, 31, 23, 59, 60) / 1000, 100_000_000]);
    expect(hrTimeOfIso('2026-11-24T14:01:00.Z')).toBeUndefined();
    expect(hrTimeOfIso('2026-11-24 14:01:00Z')).toBeUndefined();
    expect(hrTimeOfIso('not a time')).toBeUndefined();
    expect(hrTimeOfSeconds(1795528917.253398)).toEqual([1795528917, 253398000]);
  });
});

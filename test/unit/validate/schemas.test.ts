// The body schemas hold the rules of the real systems: each case breaks one field of a valid
// body and expects the problem at that field's path, or expects a note instead of an error
// where the real system tolerates it.
import { describe, expect, it } from 'vitest';
import type { RecordKind } from '../../../src/model/record.js';
import { checkLabelLine, checkRecordLine } from '../../../src/validate/record-checks.js';
import { T0, validBodies } from './support/bodies.js';

type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function line(kind: RecordKind, edit: (b: Body) => void = () => undefined, envelope: Record<string, unknown> = {}): string {
  const body = validBodies()[kind] as Body;
  edit(body);
  return JSON.stringify({ id: 'r-1', kind, timestamp: T0, service: 'svc', body, ...envelope });
}

/** The paths of the problems a one-field change causes. */
function problems(kind: RecordKind, edit: (b: Body) => void, envelope?: Record<string, unknown>): string[] {
  return checkRecordLine(kind, line(kind, edit, envelope)).issues.map((i) => i.path);
}

describe('valid bodies', () => {
  it.each(Object.keys(validBodies()) as RecordKind[])('%s passes its schema', (kind) => {
    expect(checkRecordLine(kind, line(kind)).issues).toEqual([]);
  });
});

describe('envelope', () => {
  it('needs the kind of its file, whole milliseconds and a W3C trace id', () => {
    expect(problems('grafana_series', () => undefined, { kind: 'grafana_annotation' })).toEqual(['kind']);
    expect(problems('grafana_series', () => undefined, { timestamp: T0 + 0.5 })).toEqual(['timestamp']);
    expect(problems('grafana_series', () => undefined, { trace_id: '0'.repeat(32) })).toEqual(['trace_id']);
    expect(problems('grafana_series', () => undefined, { extra: 1 })).toEqual(['extra']);
  });

  it('reports a line that is not JSON at the whole line', () => {
    const r = checkRecordLine('grafana_series', '{"id":');
    expect(r.issues).toHaveLength(1);
    expect(r.issues[0]!.rule).toMatch(/^is not JSON/);
  });
});

describe('Kubernetes', () => {
  it('holds events to legacyValidateEvent / ValidateEventCreate', () => {
    expect(problems('kubernetes_event', (b) => (b.type = 'Critical'))).toEqual(['body.type']);
    expect(problems('kubernetes_event', (b) => (b.reportingInstance = 'x'.repeat(129)))).toEqual(['body.reportingInstance']);
    expect(problems('kubernetes_event', (b) => (b.note = 'é'.repeat(513)))).toEqual(['body.note']); // 1026 bytes
    expect(problems('kubernetes_event', (b) => (b.series = { count: 1, lastObservedTime: '2026-11-24T12:00:05.000000Z' }))).toEqual(['body.series.count']);
    expect(problems('kubernetes_event', (b) => (b.eventTime = '2026-11-24T12:00:00Z'))).toEqual(['body.eventTime']);
    expect(problems('kubernetes_event', (b) => delete b.eventTime)).toEqual(['body.eventTime']);
    expect(problems('kubernetes_event', (b) => (b.metadata.name = 'Bad_Name'))).toEqual(['body.metadata.name']);
    // An event about a cluster-scoped object lives in default or kube-system.
    expect(problems('kubernetes_event', (b) => delete b.regarding.namespace)).toEqual(['body.metadata.namespace']);
  });

  it('notes deprecated* fields instead of failing them', () => {
    const r = checkRecordLine('kubernetes_event', line('kubernetes_event', (b) => (b.deprecatedCount = 3)));
    expect(r.issues).toEqual([]);
    expect(r.notes.map((n) => n.hit)).toEqual([{ path: 'body.deprecatedCount', value: 3 }]);
  });

  it('holds metrics to quantities, Go durations and consistent counters', () => {
    expect(problems('kubernetes_pod_metrics', (b) => (b.containers[0].usage.memory = '12 MB'))).toEqual(['body.containers[0].usage.memory']);
    expect(problems('kubernetes_pod_metrics', (b) => (b.containers[0].cfs.throttled_periods = 601))).toEqual(['body.containers[0].cfs.throttled_periods']);
    expect(problems('kubernetes_pod_metrics', (b) => (b.window = '60 seconds'))).toEqual(['body.window']);
    expect(problems('kubernetes_node_metrics', (b) => (b.fs.usedBytes = b.fs.capacityBytes))).toEqual(['body.fs.usedBytes']);
    expect(problems('kubernetes_node_metrics', (b) => (b.conditions[0].lastTransitionTime = '2026-11-24T12:00:01Z'))).toEqual(['body.conditions[0].lastTransitionTime']);
    const r = checkRecordLine('kubernetes_pod_metrics', line('kubernetes_pod_metrics', (b) => (b.window = '60s')));
    expect(r.issues).toEqual([]);
    expect(r.notes.map((n) => n.hit.path)).toEqual(['body.window']);
  });

  it('holds log lines to the CRI format and Fluent Bit metadata', () => {
    expect(problems('kubernetes_log', (b) => (b._p = 'X'))).toEqual(['body._p']);
    expect(problems('kubernetes_log', (b) => (b.kubernetes.docker_id = 'abc'))).toEqual(['body.kubernetes.docker_id']);
    expect(problems('kubernetes_log', (b) => (b.kubernetes.labels = { 'app/': 'x' }))).toEqual(['body.kubernetes.labels.app/']);
  });
});

describe('Sentry', () => {
  it('holds events to the Relay schema and the SDK payload docs', () => {
    expect(problems('sentry_error', (b) => (b.event_id = b.event_id.toUpperCase()))).toEqual(['body.event_id']);
    expect(problems('sentry_error', (b) => (b.level = 'critical'))).toEqual(['body.level']);
    expect(problems('sentry_error', (b) => (b.exception.values[0].stacktrace.frames[0].lineno = -2))).toEqual(['body.exception.values[0].stacktrace.frames[0].lineno']);
    expect(problems('sentry_error', (b) => (b.contexts.trace.span_id = 'xyz'))).toEqual(['body.contexts.trace.span_id']);
    expect(problems('sentry_error', (b) => (b.user.ip_address = 'not-an-ip'))).toEqual(['body.user.ip_address']);
    expect(problems('sentry_error', (b) => (b.environment = 'prod env'))).toEqual(['body.environment']);
    expect(problems('sentry_error', (b) => (b.colour = 'blue'))).toEqual(['body.colour']);
  });

  it('rejects transactions Relay would drop', () => {
    expect(problems('sentry_transaction', (b) => (b.timestamp = b.start_timestamp - 1))).toEqual(['body.timestamp']);
    expect(problems('sentry_transaction', (b) => delete b.contexts.trace)).toEqual(['body.contexts.trace']);
    expect(problems('sentry_transaction', (b) => (b.spans[0].trace_id = 'a'.repeat(32)))).toEqual(['body.spans[0].trace_id']);
    expect(problems('sentry_transaction', (b) => (b.measurements['db.time'].unit = 'a-very-long-unit-name'))).toEqual(['body.measurements.db.time.unit']);
  });
});

describe('CloudWatch', () => {
  it('holds metric data to the API model', () => {
    expect(problems('cloudwatch_metric', (b) => (b.MetricData[0].Dimensions = Array.from({ length: 31 }, (_, i) => ({ Name: `d${i}`, Value: 'v' }))))).toEqual(['body.MetricData[0].Dimensions']);
    expect(problems('cloudwatch_metric', (b) => (b.MetricData[0].StorageResolution = 5))).toEqual(['body.MetricData[0].StorageResolution']);
    expect(problems('cloudwatch_metric', (b) => (b.MetricData[0].Unit = 'Secs'))).toEqual(['body.MetricData[0].Unit']);
    expect(problems('cloudwatch_metric', (b) => (b.MetricData[0].Value = 1))).toEqual(['body.MetricData[0].StatisticValues']);
    expect(problems('cloudwatch_metric', (b) => (b.MetricData[0].StatisticValues.Minimum = 1))).toEqual(['body.MetricData[0].StatisticValues.Minimum']);
    expect(problems('cloudwatch_metric', (b) => (b.Namespace = ':custom'))).toEqual(['body.Namespace']);
    expect(problems('cloudwatch_metric', (b) => (b.MetricData[0].Dimensions[0].Value = ' '))).toEqual(['body.MetricData[0].Dimensions[0].Value']);
  });

  it('holds log events to the CloudWatch Logs model and quotas', () => {
    expect(problems('cloudwatch_log', (b) => (b.logGroupName = '/aws/my group'))).toEqual(['body.logGroupName']);
    expect(problems('cloudwatch_log', (b) => (b.logStreamName = 'a:b'))).toEqual(['body.logStreamName']);
    expect(problems('cloudwatch_log', (b) => (b.logEvents[0].message = ''))).toEqual(['body.logEvents[0].message']);
    expect(problems('cloudwatch_log', (b) => (b.logEvents[0].message = 'x'.repeat(256 * 1024)))).toEqual(['body.logEvents[0].message']);
  });

  it('holds alarm state changes to the EventBridge event', () => {
    expect(problems('cloudwatch_alarm', (b) => (b.detail.state.value = 'OK'))).toEqual(['body.detail.state.value']);
    expect(problems('cloudwatch_alarm', (b) => (b.detail.alarmName = 'Other'))).toEqual(['body.resources[0]']);
    expect(problems('cloudwatch_alarm', (b) => (b.detail.configuration.metrics[0].metricStat.period = 90))).toEqual(['body.detail.configuration.metrics[0].metricStat.period']);
    expect(problems('cloudwatch_alarm', (b) => (b.detail.state.timestamp = '2026-11-24T12:00:00Z'))).toEqual(['body.detail.state.timestamp']);
  });
});

describe('Grafana', () => {
  it('holds series to Prometheus names and sample values', () => {
    expect(problems('grafana_series', (b) => (b.metric.__name__ = '1rate'))).toEqual(['body.metric.__name__']);
    expect(problems('grafana_series', (b) => (b.metric['pod-name'] = 'x'))).toEqual(['body.metric.pod-name']);
    expect(problems('grafana_series', (b) => (b.metric.__meta = 'x'))).toEqual(['body.metric.__meta']);
    expect(problems('grafana_series', (b) => (b.value = [b.value[0], 'fast']))).toEqual(['body.value[1]']);
    expect(problems('grafana_series', (b) => (b.value = [b.value[0], '+Inf']))).toEqual([]);
  });

  it('holds annotations to the HTTP API', () => {
    expect(problems('grafana_annotation', (b) => (b.text = ' '))).toEqual(['body.text']);
    expect(problems('grafana_annotation', (b) => (b.timeEnd = b.time - 1))).toEqual(['body.timeEnd']);
    expect(problems('grafana_annotation', (b) => (b.tags = ['ok', 3]))).toEqual(['body.tags[1]']);
  });
});

describe('label lines', () => {
  it('are closed objects with a phase only inside an incident', () => {
    expect(checkLabelLine('{"id":"a","anomalous":false}').issues).toEqual([]);
    expect(checkLabelLine('{"id":"a","anomalous":true,"phase":"peak"}').issues.map((i) => i.path)).toEqual(['phase']);
    expect(checkLabelLine('{"id":"a","anomalous":false,"duplicate":false}').issues.map((i) => i.path)).toEqual(['duplicate']);
    expect(checkLabelLine('{"id":"a","anomalous":false,"lateMs":5}').issues.map((i) => i.path)).toEqual(['lateMs']);
  });
});

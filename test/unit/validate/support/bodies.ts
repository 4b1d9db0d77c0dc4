// One valid body per record kind, written by hand from the published examples (Fluent Bit CRI
// output, kubectl get events -o json, metrics-server, Sentry SDK payloads, the AWS API reference
// and the EventBridge alarm example, Prometheus /api/v1/query, Grafana POST /api/annotations).
// Tests copy one and break a single field.
import type { RecordKind } from '../../../../src/model/record.js';

export const T0 = Date.UTC(2026, 10, 24, 12, 0, 0);
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = '00f067aa0ba902b7';

export function validBodies(): Record<RecordKind, Record<string, unknown>> {
  return {
    kubernetes_log: {
      time: '2026-11-24T12:00:00.029116812Z',
      stream: 'stdout',
      _p: 'F',
      log: '{"level":"info","msg":"served"}',
      kubernetes: {
        pod_name: 'product-service-5d9f7c8b6-x9rgp',
        namespace_name: 'shop',
        pod_id: 'eac2d307-fa76-46ae-a633-3e869ec7ef26',
        host: 'ip-10-0-1-84.ec2.internal',
        container_name: 'product-service',
        docker_id: '9e690a860d72643f28a6de496ef29cb03a5d99d83d4d246210d26df26b71033d',
        container_image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/shop/product-service:1.2.3',
        labels: { app: 'product-service', 'pod-template-hash': '5d9f7c8b6' },
      },
    },
    kubernetes_event: {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name: 'product-service-5d9f7c8b6-x9rgp.18eaf961d28f3000', namespace: 'shop', uid: 'f7c344f7-b0b0-434b-9e78-b186274fed38', resourceVersion: '995521600', creationTimestamp: '2026-11-24T12:00:00Z' },
      eventTime: '2026-11-24T12:00:00.000102Z',
      reportingController: 'kubelet',
      reportingInstance: 'ip-10-0-1-84.ec2.internal',
      action: 'Pulling',
      reason: 'Pulling',
      regarding: { kind: 'Pod', namespace: 'shop', name: 'product-service-5d9f7c8b6-x9rgp', uid: 'eac2d307-fa76-46ae-a633-3e869ec7ef26', apiVersion: 'v1', fieldPath: 'spec.containers{product-service}' },
      note: 'Pulling image "shop/product-service:1.2.3"',
      type: 'Normal',
    },
    kubernetes_pod_metrics: {
      apiVersion: 'metrics.k8s.io/v1beta1',
      kind: 'PodMetrics',
      metadata: { name: 'api-gateway-dkc4m2z4t6-ztkqs', namespace: 'shop', creationTimestamp: '2026-11-24T12:00:00Z', labels: { app: 'api-gateway' } },
      timestamp: '2026-11-24T12:00:00Z',
      window: '1m0s',
      containers: [{ name: 'api-gateway', usage: { cpu: '75562074n', memory: '142181Ki' }, cfs: { periods: 600, throttled_periods: 3 } }],
      containerStatuses: [{ name: 'api-gateway', ready: true, started: true, restartCount: 1, image: 'shop/api-gateway:1.0', containerID: 'containerd://7692bf8e82ddb3ad4593d34cbacfcf433501fbb0ef7157b68fcf25b3ac6cfca7', lastState: { terminated: { exitCode: 137, reason: 'OOMKilled', startedAt: '2026-11-24T10:00:00Z', finishedAt: '2026-11-24T11:00:00Z' } } }],
    },
    kubernetes_node_metrics: {
      apiVersion: 'metrics.k8s.io/v1beta1',
      kind: 'NodeMetrics',
      metadata: { name: 'ip-10-0-1-17.ec2.internal', creationTimestamp: '2026-11-24T12:00:00Z', labels: { 'kubernetes.io/hostname': 'ip-10-0-1-17.ec2.internal' } },
      timestamp: '2026-11-24T12:00:00Z',
      window: '20.048s',
      usage: { cpu: '839240252n', memory: '3496354Ki' },
      fs: { capacityBytes: 107374182400, usedBytes: 43348289115, availableBytes: 64025893285 },
      conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: '2026-11-24T12:00:00Z', lastTransitionTime: '2026-01-03T09:00:00Z' }],
    },
    sentry_error: {
      event_id: '22c96121370341630ed0d92e78660d93',
      timestamp: T0 / 1000 + 0.5,
      platform: 'node',
      level: 'error',
      release: 'notification-service@2026.11.24',
      environment: 'production',
      exception: { values: [{ type: 'Error', value: 'certificate has expired', mechanism: { type: 'generic', handled: true }, stacktrace: { frames: [{ filename: 'node:_tls_wrap', function: 'TLSSocket.onConnectSecure', lineno: 1674, colno: 34, in_app: false }] } }] },
      breadcrumbs: [{ type: 'http', category: 'http', level: 'info', timestamp: T0 / 1000 + 0.4, data: { method: 'POST', status_code: 200 } }],
      contexts: { trace: { trace_id: TRACE, span_id: SPAN, op: 'queue.process', status: 'internal_error' }, runtime: { name: 'node', version: 'v20.18.1' } },
      tags: { service: 'notification-service' },
      user: { id: 'u-12912', ip_address: '10.0.0.1' },
      sdk: { name: 'sentry.javascript.node', version: '10.0.0' },
    },
    sentry_transaction: {
      type: 'transaction',
      event_id: '715e21571ea48b9e9b15701b0053b099',
      platform: 'java',
      transaction: 'POST /orders',
      transaction_info: { source: 'route' },
      start_timestamp: T0 / 1000 + 0.25,
      timestamp: T0 / 1000 + 0.75,
      contexts: { trace: { trace_id: TRACE, span_id: SPAN, op: 'http.server', status: 'ok' } },
      spans: [{ span_id: '01eb8fe0cb15ead9', parent_span_id: SPAN, trace_id: TRACE, op: 'db.sql.query', description: 'select 1', start_timestamp: T0 / 1000 + 0.3, timestamp: T0 / 1000 + 0.4, status: 'ok' }],
      measurements: { 'db.time': { value: 100, unit: 'millisecond' } },
      request: { method: 'POST', url: 'http://order-service:8080/orders', headers: { Host: 'order-service:8080' } },
    },
    cloudwatch_metric: {
      Namespace: 'AWS/ApplicationELB',
      MetricData: [{ MetricName: 'TargetResponseTime', Dimensions: [{ Name: 'LoadBalancer', Value: 'app/shop-alb/50dc6c495c0c9188' }], Timestamp: '2026-11-24T12:00:00Z', StatisticValues: { SampleCount: 10, Sum: 1.5, Minimum: 0.05, Maximum: 0.4 }, Unit: 'Seconds', StorageResolution: 60 }],
    },
    cloudwatch_log: { logGroupName: '/aws/rds/instance/shop-db/postgresql', logStreamName: 'shop-db.0', logEvents: [{ timestamp: T0, message: '2026-11-24 12:00:00 UTC::@:[1]:LOG:  checkpoint starting: time' }] },
    cloudwatch_alarm: {
      version: '0',
      id: 'c4c1c1c9-6542-e61b-6ef0-8c4d36933a92',
      'detail-type': 'CloudWatch Alarm State Change',
      source: 'aws.cloudwatch',
      account: '123456789012',
      time: '2026-11-24T12:00:00Z',
      region: 'us-east-1',
      resources: ['arn:aws:cloudwatch:us-east-1:123456789012:alarm:ServerCpuTooHigh'],
      detail: {
        alarmName: 'ServerCpuTooHigh',
        configuration: { description: 'CPU too high', metrics: [{ id: '30b6c6b2-a864-43a2-4877-c09a1afc3b87', metricStat: { metric: { dimensions: { DBInstanceIdentifier: 'shop-db' }, name: 'CPUUtilization', namespace: 'AWS/RDS' }, period: 300, stat: 'Average' }, returnData: true }] },
        previousState: { reason: 'Threshold Crossed: 1 datapoint [0.0 (24/11/26 11:50:00)] was not greater than the threshold (50.0).', reasonData: '{"version":"1.0"}', timestamp: '2026-11-24T11:55:00.000+0000', value: 'OK' },
        state: { reason: 'Threshold Crossed: 1 datapoint [99.5 (24/11/26 11:55:00)] was greater than the threshold (50.0).', reasonData: '{"version":"1.0"}', timestamp: '2026-11-24T12:00:00.000+0000', value: 'ALARM' },
      },
    },
    grafana_series: { metric: { __name__: 'service:http_requests:rate1m', service: 'api-gateway', namespace: 'shop' }, value: [T0 / 1000, '70.061036'] },
    grafana_annotation: { dashboardUID: 'obsynth-service-overview', panelId: 2, time: T0, timeEnd: T0 + 60_000, tags: ['deploy', 'service:api-gateway'], text: 'Deployed api-gateway 1.2.3' },
  };
}

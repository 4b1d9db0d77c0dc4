// Small hand-made records in each source's native shape (as the generators write them).
import type { FileRecord } from '../../../../src/model/record.js';

export const T0 = Date.UTC(2026, 10, 24, 14, 0, 0);

export function k8sLog(ms: number, log: string, opts: { service?: string; pod?: string; nanos?: string; traceId?: string; namespace?: string } = {}): FileRecord {
  const iso = new Date(ms).toISOString().replace(/\.\d{3}Z$/, `.${String(ms % 1000).padStart(3, '0')}${opts.nanos ?? '000000'}Z`);
  return {
    id: `kl-${ms}-${log.length}`,
    kind: 'kubernetes_log',
    timestamp: ms,
    service: opts.service ?? 'api-gateway',
    ...(opts.traceId ? { trace_id: opts.traceId } : {}),
    body: {
      time: iso,
      stream: 'stdout',
      _p: 'F',
      log,
      kubernetes: {
        pod_name: opts.pod ?? 'api-gateway-n5lgkgjpff-vcmb7',
        namespace_name: opts.namespace ?? 'shop',
        pod_id: 'dc256db8-23fc-4329-a53e-99050db15106',
        host: 'ip-10-0-2-36.ec2.internal',
        container_name: opts.service ?? 'api-gateway',
        docker_id: 'd13d42f9',
        container_image: 'registry/shop/api-gateway:1',
      },
    },
  };
}

export function cwLog(ms: number, messages: string[]): FileRecord {
  return {
    id: `cl-${ms}`,
    kind: 'cloudwatch_log',
    timestamp: ms,
    service: 'shop-prod-postgres',
    body: {
      logGroupName: '/aws/rds/instance/shop-prod-postgres/postgresql',
      logStreamName: 'shop-prod-postgres',
      logEvents: messages.map((message, i) => ({ timestamp: ms + i, message })),
    },
  };
}

export function sentryError(ms: number): FileRecord {
  return {
    id: `se-${ms}`,
    kind: 'sentry_error',
    timestamp: ms,
    service: 'api-gateway',
    trace_id: 'ec2264fe7e97de54e0a1106de3163f77',
    body: {
      type: undefined,
      event_id: '4b7da9697ebd8d6deba976793bc8ddab',
      timestamp: ms / 1000 + 0.000734,
      platform: 'go',
      level: 'error',
      release: 'api-gateway@2026.11.23-1803',
      environment: 'production',
      transaction: 'GET /api/products',
      exception: { values: [{ type: '*json.UnmarshalTypeError', value: 'json: cannot unmarshal string into Go struct field Product.price of type float64' }] },
      contexts: { trace: { trace_id: 'ec2264fe7e97de54e0a1106de3163f77', span_id: '01cf6abc2a5a9dd9' } },
      tags: { service: 'api-gateway', pod: 'api-gateway-n5lgkgjpff-w6fnq', node: 'ip-10-0-2-151.ec2.internal', namespace: 'shop' },
    },
  } as FileRecord;
}

export function k8sEvent(ms: number, type: 'Normal' | 'Warning' = 'Warning'): FileRecord {
  const iso = new Date(ms).toISOString().replace(/Z$/, '655Z');
  return {
    id: `ke-${ms}`,
    kind: 'kubernetes_event',
    timestamp: ms,
    service: 'checkout-service',
    body: {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name: 'checkout-7d9.18eaffee', namespace: 'shop', creationTimestamp: new Date(ms).toISOString().replace(/\.\d{3}/, '') },
      eventTime: iso,
      reportingController: 'kubelet',
      reportingInstance: 'ip-10-0-1-17.ec2.internal',
      action: 'BackOff',
      reason: 'BackOff',
      regarding: { kind: 'Pod', name: 'checkout-7d9-xk2p', namespace: 'shop', apiVersion: 'v1' },
      note: 'Back-off restarting failed container checkout in pod checkout-7d9-xk2p',
      type,
      deprecatedSource: { component: 'kubelet', host: 'ip-10-0-1-17.ec2.internal' },
      deprecatedCount: 3,
    },
  };
}

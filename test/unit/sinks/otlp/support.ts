// Fixtures for the otlp sink tests: one record of each kind in its native shape (as the
// generators write them), a loopback capture server that stands in for an OTLP receiver and
// answers what a test scripts, and helpers to read OTLP/JSON requests.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import type { FileRecord } from '../../../../src/model/record.js';
import type { ReplayRecord } from '../../../../src/sinks/sink.js';
import type { Clock } from '../../../../src/time/clock.js';

export const T0 = Date.UTC(2026, 10, 24, 14, 0, 3); // 2026-11-24T14:00:03Z
export const SHIFT = 5 * 86_400_000; // five days later, whole seconds
export const TRACE = '39a7380c692b12ba5aa2efdd48024f9f';
export const SPAN = '97b3f9f4904eacf0';

const k8s = {
  pod_name: 'user-service-f8mljqwxdq-zrm4j',
  namespace_name: 'shop',
  pod_id: '41f3b4e9-bf6c-4f00-a8a9-eef4d70bbb8f',
  host: 'ip-10-0-2-36.ec2.internal',
  container_name: 'user-service',
  docker_id: '5085c98fdfae9268f7778109b1d3cec97b5a6bda1eb45656c01f2dc71e299eb6',
  container_image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/shop/user-service:2026.11.24-1256',
  labels: { app: 'user-service', 'pod-template-hash': 'f8mljqwxdq' },
};

export function kubernetesLog(id: string, log: string, options: { traceId?: string; pod?: Partial<typeof k8s>; ms?: number; stream?: 'stdout' | 'stderr' } = {}): FileRecord {
  const ms = options.ms ?? 1;
  return {
    id,
    kind: 'kubernetes_log',
    timestamp: T0 + ms,
    service: 'user-service',
    ...(options.traceId ? { trace_id: options.traceId } : {}),
    body: {
      time: `2026-11-24T14:00:03.${String(ms).padStart(3, '0')}267869Z`,
      stream: options.stream ?? 'stderr',
      _p: 'F',
      log,
      kubernetes: { ...k8s, ...options.pod },
    },
  };
}

export function cloudwatchLog(id: string): FileRecord {
  return {
    id,
    kind: 'cloudwatch_log',
    timestamp: T0 + 20,
    service: 'shop-prod-postgres',
    body: {
      logGroupName: '/aws/rds/instance/shop-prod-postgres/postgresql',
      logStreamName: 'shop-prod-postgres',
      logEvents: [{ timestamp: T0 + 20, message: '2026-11-24 14:00:03 UTC:10.0.20.52(53170):payment_service@shop:[33482]:ERROR:  deadlock detected' }],
    },
  };
}

export function sentryError(id: string): FileRecord {
  return {
    id,
    kind: 'sentry_error',
    timestamp: T0 + 253,
    service: 'user-service',
    trace_id: '8f05a04b6429aadf0e1ab48acd8fb1ed',
    body: {
      type: undefined,
      event_id: '271d48fb7b055a7ea67d6d6f6f93207a',
      timestamp: (T0 + 253) / 1000 + 0.000398,
      platform: 'python',
      level: 'error',
      server_name: 'user-service-f8mljqwxdq-k9hp2',
      release: 'user-service@2026.11.24-1256',
      environment: 'production',
      transaction: 'GET /users/{id}',
      exception: {
        values: [
          {
            type: 'ImproperlyConfigured',
            value: 'Set the POSTGRES_DATABASE_URL environment variable',
            module: 'django.core.exceptions',
            stacktrace: {
              frames: [
                { module: 'django.core.handlers.base', function: '_get_response', filename: 'django/core/handlers/base.py', lineno: 197, in_app: false },
                { module: 'users.views', function: 'get_user', filename: 'users/views.py', abs_path: '/app/users/views.py', lineno: 241, in_app: true },
              ],
            },
          },
        ],
      },
      contexts: { trace: { trace_id: '8f05a04b6429aadf0e1ab48acd8fb1ed', span_id: '6adf3d715c3fc684' } },
      tags: { pod: 'user-service-f8mljqwxdq-k9hp2', node: 'ip-10-0-3-92.ec2.internal', namespace: 'shop', route: 'GET /users/{id}', 'http.status_code': '503' },
      user: { id: 'u-8873' },
      request: { method: 'GET', url: 'http://user-service:8080/users/139236' },
    },
  };
}

export function podMetrics(id: string, options: { restarts?: number; minute?: number } = {}): FileRecord {
  const minute = options.minute ?? 0;
  const at = `2026-11-24T14:0${minute}:00Z`;
  return {
    id,
    kind: 'kubernetes_pod_metrics',
    timestamp: Date.parse(at),
    service: 'api-gateway',
    body: {
      apiVersion: 'metrics.k8s.io/v1beta1',
      kind: 'PodMetrics',
      metadata: { name: 'api-gateway-dkc4m2z4t6-ztkqs', namespace: 'shop', creationTimestamp: at, labels: { app: 'api-gateway', 'pod-template-hash': 'dkc4m2z4t6' } },
      timestamp: at,
      window: '1m0s',
      containers: [{ name: 'api-gateway', usage: { cpu: '109745580n', memory: '127593Ki' }, cfs: { periods: 600, throttled_periods: 12 } }],
      containerStatuses: [
        {
          name: 'api-gateway',
          ready: true,
          started: true,
          restartCount: options.restarts ?? 0,
          image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/shop/api-gateway:2026.11.20-2105',
          containerID: 'containerd://7692bf8e82ddb3ad4593d34cbacfcf433501fbb0ef7157b68fcf25b3ac6cfca7',
          lastState: {},
        },
      ],
    },
  };
}

export function nodeMetrics(id: string): FileRecord {
  const at = '2026-11-24T14:00:00Z';
  return {
    id,
    kind: 'kubernetes_node_metrics',
    timestamp: Date.parse(at),
    service: 'ip-10-0-1-17.ec2.internal',
    body: {
      apiVersion: 'metrics.k8s.io/v1beta1',
      kind: 'NodeMetrics',
      metadata: { name: 'ip-10-0-1-17.ec2.internal', creationTimestamp: at, labels: { 'node.kubernetes.io/instance-type': 'm6i.xlarge', 'topology.kubernetes.io/zone': 'us-east-1a' } },
      timestamp: at,
      window: '1m0s',
      usage: { cpu: '894824318n', memory: '2786891Ki' },
      fs: { capacityBytes: 107374182400, usedBytes: 43724344864, availableBytes: 63649837536 },
      conditions: [
        { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory' },
        { type: 'Ready', status: 'True', reason: 'KubeletReady' },
      ],
    },
  };
}

export function cloudwatchMetric(id: string, datum: 'value' | 'stats' = 'value'): FileRecord {
  const at = '2026-11-24T14:00:00Z';
  const base = { Dimensions: [{ Name: 'LoadBalancer', Value: 'app/shop-prod-alb/0c43660640c5f6a8' }], Timestamp: at, StorageResolution: 60 };
  return {
    id,
    kind: 'cloudwatch_metric',
    timestamp: Date.parse(at),
    service: 'shop-prod-alb',
    body: {
      Namespace: 'AWS/ApplicationELB',
      MetricData: [
        datum === 'value'
          ? { ...base, MetricName: 'HTTPCode_Target_5XX_Count', Value: 13, Unit: 'Count' }
          : { ...base, MetricName: 'TargetResponseTime', StatisticValues: { SampleCount: 8044, Sum: 520.75, Minimum: 0.00057, Maximum: 2.5 }, Unit: 'Seconds' },
      ],
    },
  };
}

export function grafanaSeries(id: string, name: string, value: string, seconds = T0 / 1000): FileRecord {
  return {
    id,
    kind: 'grafana_series',
    timestamp: seconds * 1000,
    service: 'api-gateway',
    body: { metric: { __name__: name, service: 'api-gateway', namespace: 'shop' }, value: [seconds, value] },
  };
}

let seq = 0;
export function replay(record: FileRecord, shiftMs = SHIFT): ReplayRecord {
  return { seq: ++seq, record, time: record.timestamp + shiftMs, shiftMs };
}

export const fixedClock = (now = T0 + SHIFT): Clock => ({ now: () => now, monotonic: () => 0, sleep: async () => undefined });

// ---- OTLP/JSON request shapes -----------------------------------------------------------------

export interface KeyValue {
  key: string;
  value: AnyValue;
}
export interface AnyValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
  arrayValue?: { values: AnyValue[] };
}
export interface JsonLogRecord {
  timeUnixNano: string;
  observedTimeUnixNano: string;
  severityNumber?: number;
  severityText?: string;
  body?: AnyValue;
  attributes?: KeyValue[];
  traceId?: string;
  spanId?: string;
  flags?: number;
}
export interface JsonLogsRequest {
  resourceLogs?: Array<{ resource: { attributes: KeyValue[] }; scopeLogs: Array<{ scope: { name: string }; logRecords: JsonLogRecord[] }> }>;
}
export interface JsonDataPoint {
  attributes?: KeyValue[];
  startTimeUnixNano: string;
  timeUnixNano: string;
  asDouble?: number;
  asInt?: string | number;
}
export interface JsonMetric {
  name: string;
  unit?: string;
  gauge?: { dataPoints: JsonDataPoint[] };
  sum?: { dataPoints: JsonDataPoint[]; aggregationTemporality: number; isMonotonic?: boolean };
}
export interface JsonMetricsRequest {
  resourceMetrics?: Array<{ resource: { attributes: KeyValue[] }; scopeMetrics: Array<{ scope: { name: string }; metrics: JsonMetric[] }> }>;
}

export function attrs(list: KeyValue[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const { key, value } of list ?? []) out[key] = plain(value);
  return out;
}

function plain(v: AnyValue): unknown {
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.arrayValue) return v.arrayValue.values.map(plain);
  return undefined;
}

export const nanosToMs = (n: string): number => Number(BigInt(n) / 1_000_000n);

// ---- Capture server -----------------------------------------------------------------------------

export interface CapturedRequest {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** The body, un-gzipped. */
  readonly body: Buffer;
}

export interface Answer {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: string | Uint8Array;
  /** Destroy the connection instead of answering. */
  readonly drop?: boolean;
  /** Wait this long before answering. */
  readonly delayMs?: number;
}

export interface CaptureServer {
  readonly url: string;
  readonly requests: CapturedRequest[];
  close(): Promise<void>;
}

/**
 * A loopback HTTP server that captures what an OTLP exporter posts and answers what the test
 * scripts (a stand-in receiver for classification tests; the real Collector is used in
 * test/integration/otlp.test.ts).
 */
export async function startCaptureServer(answer: (req: CapturedRequest, n: number) => Answer = () => ({ status: 200 })): Promise<CaptureServer> {
  const requests: CapturedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const body = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
      const captured = { path: req.url ?? '', headers: req.headers, body };
      requests.push(captured);
      const a = answer(captured, requests.length);
      const respond = () => {
        if (a.drop) {
          req.socket.destroy();
          return;
        }
        res.writeHead(a.status, a.headers ?? {}).end(a.body ?? '');
      };
      if (a.delayMs) setTimeout(respond, a.delayMs);
      else respond();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function jsonBody<T>(req: CapturedRequest): T {
  return JSON.parse(req.body.toString('utf8')) as T;
}

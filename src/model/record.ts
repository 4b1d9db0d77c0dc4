// What generators produce and sinks consume: one record per thing a real system emits or
// stores, in that system's own shape (`body`), inside a small envelope every sink needs.
// Bodies are typed with the official packages' own types where they exist, converted to their
// wire form (dates become strings), so the compiler holds us to the real shape.
import type { MetricDatum, PutMetricAlarmInput } from '@aws-sdk/client-cloudwatch';
import type { PutLogEventsRequest } from '@aws-sdk/client-cloudwatch-logs';
import type { EventsV1Event, V1ContainerStatus, V1NodeCondition, V1ObjectMeta } from '@kubernetes/client-node';
import type { ErrorEvent, TransactionEvent } from '@sentry/core';

/** An API object as JSON carries it: Date fields are RFC 3339 strings, nothing else changes. */
export type Wire<T> = T extends Date
  ? string
  : T extends readonly (infer U)[]
    ? Wire<U>[]
    : T extends object
      ? { [K in keyof T]: Wire<T[K]> }
      : T;

export const RECORD_KINDS = [
  'kubernetes_log',
  'kubernetes_event',
  'kubernetes_pod_metrics',
  'kubernetes_node_metrics',
  'sentry_error',
  'sentry_transaction',
  'cloudwatch_metric',
  'cloudwatch_log',
  'cloudwatch_alarm',
  'grafana_series',
  'grafana_annotation',
] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

export type Source = 'kubernetes' | 'sentry' | 'cloudwatch' | 'grafana';

export const KIND_SOURCE: Readonly<Record<RecordKind, Source>> = {
  kubernetes_log: 'kubernetes',
  kubernetes_event: 'kubernetes',
  kubernetes_pod_metrics: 'kubernetes',
  kubernetes_node_metrics: 'kubernetes',
  sentry_error: 'sentry',
  sentry_transaction: 'sentry',
  cloudwatch_metric: 'cloudwatch',
  cloudwatch_log: 'cloudwatch',
  cloudwatch_alarm: 'cloudwatch',
  grafana_series: 'grafana',
  grafana_annotation: 'grafana',
};

/** File name of each kind inside its source folder. */
export const KIND_FILE: Readonly<Record<RecordKind, string>> = {
  kubernetes_log: 'container_logs',
  kubernetes_event: 'events',
  kubernetes_pod_metrics: 'pod_metrics',
  kubernetes_node_metrics: 'node_metrics',
  sentry_error: 'errors',
  sentry_transaction: 'transactions',
  cloudwatch_metric: 'metrics',
  cloudwatch_log: 'logs',
  cloudwatch_alarm: 'alarm_state_changes',
  grafana_series: 'panel_series',
  grafana_annotation: 'annotations',
};

// ---- Kubernetes -------------------------------------------------------------------------------

/** A container log line as Fluent Bit's tail (CRI parser) + kubernetes filter emit it. */
export interface KubernetesLogBody {
  /** CRI timestamp written by the container runtime (RFC 3339, nanoseconds). */
  time: string;
  stream: 'stdout' | 'stderr';
  /** CRI log tag: F = full line, P = partial. */
  _p: 'F' | 'P';
  /** The line exactly as the application printed it (JSON, logfmt, plain or klog). */
  log: string;
  kubernetes: {
    pod_name: string;
    namespace_name: string;
    pod_id: string;
    host: string;
    container_name: string;
    docker_id: string;
    container_hash?: string;
    container_image: string;
    labels?: Record<string, string>;
  };
}

/** An events.k8s.io/v1 Event as the API server stores and serves it. */
export type KubernetesEventBody = Wire<EventsV1Event>;

/** PodMetrics as metrics-server serves it (metrics.k8s.io/v1beta1), joined with the pod's
 * container statuses and the CFS counters cAdvisor reported over the same window. */
export interface KubernetesPodMetricsBody {
  apiVersion: 'metrics.k8s.io/v1beta1';
  kind: 'PodMetrics';
  metadata: Wire<Pick<V1ObjectMeta, 'name' | 'namespace' | 'creationTimestamp' | 'labels'>>;
  timestamp: string;
  window: string;
  containers: Array<{
    name: string;
    /** Kubernetes quantities: cpu like "253m" or "253481n", memory like "312456Ki". */
    usage: { cpu: string; memory: string };
    /** cAdvisor container_cpu_cfs_periods_total / _throttled_periods_total, increase over the window. */
    cfs: { periods: number; throttled_periods: number };
  }>;
  containerStatuses: Array<Wire<Pick<V1ContainerStatus, 'name' | 'ready' | 'restartCount' | 'started' | 'image' | 'containerID' | 'lastState'>>>;
}

/** NodeMetrics (metrics.k8s.io/v1beta1) with the node's conditions and filesystem usage. */
export interface KubernetesNodeMetricsBody {
  apiVersion: 'metrics.k8s.io/v1beta1';
  kind: 'NodeMetrics';
  metadata: Wire<Pick<V1ObjectMeta, 'name' | 'creationTimestamp' | 'labels'>>;
  timestamp: string;
  window: string;
  usage: { cpu: string; memory: string };
  /** kubelet summary API node.fs */
  fs: { capacityBytes: number; usedBytes: number; availableBytes: number };
  conditions: Array<Wire<Pick<V1NodeCondition, 'type' | 'status' | 'reason' | 'message' | 'lastTransitionTime' | 'lastHeartbeatTime'>>>;
}

// ---- Sentry -----------------------------------------------------------------------------------

/** A Sentry error event payload (what the SDK sends in an envelope's "event" item). */
export type SentryErrorBody = ErrorEvent;
/** A Sentry transaction payload with its spans. */
export type SentryTransactionBody = TransactionEvent;

// ---- CloudWatch -------------------------------------------------------------------------------

/** One datum as PutMetricData takes it (Timestamp as RFC 3339). */
export type CloudWatchMetricBody = { Namespace: string } & {
  MetricData: Array<Wire<MetricDatum> & { MetricName: string }>;
};

/** One log event as PutLogEvents takes it, with its group and stream. */
export type CloudWatchLogBody = Wire<Pick<PutLogEventsRequest, 'logGroupName' | 'logStreamName' | 'logEvents'>>;

/** An EventBridge "CloudWatch Alarm State Change" event. */
export interface CloudWatchAlarmBody {
  version: '0';
  id: string;
  'detail-type': 'CloudWatch Alarm State Change';
  source: 'aws.cloudwatch';
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: {
    alarmName: string;
    state: AlarmState;
    previousState: AlarmState;
    configuration: {
      description: string;
      metrics: Array<{
        id: string;
        metricStat: {
          metric: { namespace: string; name: string; dimensions: Record<string, string> };
          period: number;
          stat: string;
        };
        returnData: boolean;
      }>;
    };
  };
}

export interface AlarmState {
  value: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
  reason: string;
  /** A JSON document, as CloudWatch sends it (a string). */
  reasonData?: string;
  timestamp: string;
}

/** The alarm definitions a dataset's state changes belong to (for PutMetricAlarm on replay). */
export type CloudWatchAlarmDefinition = Wire<PutMetricAlarmInput>;

// ---- Grafana ----------------------------------------------------------------------------------

/** One sample of a panel's series, as Prometheus' query API returns a vector element. */
export interface GrafanaSeriesBody {
  metric: Record<string, string> & { __name__: string };
  /** [unix seconds, value as a string] */
  value: [number, string];
}

/** An annotation as POST /api/annotations takes it. */
export interface GrafanaAnnotationBody {
  dashboardUID?: string;
  panelId?: number;
  time: number;
  timeEnd?: number;
  tags: string[];
  text: string;
}

// ---- Envelope ---------------------------------------------------------------------------------

export interface BodyOf {
  kubernetes_log: KubernetesLogBody;
  kubernetes_event: KubernetesEventBody;
  kubernetes_pod_metrics: KubernetesPodMetricsBody;
  kubernetes_node_metrics: KubernetesNodeMetricsBody;
  sentry_error: SentryErrorBody;
  sentry_transaction: SentryTransactionBody;
  cloudwatch_metric: CloudWatchMetricBody;
  cloudwatch_log: CloudWatchLogBody;
  cloudwatch_alarm: CloudWatchAlarmBody;
  grafana_series: GrafanaSeriesBody;
  grafana_annotation: GrafanaAnnotationBody;
}

export interface RecordBase<K extends RecordKind> {
  /** Stable id (same seed, config and range give the same id). */
  readonly id: string;
  readonly kind: K;
  /** Event time as the source reports it, epoch ms. */
  readonly timestamp: number;
  /** The service (or resource) the record is about. */
  readonly service: string;
  readonly traceId?: string;
  readonly body: BodyOf[K];
}

export type ObsRecord = { [K in RecordKind]: RecordBase<K> }[RecordKind];

/** A record as one line of a dataset file (snake_case envelope). */
export type FileRecord = {
  [K in RecordKind]: { id: string; kind: K; timestamp: number; service: string; trace_id?: string; body: BodyOf[K] };
}[RecordKind];
export type RecordOf<K extends RecordKind> = RecordBase<K>;

// ---- Ground truth -----------------------------------------------------------------------------

export type Phase = 'onset' | 'peak' | 'recovery';

/** What a detector should find; kept in a separate labels stream, never sent unless asked. */
export interface Truth {
  incidentId?: string;
  phase?: Phase;
  anomalous: boolean;
  /** The template a log line or error message was made from. */
  templateId?: string;
  /** How much later than its event time the record arrived (late arrivals). */
  lateMs?: number;
  /** The reporting host's clock error, already inside the timestamp. */
  skewMs?: number;
  /** A second delivery of a record already emitted. */
  duplicate?: boolean;
  /** Optional fields dropped from the body. */
  missingFields?: string[];
}

/** The label line written for every record (same order as the records file). */
export interface LabelLine {
  id: string;
  anomalous: boolean;
  incident_id?: string;
  phase?: Phase;
  template_id?: string;
  late_ms?: number;
  skew_ms?: number;
  duplicate?: true;
  missing_fields?: string[];
}

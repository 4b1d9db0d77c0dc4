// One table per question the validator asks of a body, keyed by record kind: its schema, its
// advisory notes, and the time the body itself carries (to compare with the envelope).
import type { z } from 'zod';
import type { RecordKind } from '../../model/record.js';
import type { BodyNote } from './body-note.js';
import { cloudWatchAlarmBody, cloudWatchLogBody, cloudWatchMetricBody, cloudWatchMetricNotes } from './cloudwatch.js';
import { grafanaAnnotationBody, grafanaSeriesBody } from './grafana.js';
import {
  kubernetesEventBody,
  kubernetesEventNotes,
  kubernetesLogBody,
  kubernetesLogNotes,
  kubernetesNodeMetricsBody,
  kubernetesNodeMetricsNotes,
  kubernetesPodMetricsBody,
  kubernetesPodMetricsNotes,
} from './kubernetes.js';
import { sentryErrorBody, sentryTransactionBody, sentryTransactionNotes } from './sentry.js';

export const BODY_SCHEMAS: Readonly<Record<RecordKind, z.ZodType>> = {
  kubernetes_log: kubernetesLogBody,
  kubernetes_event: kubernetesEventBody,
  kubernetes_pod_metrics: kubernetesPodMetricsBody,
  kubernetes_node_metrics: kubernetesNodeMetricsBody,
  sentry_error: sentryErrorBody,
  sentry_transaction: sentryTransactionBody,
  cloudwatch_metric: cloudWatchMetricBody,
  cloudwatch_log: cloudWatchLogBody,
  cloudwatch_alarm: cloudWatchAlarmBody,
  grafana_series: grafanaSeriesBody,
  grafana_annotation: grafanaAnnotationBody,
};

export const BODY_NOTES: Readonly<Record<RecordKind, readonly BodyNote[]>> = {
  kubernetes_log: kubernetesLogNotes,
  kubernetes_event: kubernetesEventNotes,
  kubernetes_pod_metrics: kubernetesPodMetricsNotes,
  kubernetes_node_metrics: kubernetesNodeMetricsNotes,
  sentry_error: [],
  sentry_transaction: sentryTransactionNotes,
  cloudwatch_metric: cloudWatchMetricNotes,
  cloudwatch_log: [],
  cloudwatch_alarm: [],
  grafana_series: [],
  grafana_annotation: [],
};

/** The body's own event time and how precisely it is written (ms), for a body that passed its schema. */
export interface BodyTime {
  readonly path: string;
  /** The time as the body writes it. */
  readonly value: unknown;
  readonly ms: number;
  /** The envelope may differ by less than this (the body's time is rounded to it). */
  readonly resolutionMs: number;
}

/** The value at a key path, or undefined where the path does not exist. */
export function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = root;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

const iso = (path: string, text: unknown, resolutionMs: number): BodyTime | undefined => {
  const ms = typeof text === 'string' ? Date.parse(text) : Number.NaN;
  return Number.isFinite(ms) ? { path, value: text, ms, resolutionMs } : undefined;
};
const seconds = (path: string, value: unknown, resolutionMs: number): BodyTime | undefined =>
  typeof value === 'number' ? { path, value, ms: value * 1000, resolutionMs } : iso(path, value, resolutionMs);
const millis = (path: string, value: unknown): BodyTime | undefined => (typeof value === 'number' ? { path, value, ms: value, resolutionMs: 1 } : undefined);

export const BODY_TIME: Readonly<Record<RecordKind, (b: unknown) => BodyTime | undefined>> = {
  kubernetes_log: (b) => iso('time', valueAt(b, ['time']), 1),
  // A series is reported when it was last observed; eventTime stays at the first occurrence.
  kubernetes_event: (b) =>
    valueAt(b, ['series']) !== undefined ? iso('series.lastObservedTime', valueAt(b, ['series', 'lastObservedTime']), 1) : iso('eventTime', valueAt(b, ['eventTime']), 1),
  kubernetes_pod_metrics: (b) => iso('timestamp', valueAt(b, ['timestamp']), 1000),
  kubernetes_node_metrics: (b) => iso('timestamp', valueAt(b, ['timestamp']), 1000),
  sentry_error: (b) => seconds('timestamp', valueAt(b, ['timestamp']), 1),
  sentry_transaction: (b) => seconds('start_timestamp', valueAt(b, ['start_timestamp']), 1),
  cloudwatch_metric: (b) => iso('MetricData[0].Timestamp', valueAt(b, ['MetricData', 0, 'Timestamp']), 1000),
  cloudwatch_log: (b) => millis('logEvents[0].timestamp', valueAt(b, ['logEvents', 0, 'timestamp'])),
  cloudwatch_alarm: (b) => iso('time', valueAt(b, ['time']), 1000),
  grafana_series: (b) => seconds('value[0]', valueAt(b, ['value', 0]), 1),
  grafana_annotation: (b) => millis('time', valueAt(b, ['time'])),
};

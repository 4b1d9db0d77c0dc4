// Which record kinds go out as OTLP logs and which as OTLP metrics (kept apart from the
// mapping code, so the registry can list the kinds without loading the OpenTelemetry SDK).
import type { RecordKind } from '../../model/record.js';
import type { OtlpSignal } from './config.js';

export const LOG_KINDS = ['kubernetes_log', 'cloudwatch_log', 'sentry_error'] as const;
export const METRIC_KINDS = ['kubernetes_pod_metrics', 'kubernetes_node_metrics', 'cloudwatch_metric', 'grafana_series'] as const;

const LOG_KIND_SET: ReadonlySet<RecordKind> = new Set(LOG_KINDS);
const METRIC_KIND_SET: ReadonlySet<RecordKind> = new Set(METRIC_KINDS);

export function signalOfKind(kind: RecordKind): OtlpSignal | undefined {
  return LOG_KIND_SET.has(kind) ? 'logs' : METRIC_KIND_SET.has(kind) ? 'metrics' : undefined;
}

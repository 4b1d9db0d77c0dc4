// The sink types by name, without loading them: the command line lists them in its help, and
// loading the sinks brings every backend's SDK. registry.ts checks its table against this list.
export const SINK_TYPE_NAMES = [
  'file',
  'otlp',
  'loki',
  'prometheus',
  'grafana_annotations',
  'aws_cloudwatch_logs',
  'aws_cloudwatch_metrics',
  'sentry',
  'kubernetes_events',
] as const;

// The otlp sink's entry in the sink registry.
//
// What it sends (resource attributes per the OpenTelemetry semantic conventions; every resource
// also gets the block's `resource_attributes` where the record does not say):
//
// | kind                    | signal  | what                                                                 |
// |-------------------------|---------|----------------------------------------------------------------------|
// | kubernetes_log          | logs    | body = the line; time = CRI time (ns); severity parsed from the line; |
// |                         |         | trace id (envelope) + span id (line); log.iostream, log.record.uid;  |
// |                         |         | resource: service.*, k8s.namespace/pod/node/container/deployment,    |
// |                         |         | k8s.pod.label.*, container.id/image.name/image.tags, cloud.*         |
// | cloudwatch_log          | logs    | body = logEvents[0].message; severity from it (or from the Fluent    |
// |                         |         | Bit JSON's `log` inside); resource aws.log.group.names/stream.names  |
// | sentry_error            | logs    | body "Type: value"; exception.type/message/stacktrace; severity from |
// |                         |         | level (ERROR by default); trace/span id from contexts.trace;         |
// |                         |         | resource service.version (release), deployment.environment.name     |
// | kubernetes_pod_metrics  | metrics | k8s.pod.cpu.usage, k8s.pod.memory.working_set; per container:        |
// |                         |         | container.cpu.usage, container.memory.working_set,                   |
// |                         |         | k8s.container.restart.count, k8s.container.ready,                    |
// |                         |         | container.cpu.cfs.periods / .throttled_periods (delta sums)          |
// | kubernetes_node_metrics | metrics | k8s.node.cpu.usage, k8s.node.memory.working_set,                     |
// |                         |         | k8s.node.filesystem.capacity/usage/available, k8s.node.condition.status |
// | cloudwatch_metric       | metrics | gauge <namespace>.<metric_name> (value, or average of a statistic    |
// |                         |         | set) + .sum/.sample_count/.minimum/.maximum; dimensions as attributes |
// | grafana_series          | metrics | gauge named __name__, labels as attributes; *_total as a cumulative  |
// |                         |         | monotonic sum (start = first sample seen, moved on a counter reset)  |
//
// Every log record also carries log.record.uid = the record id. Times are the rebased ones:
// the event time from the native body (CRI ns, Sentry µs, CloudWatch ms), the observed time =
// the rebased envelope time; gauges over a window (pod/node usage) start at time - window.
// NaN/Inf values go out in protobuf (the default); OTLP/JSON cannot carry them, so with
// `encoding: json` such records are reported rejected instead of silently zeroed.
// Log requests are made on `workers` threads (default 2) from the records' JSON lines, and
// `batches_in_flight` (default 2) batches are in the air at once: OTLP receivers need no order.
import { ConfigError } from '../../config/errors.js';
import type { RecordKind } from '../../model/record.js';
import type { SinkType } from '../registry.js';
import { otlpSinkSchema, resolveOtlpSettings, type OtlpSinkConfig } from './config.js';
import { LOG_KINDS, METRIC_KINDS, signalOfKind } from './kinds.js';

export const OTLP_KINDS: readonly RecordKind[] = [...LOG_KINDS, ...METRIC_KINDS];

export const OTLP_SINK: SinkType = {
  type: 'otlp',
  description: 'logs and metrics over OTLP/HTTP (OpenTelemetry Collector, Grafana Alloy, any OTLP receiver)',
  kinds: OTLP_KINDS,
  schema: otlpSinkSchema,
  defaults: () => ({ type: 'otlp' }),
  create: async (config, ctx) => {
    const block = config as OtlpSinkConfig & { kinds?: RecordKind[] };
    const settings = resolveOtlpSettings(block, ctx.env);
    if (block.kinds) {
      const off = block.kinds.filter((k) => !settings.signals.includes(signalOfKind(k)!));
      if (off.length > 0) throw new ConfigError([{ message: `kinds ${off.join(', ')} need signal(s) that signals [${settings.signals.join(', ')}] leave out` }]);
    }
    const { OtlpSink } = await import('./otlp-sink.js');
    return new OtlpSink(ctx.name, settings, ctx.kinds, { clock: ctx.clock, timeoutMs: ctx.timeoutMs });
  },
};

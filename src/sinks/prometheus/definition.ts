// The prometheus sink's entry in the sink registry.
import type { SinkType } from '../registry.js';
import { prometheusDefaults, prometheusSinkSchema, type PrometheusSinkConfig } from './config.js';
import { PrometheusSink } from './prometheus-sink.js';
import { PROMETHEUS_KINDS } from './write-request.js';

export const PROMETHEUS_SINK: SinkType = {
  type: 'prometheus',
  description: 'metrics with Prometheus remote write 1.0 (protobuf + snappy): panel series, pod/node metrics, CloudWatch metrics',
  kinds: PROMETHEUS_KINDS,
  schema: prometheusSinkSchema,
  defaults: prometheusDefaults,
  create: async (config, ctx) => new PrometheusSink(config as PrometheusSinkConfig, { name: ctx.name, kinds: ctx.kinds, clock: ctx.clock, timeoutMs: ctx.timeoutMs }),
};

// The loki sink's entry in the sink registry.
import type { SinkType } from '../registry.js';
import { lokiDefaults, lokiSinkSchema, type LokiSinkConfig } from './config.js';
import { LOKI_KINDS } from './entries.js';
import { LokiSink } from './loki-sink.js';

export const LOKI_SINK: SinkType = {
  type: 'loki',
  description: 'logs, events and errors to the Loki push API (protobuf + snappy, or JSON); also VictoriaLogs',
  kinds: LOKI_KINDS,
  schema: lokiSinkSchema,
  defaults: lokiDefaults,
  create: async (config, ctx) => new LokiSink(config as LokiSinkConfig, { name: ctx.name, kinds: ctx.kinds, clock: ctx.clock, timeoutMs: ctx.timeoutMs }),
};

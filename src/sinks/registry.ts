// Every sink type, looked up by the `type` key of a sink block (one explicit table, like
// Vector's component registry). Each entry says which record kinds it can send, its config
// schema, the defaults `--to TYPE` uses (environment variables included), and how to build it.
import type { z } from 'zod';
import type { RecordKind } from '../model/record.js';
import type { Clock } from '../time/clock.js';
import { AWS_CLOUDWATCH_LOGS_SINK } from './aws-cloudwatch-logs/definition.js';
import { AWS_CLOUDWATCH_METRICS_SINK } from './aws-cloudwatch-metrics/definition.js';
import { FILE_SINK } from './file/definition.js';
import { KUBERNETES_EVENTS_SINK } from './kubernetes-events/definition.js';
import { SENTRY_SINK } from './sentry/definition.js';
import { GRAFANA_ANNOTATIONS_SINK } from './grafana-annotations/definition.js';
import { LOKI_SINK } from './loki/definition.js';
import { OTLP_SINK } from './otlp/definition.js';
import { PROMETHEUS_SINK } from './prometheus/definition.js';
import type { Sink } from './sink.js';
import { SINK_TYPE_NAMES } from './type-names.js';

export interface SinkContext {
  readonly name: string;
  readonly kinds: readonly RecordKind[];
  readonly clock: Clock;
  readonly timeoutMs: number;
  readonly env: NodeJS.ProcessEnv;
}

export interface SinkType {
  readonly type: string;
  readonly description: string;
  /** Kinds it can send (a block's `kinds` must be a subset). */
  readonly kinds: readonly RecordKind[];
  /** The block's own keys (besides the common ones), strict. */
  readonly schema: z.ZodObject;
  /** The block `--to TYPE` stands for, from the environment where the ecosystem has variables. */
  defaults(env: NodeJS.ProcessEnv): Record<string, unknown>;
  /** Builds the sink; its implementation (and its SDK) is loaded only now, for the types in use. */
  create(config: unknown, ctx: SinkContext): Promise<Sink>;
}

/** The table: add a sink type here. */
const SINK_TYPES: readonly SinkType[] = [
  FILE_SINK,
  OTLP_SINK,
  LOKI_SINK,
  PROMETHEUS_SINK,
  GRAFANA_ANNOTATIONS_SINK,
  AWS_CLOUDWATCH_LOGS_SINK,
  AWS_CLOUDWATCH_METRICS_SINK,
  SENTRY_SINK,
  KUBERNETES_EVENTS_SINK,
];

if (SINK_TYPE_NAMES.join() !== SINK_TYPES.map((t) => t.type).join()) {
  throw new Error(`src/sinks/type-names.ts lists ${SINK_TYPE_NAMES.join(', ')}; the registry has ${SINK_TYPES.map((t) => t.type).join(', ')}`);
}

export function sinkType(type: string): SinkType | undefined {
  return SINK_TYPES.find((t) => t.type === type);
}

export function sinkTypes(): readonly SinkType[] {
  return SINK_TYPES;
}

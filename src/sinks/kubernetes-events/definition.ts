// The kubernetes_events entry of the sink registry.
import type { SinkType } from '../registry.js';
import { KubernetesEventsSink, kubernetesEventsSchema, type KubernetesEventsConfig } from './sink.js';

export const KUBERNETES_EVENTS_SINK: SinkType = {
  type: 'kubernetes_events',
  description: 'Kubernetes Events through the API server (kind, any cluster); optionally CRI log files for a log shipper',
  kinds: ['kubernetes_event', 'kubernetes_log'],
  schema: kubernetesEventsSchema,
  defaults: () => ({ type: 'kubernetes_events', kinds: ['kubernetes_event'] }),
  create: (config, ctx) => new KubernetesEventsSink(ctx.name, config as KubernetesEventsConfig, ctx.kinds, ctx.clock),
};

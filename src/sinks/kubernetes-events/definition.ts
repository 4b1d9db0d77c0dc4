// The kubernetes_events entry of the sink registry.
import type { SinkType } from '../registry.js';
import { kubernetesEventsSchema, type KubernetesEventsConfig } from './config.js';

export const KUBERNETES_EVENTS_SINK: SinkType = {
  type: 'kubernetes_events',
  description: 'Kubernetes Events through the API server (kind, any cluster); optionally CRI log files for a log shipper',
  kinds: ['kubernetes_event', 'kubernetes_log'],
  schema: kubernetesEventsSchema,
  defaults: () => ({ type: 'kubernetes_events', kinds: ['kubernetes_event'] }),
  create: async (config, ctx) => {
    const { KubernetesEventsSink } = await import('./sink.js');
    return new KubernetesEventsSink(ctx.name, config as KubernetesEventsConfig, ctx.kinds, ctx.clock);
  },
};

// The grafana_annotations sink's entry in the sink registry.
import type { SinkType } from '../registry.js';
import { grafanaAnnotationsDefaults, grafanaAnnotationsSinkSchema, type GrafanaAnnotationsSinkConfig } from './config.js';
import { GRAFANA_ANNOTATION_KINDS, GrafanaAnnotationsSink } from './grafana-annotations-sink.js';

export const GRAFANA_ANNOTATIONS_SINK: SinkType = {
  type: 'grafana_annotations',
  description: 'annotations to the Grafana HTTP API (POST /api/annotations, one per record)',
  kinds: GRAFANA_ANNOTATION_KINDS,
  schema: grafanaAnnotationsSinkSchema,
  defaults: grafanaAnnotationsDefaults,
  create: async (config, ctx) => new GrafanaAnnotationsSink(config as GrafanaAnnotationsSinkConfig, { name: ctx.name, kinds: ctx.kinds, clock: ctx.clock, timeoutMs: ctx.timeoutMs }),
};

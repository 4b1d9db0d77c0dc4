// The `grafana_annotations` sink block.
import { z } from 'zod';
import { authSchema } from '../common-config.js';

export const grafanaAnnotationsSinkSchema = z.strictObject({
  type: z.literal('grafana_annotations'),
  /** Grafana's base URL (http://grafana:3000). */
  endpoint: z.string().regex(/^https?:\/\/[^/]/, 'must be an http:// or https:// URL'),
  /** A service-account token (bearer_token) or a user's username/password. */
  auth: authSchema,
  /** Put every annotation on this dashboard instead of the one the record names; "" for organisation-wide annotations. */
  dashboard_uid: z.string().optional(),
  /** Put every annotation on this panel. */
  panel_id: z.number().int().min(0).optional(),
  /** Tags added to every annotation. */
  tags: z.array(z.string().min(1)).optional(),
  /** Annotations posted at once (Grafana has no bulk endpoint). */
  concurrency: z.number().int().min(1).max(32).default(4),
});
export type GrafanaAnnotationsSinkConfig = z.infer<typeof grafanaAnnotationsSinkSchema>;

/** `--to grafana-annotations`: GRAFANA_URL and GRAFANA_TOKEN (or GRAFANA_USER/GRAFANA_PASSWORD), as Grafana's CLIs read them. */
export function grafanaAnnotationsDefaults(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const block: Record<string, unknown> = { type: 'grafana_annotations', endpoint: env['GRAFANA_URL'] || 'http://localhost:3000' };
  if (env['GRAFANA_TOKEN']) block['auth'] = { bearer_token: env['GRAFANA_TOKEN'] };
  else if (env['GRAFANA_USER']) block['auth'] = { username: env['GRAFANA_USER'], password: env['GRAFANA_PASSWORD'] ?? '' };
  return block;
}

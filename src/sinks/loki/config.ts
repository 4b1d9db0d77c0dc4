// The `loki` sink block.
import { z } from 'zod';
import { authSchema } from '../common-config.js';
import { LABEL_NAME } from '../wire/label-names.js';

export const lokiSinkSchema = z.strictObject({
  type: z.literal('loki'),
  /** Base URL (http://loki:3100), or the full push URL (…/loki/api/v1/push). */
  endpoint: z.string().regex(/^https?:\/\/[^/]/, 'must be an http:// or https:// URL'),
  /** X-Scope-OrgID: the tenant of a multi-tenant Loki. */
  tenant: z.string().min(1).optional(),
  auth: authSchema,
  /** Extra stream labels on every entry (keep them low-cardinality). */
  labels: z.record(z.string().regex(LABEL_NAME, 'must be a label name ([a-zA-Z_][a-zA-Z0-9_]*)'), z.string().min(1)).optional(),
  encoding: z.enum(['protobuf', 'json']).default('protobuf'),
  /** Send per-entry fields (trace_id, pod, node …) as structured metadata; off for Loki < 3 schemas. */
  structured_metadata: z.boolean().default(true),
});
export type LokiSinkConfig = z.infer<typeof lokiSinkSchema>;

const PUSH_PATH = '/loki/api/v1/push';

/** The push URL for an endpoint given as a base URL or as the push URL itself (query kept). */
export function pushUrl(endpoint: string): string {
  const url = new URL(endpoint);
  const path = url.pathname.replace(/\/+$/, '');
  if (!path.endsWith(PUSH_PATH)) url.pathname = `${path}${PUSH_PATH}`;
  return url.href;
}

/** `--to loki`: logcli's environment variables (LOKI_ADDR, LOKI_ORG_ID, LOKI_USERNAME/PASSWORD, LOKI_BEARER_TOKEN). */
export function lokiDefaults(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const block: Record<string, unknown> = { type: 'loki', endpoint: env['LOKI_ADDR'] || 'http://localhost:3100' };
  if (env['LOKI_ORG_ID']) block['tenant'] = env['LOKI_ORG_ID'];
  if (env['LOKI_BEARER_TOKEN']) block['auth'] = { bearer_token: env['LOKI_BEARER_TOKEN'] };
  else if (env['LOKI_USERNAME']) block['auth'] = { username: env['LOKI_USERNAME'], password: env['LOKI_PASSWORD'] ?? '' };
  return block;
}

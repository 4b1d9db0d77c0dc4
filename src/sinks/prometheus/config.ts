// The `prometheus` sink block.
import { z } from 'zod';
import { authSchema } from '../common-config.js';
import { LABEL_NAME } from '../wire/label-names.js';

export const DEFAULT_REMOTE_WRITE_URL = 'http://localhost:9090/api/v1/write';

export const prometheusSinkSchema = z.strictObject({
  type: z.literal('prometheus'),
  /** The full remote-write URL (Prometheus: …/api/v1/write with --web.enable-remote-write-receiver). */
  endpoint: z.string().regex(/^https?:\/\/[^/]/, 'must be an http:// or https:// URL').default(DEFAULT_REMOTE_WRITE_URL),
  auth: authSchema,
  /** Extra labels on every series (like external_labels). */
  labels: z.record(z.string().regex(LABEL_NAME, 'must be a label name ([a-zA-Z_][a-zA-Z0-9_]*)'), z.string().min(1)).optional(),
});
export type PrometheusSinkConfig = z.infer<typeof prometheusSinkSchema>;

export function prometheusDefaults(): Record<string, unknown> {
  return { type: 'prometheus', endpoint: DEFAULT_REMOTE_WRITE_URL };
}

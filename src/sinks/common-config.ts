// Keys every sink block in a sinks YAML file may have, besides its own.
import { z } from 'zod';
import { RECORD_KINDS } from '../model/record.js';

export const commonSinkKeys = {
  /** Name in reports and checkpoints (default: the type). */
  name: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'must be lowercase letters, digits, "-" or "_"').optional(),
  /** Only these record kinds (default: every kind the sink can send). */
  kinds: z.array(z.enum(RECORD_KINDS)).min(1).optional(),
  batch: z
    .strictObject({
      max_records: z.number().int().min(1).max(100_000).optional(),
      timeout_ms: z.number().int().min(1).max(600_000).optional(),
      max_queued_records: z.number().int().min(1).max(10_000_000).optional(),
    })
    .optional(),
  retry: z
    .strictObject({
      initial_backoff_ms: z.number().int().min(1).optional(),
      max_backoff_ms: z.number().int().min(1).optional(),
      deadline_ms: z.number().int().min(1).optional(),
    })
    .optional(),
  /** Per-request timeout. */
  timeout_ms: z.number().int().min(1).max(600_000).optional(),
};

export type CommonSinkConfig = {
  name?: string;
  kinds?: Array<(typeof RECORD_KINDS)[number]>;
  batch?: { max_records?: number; timeout_ms?: number; max_queued_records?: number };
  retry?: { initial_backoff_ms?: number; max_backoff_ms?: number; deadline_ms?: number };
  timeout_ms?: number;
};

/** HTTP basic or bearer authentication, shared by HTTP sinks. */
export const authSchema = z
  .strictObject({
    bearer_token: z.string().min(1).optional(),
    username: z.string().min(1).optional(),
    password: z.string().optional(),
  })
  .refine((a) => !(a.bearer_token && a.username), 'give bearer_token or username/password, not both')
  .optional();

export function authHeader(auth: z.infer<typeof authSchema>): Record<string, string> {
  if (!auth) return {};
  if (auth.bearer_token) return { authorization: `Bearer ${auth.bearer_token}` };
  if (auth.username) return { authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password ?? ''}`).toString('base64')}` };
  return {};
}

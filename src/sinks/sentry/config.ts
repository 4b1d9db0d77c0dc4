// The sentry block of a sinks file.
import { z } from 'zod';

export const sentrySchema = z.strictObject({
  type: z.literal('sentry'),
  /** One project for every service (default: SENTRY_DSN); the service is a tag on every event. */
  dsn: z.string().min(1).optional(),
  /** Or one project per service: service name -> DSN (falls back to dsn). */
  dsn_per_service: z.record(z.string(), z.string().min(1)).optional(),
  /** Envelopes in flight at once. */
  concurrency: z.number().int().min(1).max(64).default(8),
});
export type SentryConfig = z.infer<typeof sentrySchema>;

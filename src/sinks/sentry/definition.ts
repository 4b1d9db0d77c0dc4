// The sentry entry of the sink registry.
import type { SinkType } from '../registry.js';
import { SentrySink, sentrySchema, type SentryConfig } from './sink.js';

export const SENTRY_SINK: SinkType = {
  type: 'sentry',
  description: 'Sentry (self-hosted, GlitchTip, Spotlight): error events and transactions as envelopes, event ids kept',
  kinds: ['sentry_error', 'sentry_transaction'],
  schema: sentrySchema,
  defaults: () => ({ type: 'sentry' }),
  create: (config, ctx) => new SentrySink(ctx.name, config as SentryConfig, ctx.kinds, ctx.clock, ctx.env, ctx.timeoutMs),
};

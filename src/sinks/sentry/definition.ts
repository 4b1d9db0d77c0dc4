// The sentry entry of the sink registry.
import type { SinkType } from '../registry.js';
import { sentrySchema, type SentryConfig } from './config.js';

export const SENTRY_SINK: SinkType = {
  type: 'sentry',
  description: 'Sentry (self-hosted, GlitchTip, Spotlight): error events and transactions as envelopes, event ids kept',
  kinds: ['sentry_error', 'sentry_transaction'],
  schema: sentrySchema,
  defaults: () => ({ type: 'sentry' }),
  create: async (config, ctx) => {
    const { SentrySink } = await import('./sink.js');
    return new SentrySink(ctx.name, config as SentryConfig, ctx.kinds, ctx.clock, ctx.env, ctx.timeoutMs);
  },
};

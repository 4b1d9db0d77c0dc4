// Sentry transactions: for each sampled request, one per service span that runs an SDK, with a
// child span for every call it made (SQL, cache, queue publish, outgoing HTTP). The sampling
// decision is the request's own (taken once at the root and propagated), so a trace's
// transactions are kept or dropped together.
import type { Measurements, SpanJSON } from '@sentry/core';
import type { SentryTransactionBody, Truth } from '../../model/record.js';
import type { RequestSim } from '../../simulation/requests.js';
import { truthOf, type GenerationContext, type Generator } from '../generator.js';
import { callSpan, seconds, statusOf } from './calls.js';
import { SpanWalker, requestOf, tagsOf, traceContext, userOf, type SdkSpan } from './event-parts.js';
import { profileOf, type ServiceProfile } from './profile.js';

export class SentryTransactionGenerator implements Generator {
  readonly name = 'sentry-transactions';
  readonly source = 'sentry' as const;

  generate(ctx: GenerationContext): void {
    const { world } = ctx;
    const rng = ctx.rng('sentry-transactions');
    const topology = world.topology;
    const environment = topology.config.cluster.environment;
    const volume = world.generation.sources.sentry.volume;
    const profile = (service: string): ServiceProfile => profileOf(topology.service(service), environment);
    let req: RequestSim;

    const visit = (s: SdkSpan): void => {
      const { span, pod, profile: p } = s;
      const skewMs = world.skewMs(pod.node);
      const start = span.start + skewMs;
      const spans: SpanJSON[] = [];
      let dbCalls = 0;
      let dbMs = 0;
      for (const child of span.children) {
        spans.push(callSpan(topology, p, req, span, child, skewMs));
        if (child.isDatastore && child.target === 'postgres') {
          dbCalls++;
          dbMs += child.durationMs;
        }
      }
      const measurements: Measurements = span.consumer
        ? { 'messaging.message.receive.latency': { value: req.messageAgeMs ?? 0, unit: 'millisecond' } }
        : { 'http.response_content_length': { value: span.parentSpanId && s.caller ? Math.round(rng.logNormal(900, 0.7)) : req.bytesOut, unit: 'byte' } };
      if (dbCalls > 0) {
        measurements['db.query_count'] = { value: dbCalls, unit: 'none' };
        measurements['db.time'] = { value: Math.round(dbMs * 1000) / 1000, unit: 'millisecond' };
      }
      const body: SentryTransactionBody = {
        type: 'transaction',
        event_id: rng.hex(16),
        platform: p.platform,
        transaction: span.operation,
        // A consumer's transaction is named after its queue, as a background task.
        transaction_info: { source: span.consumer ? 'task' : 'route' },
        start_timestamp: seconds(start),
        timestamp: seconds(start + span.durationMs),
        server_name: pod.name,
        release: `${pod.service}@${pod.version}`,
        environment,
        contexts: { trace: traceContext(req, s, statusOf(span)), runtime: p.runtime, os: p.os },
        spans,
        measurements,
        tags: tagsOf(s),
        user: userOf(req, span),
        sdk: p.sdk,
      };
      const request = requestOf(req, s);
      if (request) body.request = request;
      const truth: Truth = truthOf(span.cause);
      ctx.emit('sentry_transaction', Math.round(start), pod.service, body, skewMs !== 0 ? { ...truth, skewMs } : truth, req.traceId);
    };

    const walker = new SpanWalker(topology.edge.name, profile, visit);
    for (req of ctx.requests()) {
      if (!req.sampled) continue;
      // sources.sentry.volume below 1 thins whole traces, like a lower sample rate would.
      if (volume < 1 && !rng.chance(volume)) continue;
      walker.walk(req.root);
    }
  }
}

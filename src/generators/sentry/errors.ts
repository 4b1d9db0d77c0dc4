// Sentry error events: one per service span where a failure was raised, plus about half of the
// callers that got an error back from a dependency (the rest handle or only log it). Client
// errors (4xx) are not reported; the edge gateway reports errors but sends no transactions.
import type { Breadcrumb } from '@sentry/core';
import type { SentryErrorBody, Truth } from '../../model/record.js';
import type { Rng } from '../../random/rng.js';
import { isClientError } from '../../simulation/failures.js';
import type { RequestSim, SpanSim } from '../../simulation/requests.js';
import type { World } from '../../simulation/world.js';
import { handlerLayer, handlerWords } from '../code/code-map.js';
import { truthOf, type GenerationContext, type Generator } from '../generator.js';
import { callBreadcrumb, seconds, statusOf } from './calls.js';
import { SpanWalker, requestOf, tagsOf, traceContext, userOf, type SdkSpan } from './event-parts.js';
import { failingChild } from '../code/failure-vars.js';
import { reportedException } from './exception.js';
import { profileOf, type ServiceProfile } from './profile.js';

/** Share of callers that report an error a dependency answered with. */
const UPSTREAM_REPORT_SHARE = 0.5;
/** Breadcrumbs kept per event (the SDK keeps the most recent). */
const MAX_BREADCRUMBS = 6;

/** Whether the span's SDK captures its failure. */
function reported(span: SpanSim, rng: Rng): boolean {
  const failure = span.failure;
  if (!failure || isClientError(failure)) return false;
  // A limiter in front of the service turned the request away: a 429, not an exception.
  if (failure === 'rate_limited' && !failingChild(span)) return false;
  return span.origin || rng.chance(UPSTREAM_REPORT_SHARE);
}

const LOGGERS = new WeakMap<ServiceProfile, Map<string, string>>();

/** Logger name of the handler that raised it (the same name the service's log lines carry). */
function loggerOf(profile: ServiceProfile, span: SpanSim): string {
  let byOp = LOGGERS.get(profile);
  if (!byOp) LOGGERS.set(profile, (byOp = new Map()));
  let logger = byOp.get(span.operation);
  if (!logger) {
    const words = span.endpoint ? handlerWords(span.endpoint) : ['handle', 'message'];
    byOp.set(span.operation, (logger = handlerLayer(profile.service, words).logger));
  }
  return logger;
}

function breadcrumbs(world: World, s: SdkSpan, req: RequestSim, errorAt: number, skewMs: number): Breadcrumb[] {
  const { span, profile } = s;
  const children = span.children;
  const out: Breadcrumb[] = [];
  for (let i = Math.max(0, children.length - MAX_BREADCRUMBS); i < children.length; i++) {
    const child = children[i]!;
    const at = Math.min(child.start + child.durationMs, errorAt);
    out.push(callBreadcrumb(world.topology, profile, req, span, child, at + skewMs));
  }
  return out;
}

export class SentryErrorGenerator implements Generator {
  readonly name = 'sentry-errors';
  readonly source = 'sentry' as const;

  generate(ctx: GenerationContext): void {
    const { world } = ctx;
    const rng = ctx.rng('sentry-errors');
    const topology = world.topology;
    const environment = topology.config.cluster.environment;
    const profile = (service: string): ServiceProfile => profileOf(topology.service(service), environment);
    let req: RequestSim;
    const visit = (s: SdkSpan): void => {
      const { span, pod, profile: p } = s;
      if (!reported(span, rng)) return;
      const child = failingChild(span);
      // Raised when the failing call returned, or at the end of the handler's own work. The
      // engine keeps it in whichever window that time falls in.
      const errorAt = child ? child.start + child.durationMs : span.start + span.durationMs;
      const skewMs = world.skewMs(pod.node);
      const at = errorAt + skewMs;
      const envelopeAt = Math.round(at);
      const { exception, templateId } = reportedException(topology, p, req, span, child);
      const body: SentryErrorBody = {
        type: undefined,
        event_id: rng.hex(16),
        timestamp: seconds(at),
        platform: p.platform,
        level: 'error',
        logger: loggerOf(p, span),
        server_name: pod.name,
        release: `${pod.service}@${pod.version}`,
        environment,
        transaction: span.operation,
        exception: { values: [exception] },
        breadcrumbs: breadcrumbs(world, s, req, errorAt, skewMs),
        contexts: { trace: traceContext(req, s, statusOf(span)), runtime: p.runtime, os: p.os },
        tags: tagsOf(s),
        user: userOf(req, span),
        sdk: p.sdk,
      };
      const request = requestOf(req, s);
      if (request) body.request = request;
      const truth: Truth = truthOf(span.cause, templateId);
      ctx.emit('sentry_error', envelopeAt, pod.service, body, skewMs !== 0 ? { ...truth, skewMs } : truth, req.traceId);
    };
    // The gateway reports its errors too (sentry-go); only its transactions are off (see transactions.ts).
    const walker = new SpanWalker('', profile, visit, true);
    for (req of ctx.requests()) walker.walk(req.root);
  }
}

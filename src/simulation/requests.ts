// Individual requests through the call graph: which pods serve them, how long each hop takes,
// where they fail and which incident is to blame. One simulated request becomes the gateway's
// access log line, the services' log lines, a Sentry transaction and error, and an ALB access
// log entry, all sharing its trace id.
import type { IncidentActivity } from '../model/incident.js';
import type { Call, Consumer, Endpoint, Topology } from '../model/topology.js';
import type { Rng } from '../random/rng.js';
import type { ConditionModel } from './conditions.js';
import { BASELINE_FAILURES, INCIDENT_FAILURES, type FailureClass, statusFor } from './failures.js';
import type { Pod, RolloutPlanner } from './rollouts.js';

export type SpanStatus = 'ok' | 'deadline_exceeded' | 'unavailable' | 'resource_exhausted' | 'internal_error' | 'not_found' | 'invalid_argument' | 'unauthenticated' | 'already_exists';

export interface SpanSim {
  readonly spanId: string;
  readonly parentSpanId?: string;
  /** Service or datastore name. */
  readonly target: string;
  readonly isDatastore: boolean;
  readonly endpoint?: Endpoint;
  readonly consumer?: Consumer;
  /** Route for service spans, operation for datastore spans. */
  readonly operation: string;
  readonly pod?: Pod;
  readonly start: number;
  durationMs: number;
  /** HTTP status for service spans (0 for datastore and consumer spans). */
  status: number;
  spanStatus: SpanStatus;
  failure?: FailureClass;
  /** The failure was raised here (not just passed on from a child). */
  origin: boolean;
  /** Incident behind the failure or the slowness, if any. */
  cause?: IncidentActivity;
  cacheMiss?: boolean;
  /** The next hop towards the trouble (for upstream errors). */
  upstream?: string;
  readonly children: SpanSim[];
}

export interface RequestSim {
  readonly traceId: string;
  readonly start: number;
  readonly root: SpanSim;
  readonly userId: string;
  readonly clientIp: string;
  readonly userAgent: string;
  /** Sentry traces sampling decision, taken once at the root and propagated. */
  readonly sampled: boolean;
  readonly entityId: string;
  readonly amountCents: number;
  readonly bytesOut: number;
  /** A message consumed from a queue rather than an HTTP request. */
  readonly queue?: string;
  readonly messageAgeMs?: number;
}

const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
  'ShopApp/5.12.0 (iOS 18.1; iPhone15,2)',
  'ShopApp/5.11.3 (Android 14; SM-S918B)',
  'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
];
const UA_WEIGHTS = [32, 14, 22, 14, 9, 6, 3].reduce<number[]>((acc, w) => [...acc, (acc[acc.length - 1] ?? 0) + w], []);

/** Baseline client errors (4xx) that are not failures of the service. */
const CLIENT_STATUSES = [
  { status: 404, spanStatus: 'not_found' as const },
  { status: 400, spanStatus: 'invalid_argument' as const },
  { status: 401, spanStatus: 'unauthenticated' as const },
];

/** Sentry/OpenTelemetry span status for an HTTP status, as the SDKs derive it. */
export function spanStatusOfHttp(status: number): SpanStatus {
  switch (status) {
    case 400:
    case 422:
      return 'invalid_argument';
    case 401:
      return 'unauthenticated';
    case 404:
      return 'not_found';
    case 409:
      return 'already_exists';
    case 429:
      return 'resource_exhausted';
    case 503:
      return 'unavailable';
    case 504:
      return 'deadline_exceeded';
    default:
      return status >= 500 ? 'internal_error' : 'ok';
  }
}

/** Span status of a call without an HTTP status (database, cache, broker). */
function spanStatusOfFailure(failure: FailureClass): SpanStatus {
  if (failure === 'rate_limited') return 'resource_exhausted';
  if (failure.endsWith('timeout')) return 'deadline_exceeded';
  if (failure === 'circuit_open' || failure === 'startup_crash' || failure === 'dns_lookup' || failure === 'upstream_error') return 'unavailable';
  if (failure === 'validation') return 'invalid_argument';
  if (failure === 'conflict') return 'already_exists';
  return 'internal_error';
}

/** Gateways and clients give up after this long (the ALB's idle timeout). */
export const MAX_REQUEST_MS = 60_000;

export interface RequestSimulatorDeps {
  readonly topology: Topology;
  readonly conditions: ConditionModel;
  readonly rollouts: RolloutPlanner;
  readonly tracesSampleRate: number;
}

export class RequestSimulator {
  constructor(private readonly deps: RequestSimulatorDeps) {}

  /** An edge request arriving at `start`. */
  edgeRequest(rng: Rng, start: number): RequestSim {
    const { topology } = this.deps;
    const endpoint = rng.pickWeighted(topology.edgeEndpoints, topology.edgeWeights);
    const traceId = rng.hex(16);
    const root = this.serve(rng, traceId, endpoint, start, undefined, 0);
    return this.wrap(rng, traceId, start, root);
  }

  /** A message taken off a queue by a consumer at `start`. */
  consume(rng: Rng, consumer: Consumer, start: number, messageAgeMs: number): RequestSim {
    const traceId = rng.hex(16);
    const root = this.consumeSpan(rng, consumer, start);
    return { ...this.wrap(rng, traceId, start, root), queue: consumer.queue, messageAgeMs };
  }

  private wrap(rng: Rng, traceId: string, start: number, root: SpanSim): RequestSim {
    const userNumber = Math.floor(Math.pow(rng.next(), 2.2) * 48_000) + 1000;
    return {
      traceId,
      start,
      root,
      userId: `u-${userNumber}`,
      clientIp: `${rng.pick([73, 98, 24, 172, 68, 104, 71, 189])}.${rng.int(256)}.${rng.int(256)}.${rng.intBetween(1, 254)}`,
      userAgent: rng.pickWeighted(USER_AGENTS, UA_WEIGHTS),
      sampled: rng.chance(this.deps.tracesSampleRate),
      entityId: String(rng.intBetween(100_000, 999_999)),
      amountCents: Math.round(rng.logNormal(5400, 0.8)),
      bytesOut: Math.round(rng.logNormal(2400, 0.9)),
    };
  }

  private pod(rng: Rng, service: string, t: number): Pod | undefined {
    const { serving } = this.deps.rollouts.podsAt(service, t);
    return serving.length > 0 ? serving[rng.int(serving.length)] : undefined;
  }

  private serve(rng: Rng, traceId: string, endpoint: Endpoint, start: number, parentSpanId: string | undefined, depth: number): SpanSim {
    const service = endpoint.service;
    const cond = this.deps.conditions.at(service, start);
    const span: SpanSim = {
      spanId: rng.hex(8),
      parentSpanId,
      target: service,
      isDatastore: false,
      endpoint,
      operation: endpoint.route,
      pod: this.pod(rng, service, start),
      start,
      durationMs: 0,
      status: endpoint.method === 'POST' ? 201 : 200,
      spanStatus: 'ok',
      origin: false,
      children: [],
    };
    let own = rng.logNormal(endpoint.latency.medianMs, endpoint.latency.sigma) * cond.latencyFactor;
    if (cond.latencyFactor > 1.5) span.cause = cond.activities[0];

    // A limiter in front of the service turns requests away before any work.
    if (cond.rateLimited > 0 && rng.chance(cond.rateLimited)) {
      this.fail(span, 'rate_limited', this.blame(rng, cond.activities), true);
      span.durationMs = Math.max(0.2, own * 0.05);
      return span;
    }

    let elapsed = own * 0.3;
    let forceDb = false;
    if (depth < 8) {
      for (const call of endpoint.calls) {
        const isDb = call.target === 'postgres' || this.deps.topology.datastore(call.target)?.config.type === 'postgres';
        if (!(call.probability >= 1 || rng.chance(call.probability) || (forceDb && isDb))) continue;
        const child =
          call.targetKind === 'service' && call.endpoint
            ? this.serve(rng, traceId, call.endpoint, start + elapsed, span.spanId, depth + 1)
            : this.datastoreCall(rng, call, start + elapsed, span.spanId);
        span.children.push(child);
        elapsed += child.durationMs;
        if (child.cacheMiss) forceDb = true;
        if (child.failure) {
          // Most callers give up on a failed dependency; some degrade gracefully.
          if (child.isDatastore && call.operation === 'GET' && !child.failure.endsWith('timeout')) continue;
          if (rng.chance(0.9)) {
            if (child.isDatastore) this.fail(span, child.failure, child.cause, true);
            else {
              this.fail(span, 'upstream_error', child.cause, false);
              span.upstream = child.target;
            }
            break;
          }
        }
        if (!span.cause && child.cause) span.cause = child.cause;
      }
    }

    if (!span.failure) {
      // Own failures: everyday bugs plus what incidents here do.
      const p = endpoint.errorRate + cond.errorRate;
      if (p > 0 && rng.chance(p)) {
        const incidentShare = cond.errorRate / p;
        if (rng.chance(incidentShare)) {
          const activity = this.blame(rng, cond.activities);
          const kind = activity ? INCIDENT_FAILURES[activity.incident.type][activity.target.hops === 0 ? 'root' : 'propagated'] : 'request_timeout';
          this.fail(span, kind, activity, true);
          if (kind === 'upstream_error') span.upstream = this.towardsTrouble(endpoint, activity);
        } else {
          this.fail(span, rng.pick(BASELINE_FAILURES), undefined, true);
        }
      } else if (rng.chance(0.018)) {
        const c = rng.pick(CLIENT_STATUSES);
        span.status = c.status;
        span.spanStatus = c.spanStatus;
      }
    }
    if (span.failure === 'request_timeout' || span.failure === 'pool_timeout') own += rng.between(2000, 10000);
    span.durationMs = Math.round((elapsed + own * 0.7) * 1000) / 1000;
    if (span.durationMs > MAX_REQUEST_MS) {
      span.durationMs = MAX_REQUEST_MS;
      if (!span.failure) this.fail(span, 'request_timeout', span.cause, true);
    }
    return span;
  }

  private consumeSpan(rng: Rng, consumer: Consumer, start: number): SpanSim {
    const cond = this.deps.conditions.at(consumer.service, start);
    const span: SpanSim = {
      spanId: rng.hex(8),
      target: consumer.service,
      isDatastore: false,
      consumer,
      operation: consumer.queue,
      pod: this.pod(rng, consumer.service, start),
      start,
      durationMs: 0,
      status: 0,
      spanStatus: 'ok',
      origin: false,
      children: [],
    };
    const own = rng.logNormal(consumer.latency.medianMs, consumer.latency.sigma) * cond.latencyFactor;
    if (cond.latencyFactor > 1.5) span.cause = cond.activities[0];
    let elapsed = own * 0.4;
    for (const call of consumer.calls) {
      if (!(call.probability >= 1 || rng.chance(call.probability))) continue;
      const child = this.datastoreCall(rng, call, start + elapsed, span.spanId);
      span.children.push(child);
      elapsed += child.durationMs;
      if (child.failure) {
        this.fail(span, child.failure, child.cause, true);
        break;
      }
    }
    if (!span.failure) {
      const p = consumer.errorRate + cond.errorRate;
      if (p > 0 && rng.chance(p)) {
        const activity = rng.chance(cond.errorRate / p) ? this.blame(rng, cond.activities) : undefined;
        const kind = activity ? INCIDENT_FAILURES[activity.incident.type][activity.target.hops === 0 ? 'root' : 'propagated'] : rng.pick(BASELINE_FAILURES);
        this.fail(span, kind, activity, true);
      }
    }
    span.status = 0;
    span.durationMs = Math.min(MAX_REQUEST_MS, Math.round((elapsed + own * 0.6) * 1000) / 1000);
    return span;
  }

  private datastoreCall(rng: Rng, call: Call, start: number, parentSpanId: string): SpanSim {
    const ds = this.deps.topology.datastore(call.target)!;
    const cond = this.deps.conditions.at(call.target, start);
    const span: SpanSim = {
      spanId: rng.hex(8),
      parentSpanId,
      target: call.target,
      isDatastore: true,
      operation: call.operation,
      start,
      durationMs: rng.logNormal(ds.latency.medianMs, ds.latency.sigma) * cond.latencyFactor,
      status: 0,
      spanStatus: 'ok',
      origin: false,
      children: [],
    };
    if (cond.latencyFactor > 1.5) span.cause = cond.activities[0];
    if (ds.config.type === 'redis' && call.operation === 'GET') {
      const missRate = 0.08 + cond.cacheMissRate;
      if (rng.chance(missRate)) {
        span.cacheMiss = true;
        if (cond.cacheMissRate > 0.2) span.cause = cond.activities[0];
      }
    }
    if (cond.rateLimited > 0 && rng.chance(cond.rateLimited)) {
      this.fail(span, 'rate_limited', this.blame(rng, cond.activities), true);
    } else if (rng.chance(0.0002 + cond.errorRate)) {
      const activity = cond.errorRate > 0 ? this.blame(rng, cond.activities) : undefined;
      const kind = activity ? INCIDENT_FAILURES[activity.incident.type].root : 'connect_timeout';
      this.fail(span, kind, activity, true);
      if (kind.endsWith('timeout')) span.durationMs = Math.max(span.durationMs, rng.between(1000, 5000));
    }
    span.durationMs = Math.round(span.durationMs * 1000) / 1000;
    return span;
  }

  private fail(span: SpanSim, failure: FailureClass, cause: IncidentActivity | undefined, origin: boolean): void {
    span.failure = failure;
    span.origin = origin;
    if (cause) span.cause = cause;
    if (!span.isDatastore && !span.consumer) span.status = statusFor(failure);
    span.spanStatus = span.status > 0 ? spanStatusOfHttp(span.status) : spanStatusOfFailure(failure);
  }

  private blame(rng: Rng, activities: readonly IncidentActivity[]): IncidentActivity | undefined {
    if (activities.length <= 1) return activities[0];
    let total = 0;
    for (const a of activities) total += a.intensity;
    let x = rng.next() * total;
    for (const a of activities) {
      x -= a.intensity;
      if (x <= 0) return a;
    }
    return activities[activities.length - 1];
  }

  /** The callee closest to an incident's root, for "upstream X returned 503" messages. */
  private towardsTrouble(endpoint: Endpoint, activity: IncidentActivity | undefined): string | undefined {
    if (!activity) return endpoint.calls[0]?.target;
    const hops = new Map(activity.incident.affected.map((a) => [a.target, a.hops]));
    let best: string | undefined;
    let bestHops = Infinity;
    for (const c of endpoint.calls) {
      const h = hops.get(c.target);
      if (h !== undefined && h < bestHops) {
        best = c.target;
        bestHops = h;
      }
    }
    return best ?? activity.incident.rootCause;
  }
}

// Parts that error events and transactions share: where the span ran (tags), who asked
// (user, request) and its place in the trace. Both generators walk the request trees the same
// way, with a `SpanWalker`.
import type { RequestEventData, TraceContext, User } from '@sentry/core';
import type { RequestSim, SpanSim } from '../../simulation/requests.js';
import type { Pod } from '../../simulation/rollouts.js';
import { fillPath } from '../code/failure-vars.js';
import { clientSpanId } from './calls.js';
import type { ServiceProfile } from './profile.js';

/** A service span that runs a Sentry SDK, with what both generators need about it. */
export interface SdkSpan {
  readonly span: SpanSim;
  readonly pod: Pod;
  readonly profile: ServiceProfile;
  /** The caller's profile when the caller runs a Sentry SDK too (not the edge gateway). */
  readonly caller?: ServiceProfile;
}

/**
 * Walks request trees and calls `visit` for every service span that runs an SDK (not
 * datastores, not the edge gateway, not spans no pod served), parents before children.
 */
export class SpanWalker {
  constructor(
    private readonly edge: string,
    private readonly profileOf: (service: string) => ServiceProfile,
    private readonly visit: (s: SdkSpan) => void,
    /** Visit failed spans only (errors need nothing else; this skips the profile look-ups). */
    private readonly failedOnly = false,
  ) {}

  walk(span: SpanSim, callerTarget?: string): void {
    if (span.target !== this.edge && span.pod && (span.failure || !this.failedOnly)) {
      const caller = callerTarget && callerTarget !== this.edge ? this.profileOf(callerTarget) : undefined;
      this.visit({ span, pod: span.pod, profile: this.profileOf(span.target), caller });
    }
    const children = span.children;
    for (let i = 0; i < children.length; i++) if (!children[i]!.isDatastore) this.walk(children[i]!, span.target);
  }
}

/** The span's parent as the trace records it: the caller's http.client span, or the gateway's span. */
export function parentSpanIdOf(s: SdkSpan): string | undefined {
  if (!s.span.parentSpanId) return undefined;
  return s.caller ? clientSpanId(s.span.spanId) : s.span.parentSpanId;
}

export function traceContext(req: RequestSim, s: SdkSpan, status: string): TraceContext {
  const parent = parentSpanIdOf(s);
  const op = s.span.consumer ? 'queue.process' : 'http.server';
  return parent ? { trace_id: req.traceId, span_id: s.span.spanId, parent_span_id: parent, op, status } : { trace_id: req.traceId, span_id: s.span.spanId, op, status };
}

export function tagsOf(s: SdkSpan): Record<string, string> {
  const { span, pod } = s;
  return span.consumer
    ? { service: pod.service, pod: pod.name, node: pod.node, namespace: pod.namespace, route: span.operation, 'messaging.destination.name': span.consumer.queue }
    : { service: pod.service, pod: pod.name, node: pod.node, namespace: pod.namespace, route: span.operation, 'http.status_code': String(span.status) };
}

export function userOf(req: RequestSim, span: SpanSim): User {
  // A consumed message carries the user id, not the address of whoever caused it.
  return span.consumer ? { id: req.userId } : { id: req.userId, ip_address: req.clientIp };
}

/** The incoming HTTP request as the SDK saw it (consumers have none). */
/** Header names as each SDK reports them: Node's http module lower-cases them. */
const HEADER_NAMES = {
  canonical: { host: 'Host', ua: 'User-Agent', accept: 'Accept', type: 'Content-Type', xff: 'X-Forwarded-For', proto: 'X-Forwarded-Proto' },
  lower: { host: 'host', ua: 'user-agent', accept: 'accept', type: 'content-type', xff: 'x-forwarded-for', proto: 'x-forwarded-proto' },
} as const;

/** The incoming HTTP request as the SDK saw it (consumers have none). */
export function requestOf(req: RequestSim, s: SdkSpan): RequestEventData | undefined {
  const endpoint = s.span.endpoint;
  if (!endpoint) return undefined;
  const host = `${endpoint.service}:8080`;
  const url = `http://${host}${fillPath(endpoint.path, req.entityId)}`;
  const sampled = req.sampled ? '1' : '0';
  const parent = parentSpanIdOf(s) ?? s.span.spanId;
  const n = s.profile.platform === 'node' ? HEADER_NAMES.lower : HEADER_NAMES.canonical;
  // Behind the gateway: the client's own agent and a W3C traceparent; between SDKs: the
  // caller's HTTP client and sentry-trace.
  const headers: Record<string, string> = s.caller
    ? { [n.host]: host, [n.ua]: s.caller.clientUserAgent, [n.accept]: 'application/json', 'sentry-trace': `${req.traceId}-${parent}-${sampled}` }
    : { [n.host]: host, [n.ua]: req.userAgent, [n.accept]: 'application/json', [n.xff]: req.clientIp, [n.proto]: 'https', traceparent: `00-${req.traceId}-${parent}-0${sampled}` };
  if (endpoint.method === 'POST' || endpoint.method === 'PUT' || endpoint.method === 'PATCH') headers[n.type] = 'application/json';
  return { method: endpoint.method, url, headers };
}

// The variables of a failure message, as a pure function of the simulated span (no random
// draws), so the log line and the Sentry event of one failure say the same thing.
import type { Datastore, Service, Topology } from '../../model/topology.js';
import { hashString } from '../../random/rng.js';
import type { RequestSim, SpanSim } from '../../simulation/requests.js';
import type { FailureVars } from './exceptions.js';

const PATH_PARTS = new Map<string, string[]>();

/** "/orders/{id}/checkout" with the request's entity id in place of each parameter. */
export function fillPath(path: string, id: string): string {
  let parts = PATH_PARTS.get(path);
  if (!parts) PATH_PARTS.set(path, (parts = path.split(/\{[^}]+\}/)));
  return parts.length === 1 ? path : parts.join(id);
}

/** Where callers connect: the configured endpoint, or the in-cluster Service name. */
export function hostOfDatastore(ds: Datastore): string {
  return ds.config.host ?? (ds.config.namespace ? `${ds.name}.${ds.config.namespace}.svc.cluster.local` : ds.name);
}

/** Port each kind of datastore listens on. */
export const DATASTORE_PORTS: Readonly<Record<string, number>> = { postgres: 5432, redis: 6379, rabbitmq: 5672, s3: 443, external_api: 443, dns: 53 };

/** The child whose failure the span passed on, if that is why it failed. */
export function failingChild(span: SpanSim): SpanSim | undefined {
  const last = span.children[span.children.length - 1];
  if (!last?.failure) return undefined;
  return last.failure === span.failure || span.failure === 'upstream_error' ? last : undefined;
}

const POOL_SIZE: Readonly<Record<Service['language'], number>> = {
  java: 10, // HikariCP maximumPoolSize default
  python: 5, // SQLAlchemy QueuePool default
  node: 10, // pg-pool max default
  go: 16, // pgxpool: max(4, GOMAXPROCS)
};
const TIMEOUTS_MS = [3000, 5000, 10000, 30000];

const IPS = new Map<string, string>();

/** A stable address for a name: ClusterIPs for services, VPC addresses for AWS, public ones outside. */
function ipOf(topology: Topology, name: string): string {
  const managed = topology.datastore(name)?.config.managed_by;
  const key = `${managed ?? 'service'}/${name}`;
  let ip = IPS.get(key);
  if (ip) return ip;
  const h = hashString(name);
  const a = h & 0xff;
  const b = ((h >>> 8) % 253) + 1;
  ip = managed === 'external' ? `34.${(h >>> 16) & 0xff}.${a}.${b}` : managed && managed !== 'kubernetes' ? `10.0.${1 + (a % 3)}.${b}` : `172.20.${a}.${b}`;
  IPS.set(key, ip);
  return ip;
}

function hostOf(topology: Topology, name: string): string {
  const ds = topology.datastore(name);
  if (ds) return hostOfDatastore(ds);
  const svc = topology.findService(name);
  return svc ? `${name}.${svc.namespace}.svc.cluster.local` : name;
}

/** The message variables, a pure function of the span (no random draws), so any source can agree. */
export function failureVars(topology: Topology, service: Service, req: RequestSim, span: SpanSim, child: SpanSim | undefined): FailureVars {
  const endpoint = span.endpoint;
  const target = child?.target ?? span.upstream ?? span.children[span.children.length - 1]?.target ?? endpoint?.calls[0]?.target ?? 'postgres';
  const ds = topology.datastore(target);
  const detailHost = span.failure === 'cert_expired' ? span.cause?.incident.detail.certificateHost : undefined;
  const upstreamEndpoint = child && !child.isDatastore ? child.endpoint : endpoint?.calls.find((c) => c.target === target)?.endpoint;
  let path: string;
  if (upstreamEndpoint) path = fillPath(upstreamEndpoint.path, req.entityId);
  else if (ds?.config.type === 'external_api' && child) path = child.operation.slice(child.operation.indexOf(' ') + 1);
  else path = endpoint ? fillPath(endpoint.path, req.entityId) : '/';
  const queue = span.consumer?.queue ?? endpoint?.publishes ?? 'order.created';
  const key = hashString(`${service.name}/${span.failure}`);
  return {
    target,
    host: detailHost ?? hostOf(topology, target),
    port: ds ? (DATASTORE_PORTS[ds.config.type] ?? 443) : 8080,
    upstream: span.upstream ?? child?.target ?? target,
    status: child && !child.isDatastore && child.status > 0 ? child.status : 503,
    timeoutMs: TIMEOUTS_MS[key % TIMEOUTS_MS.length]!,
    poolSize: POOL_SIZE[service.language],
    waiting: 1 + (hashString(req.traceId) % 48),
    entityId: req.entityId,
    queue,
    path,
    ip: ipOf(topology, target),
  };
}

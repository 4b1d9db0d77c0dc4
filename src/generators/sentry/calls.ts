// The outgoing calls a service span made, as a Sentry SDK records them: a child span in the
// transaction (op, description, data) and a breadcrumb on an error. SQL text and URL shapes are
// built once per (service, endpoint, operation) and reused.
import { DATASTORE_PORTS, hostOfDatastore } from '../code/failure-vars.js';
import type { Breadcrumb, SpanJSON } from '@sentry/core';
import type { Datastore, Endpoint, Topology } from '../../model/topology.js';
import { hashString, hex32 } from '../../random/rng.js';
import type { RequestSim, SpanSim, SpanStatus } from '../../simulation/requests.js';
import { entityOf } from '../code/code-map.js';
import type { ServiceProfile } from './profile.js';

/** Epoch ms -> Sentry's float seconds, to the microsecond. */
export function seconds(ms: number): number {
  return Math.round(ms * 1000) / 1e6;
}

/**
 * Id of the http.client span a calling SDK opened for `calleeSpanId`'s request. The callee's
 * transaction names it as its parent, so Sentry's trace view nests the two correctly.
 */
export function clientSpanId(calleeSpanId: string): string {
  return hex32(hashString(calleeSpanId)) + hex32(hashString(calleeSpanId, 0x2545f491));
}


/** Sentry span status for an HTTP span; the simulation's 4xx failures map by status code. */
export function statusOf(span: SpanSim): SpanStatus {
  const s = span.status;
  if (s < 400 || s >= 500) return span.spanStatus;
  if (s === 404) return 'not_found';
  if (s === 401) return 'unauthenticated';
  if (s === 409) return 'already_exists';
  if (s === 429) return 'resource_exhausted';
  return 'invalid_argument';
}

const COLUMNS: Readonly<Record<string, readonly string[]>> = {
  users: ['id', 'email', 'password_hash', 'display_name', 'created_at'],
  orders: ['id', 'customer_id', 'status', 'total_cents', 'currency', 'created_at'],
  products: ['id', 'sku', 'name', 'price_cents', 'stock', 'updated_at'],
  payments: ['id', 'order_id', 'provider_ref', 'amount_cents', 'status', 'created_at'],
  events: ['id', 'session_id', 'name', 'properties', 'occurred_at'],
};

/** The statement behind "SELECT orders" in the style of the service's driver or ORM. */
function sqlFor(profile: ServiceProfile, endpoint: Endpoint | undefined, operation: string): string {
  const space = operation.indexOf(' ');
  if (space < 0) return operation;
  const verb = operation.slice(0, space);
  const table = operation.slice(space + 1);
  const cols = COLUMNS[table] ?? ['id', 'data', 'updated_at'];
  const p = profile.sqlParam;
  const hibernate = profile.platform === 'java';
  const path = endpoint?.path ?? '/{id}';
  switch (verb) {
    case 'SELECT': {
      const key = endpoint?.route === 'POST /sessions' ? 'email' : 'id';
      if (hibernate) {
        const alias = `${table[0]}1_0`;
        const list = cols.map((c) => `${alias}.${c}`).join(',');
        return path.includes('{') || key === 'email'
          ? `select ${list} from ${table} ${alias} where ${alias}.${key}=?`
          : `select ${list} from ${table} ${alias} order by ${alias}.${cols[cols.length - 1]} desc offset ? rows fetch first ? rows only`;
      }
      return path.includes('{') || key === 'email'
        ? `SELECT ${cols.join(', ')} FROM ${table} WHERE ${key} = ${p(1)}`
        : `SELECT ${cols.join(', ')} FROM ${table} ORDER BY ${cols[cols.length - 1]} DESC LIMIT ${p(1)} OFFSET ${p(2)}`;
    }
    case 'INSERT': {
      const values = cols.map((_, i) => (hibernate ? '?' : p(i + 1)));
      return hibernate ? `insert into ${table} (${cols.join(',')}) values (${values.join(',')})` : `INSERT INTO ${table} (${cols.join(', ')}) VALUES (${values.join(', ')})`;
    }
    case 'UPDATE':
      return hibernate ? `update ${table} set status=?,updated_at=? where id=?` : `UPDATE ${table} SET status = ${p(1)}, updated_at = now() WHERE id = ${p(2)}`;
    default:
      return operation;
  }
}

/** What a call looks like from the caller's side, minus the per-request parts. */
interface CallShape {
  readonly op: string;
  readonly kind: 'db' | 'cache' | 'queue' | 'http';
  /** Description, or the pieces around the id it contains (cache keys, URLs). */
  readonly head: string;
  readonly parts?: readonly string[];
  /** Which id goes between the parts. */
  readonly id?: 'entity' | 'session' | 'page';
  readonly method?: string;
  readonly data: Readonly<Record<string, string | number>>;
}


function datastoreShape(topology: Topology, profile: ServiceProfile, endpoint: Endpoint | undefined, ds: Datastore, operation: string): CallShape {
  const host = hostOfDatastore(ds);
  const peer = { 'server.address': host, 'server.port': DATASTORE_PORTS[ds.config.type] ?? 443 };
  switch (ds.config.type) {
    case 'postgres':
      return { op: 'db.sql.query', kind: 'db', head: sqlFor(profile, endpoint, operation), data: { 'db.system': 'postgresql', 'db.name': 'shop', ...peer } };
    case 'redis': {
      const entity = entityOf(profile.service.name);
      const put = operation === 'SET';
      const byId = endpoint?.path.includes('{') ?? true;
      // Sessions are stored under their token; entities under their id; lists under a page key.
      const id = put && endpoint?.route === 'POST /sessions' ? 'session' : put || byId ? 'entity' : 'page';
      const head = id === 'session' ? 'session:' : id === 'entity' ? `${entity}:` : `${entity}s:list:page:`;
      return { op: put ? 'cache.put' : 'cache.get', kind: 'cache', head, parts: [head, ''], id, data: { 'db.system': 'redis', 'network.peer.address': host, 'network.peer.port': 6379 } };
    }
    case 'rabbitmq': {
      const queue = operation.startsWith('publish ') ? operation.slice('publish '.length) : operation;
      return { op: 'queue.publish', kind: 'queue', head: queue, data: { 'messaging.system': 'rabbitmq', 'messaging.destination.name': queue, ...peer } };
    }
    case 's3': {
      const buckets = topology.config.aws.s3.buckets;
      const put = operation === 'PutObject';
      const bucket = put ? buckets[buckets.length - 1]! : buckets[0]!;
      const method = put ? 'PUT' : operation === 'HeadObject' ? 'HEAD' : 'GET';
      const base = `https://${bucket}.s3.amazonaws.com/`;
      return put
        ? { op: 'http.client', kind: 'http', method, head: `${method} ${base}events/batch-`, parts: [`${method} ${base}events/batch-`, '.parquet'], id: 'entity', data: { 'http.request.method': method, 'server.address': `${bucket}.s3.amazonaws.com` } }
        : { op: 'http.client', kind: 'http', method, head: `${method} ${base}products/`, parts: [`${method} ${base}products/`, '/main.webp'], id: 'entity', data: { 'http.request.method': method, 'server.address': `${bucket}.s3.amazonaws.com` } };
    }
    case 'external_api': {
      const space = operation.indexOf(' ');
      const method = space > 0 ? operation.slice(0, space) : 'POST';
      const path = space > 0 ? operation.slice(space + 1) : operation;
      return { op: 'http.client', kind: 'http', method, head: `${method} https://${host}${path}`, data: { 'http.request.method': method, 'server.address': host, 'server.port': 443 } };
    }
    default:
      return { op: 'db', kind: 'db', head: operation, data: peer };
  }
}

function serviceShape(callee: Endpoint): CallShape {
  const head = `${callee.method} http://${callee.service}:8080${callee.path}`;
  const parts = head.split(/\{[^}]+\}/);
  const data = { 'http.request.method': callee.method, 'server.address': callee.service, 'server.port': 8080 };
  return parts.length === 1
    ? { op: 'http.client', kind: 'http', method: callee.method, head, data }
    : { op: 'http.client', kind: 'http', method: callee.method, head, parts, id: 'entity', data };
}

const SHAPES = new WeakMap<ServiceProfile, Map<string, CallShape>>();

function shapeOf(topology: Topology, profile: ServiceProfile, parent: SpanSim, child: SpanSim): CallShape {
  let byKey = SHAPES.get(profile);
  if (!byKey) SHAPES.set(profile, (byKey = new Map()));
  const key = `${parent.operation}|${child.target}|${child.operation}`;
  let shape = byKey.get(key);
  if (!shape) {
    const ds = child.isDatastore ? topology.datastore(child.target) : undefined;
    shape = ds
      ? datastoreShape(topology, profile, parent.endpoint, ds, child.operation)
      : child.endpoint
        ? serviceShape(child.endpoint)
        : { op: 'http.client', kind: 'http', head: child.operation, data: {} };
    byKey.set(key, shape);
  }
  return shape;
}

/** A session token minted for the request (derived from it, but not recognisably so). */
function sessionToken(traceId: string): string {
  return hex32(hashString(traceId, 1)) + hex32(hashString(traceId, 2)) + hex32(hashString(traceId, 3));
}

function describe(shape: CallShape, req: RequestSim): string {
  const parts = shape.parts;
  if (!parts) return shape.head;
  // Session keys carry the token, list pages their number; everything else the entity id.
  const id = shape.id === 'session' ? sessionToken(req.traceId) : shape.id === 'page' ? '1' : req.entityId;
  return parts.length === 2 ? parts[0]! + id + parts[1]! : parts.join(id);
}

/** HTTP status a client saw for the call (0 when no response came back). */
function httpStatus(child: SpanSim): number {
  if (!child.isDatastore) return child.status;
  if (!child.failure) return 200;
  if (child.failure === 'rate_limited') return 429;
  return child.failure.endsWith('timeout') || child.failure === 'cert_expired' || child.failure === 'dns_lookup' ? 0 : 503;
}

/** The child span a caller's transaction holds for one outgoing call. */
export function callSpan(topology: Topology, profile: ServiceProfile, req: RequestSim, parent: SpanSim, child: SpanSim, skewMs: number): SpanJSON {
  const shape = shapeOf(topology, profile, parent, child);
  const description = describe(shape, req);
  let data: Record<string, string | number | boolean | string[]>;
  if (shape.kind === 'http') {
    const status = httpStatus(child);
    data = status > 0 ? { ...shape.data, 'http.response.status_code': status } : { ...shape.data };
  } else if (shape.kind === 'cache') {
    data = shape.op === 'cache.get' ? { ...shape.data, 'cache.key': [description], 'cache.hit': !child.cacheMiss } : { ...shape.data, 'cache.key': [description] };
  } else {
    data = shape.data as Record<string, string | number>;
  }
  return {
    span_id: child.isDatastore ? child.spanId : clientSpanId(child.spanId),
    parent_span_id: parent.spanId,
    trace_id: req.traceId,
    op: shape.op,
    description,
    start_timestamp: seconds(child.start + skewMs),
    timestamp: seconds(child.start + child.durationMs + skewMs),
    status: child.isDatastore ? child.spanStatus : statusOf(child),
    data,
  };
}

/** The breadcrumb an SDK left for one outgoing call (recorded when the call returned). */
export function callBreadcrumb(topology: Topology, profile: ServiceProfile, req: RequestSim, parent: SpanSim, child: SpanSim, at: number): Breadcrumb {
  const shape = shapeOf(topology, profile, parent, child);
  const description = describe(shape, req);
  const timestamp = seconds(at);
  switch (shape.kind) {
    case 'http': {
      const status = httpStatus(child);
      const space = description.indexOf(' ');
      const data: Record<string, string | number> = { method: shape.method ?? 'GET', url: description.slice(space + 1) };
      if (status > 0) data.status_code = status;
      return { type: 'http', category: 'http', level: status >= 500 || status === 0 ? 'error' : status >= 400 ? 'warning' : 'info', timestamp, data };
    }
    case 'db':
      return child.failure
        ? { type: 'query', category: 'query', level: 'error', message: description, timestamp }
        : { type: 'query', category: 'query', message: description, timestamp };
    case 'cache':
      return shape.op === 'cache.get'
        ? { type: 'default', category: 'cache', level: child.failure ? 'error' : 'info', message: `GET ${description}`, timestamp, data: { 'cache.hit': !child.cacheMiss } }
        : { type: 'default', category: 'cache', level: child.failure ? 'error' : 'info', message: `SET ${description}`, timestamp };
    case 'queue':
      return { type: 'default', category: 'queue', level: child.failure ? 'error' : 'info', message: `publish ${description}`, timestamp };
  }
}

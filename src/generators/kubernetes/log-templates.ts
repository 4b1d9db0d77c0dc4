// The messages services print. Static ones (startup, shutdown, GC, pool warnings...) are fixed
// here; request messages are built per service and route so that user-defined services log
// sensible lines too. Ids never depend on the seed, so template ids are stable across datasets.
import type { Endpoint, Service } from '../../model/topology.js';
import { entityOf, handlerWords } from '../code/code-map.js';
import { type Template, TemplateSet } from '../template.js';
import type { Language } from '../code/code-map.js';

export const LOG_TEMPLATES = new TemplateSet();
const t = (id: string, pattern: string): Template => LOG_TEMPLATES.add(id, pattern);

export const GATEWAY_ACCESS = t('gw.access', '"<*> <*> HTTP/1.1" from <*> - <*> <*>B in <*>');
export const GATEWAY_RATE_LIMITED = t('gw.rate_limited', 'rate limit exceeded for client <*>: <*> req/s over limit of <*>');
export const UPSTREAM_FAILED = t('app.upstream_failed', 'Call to <*> failed with status <*> for <*>');
export const RETRYING = t('app.retrying', 'Retrying <*> after <*> (attempt <*>/3)');
export const SLOW_REQUEST = t('app.slow_request', 'Slow request <*> <*> took <*>ms (threshold 1000ms)');
export const SLOW_QUERY = t('app.slow_query', 'Slow query on <*> took <*>ms: <*>');
export const CACHE_MISS = t('app.cache_miss', 'Cache miss for key <*>, loading from database');
export const PUBLISHED = t('app.published', 'Published message to <*> (<*> bytes)');

export const ACCESS: Record<string, Template> = {
  django: t('access.gunicorn', '<*> - - "<*> <*> HTTP/1.1" <*> <*>'),
  fastapi: t('access.uvicorn', '<*>:<*> - "<*> <*> HTTP/1.1" <*> <*>'),
  spring: t('access.spring', 'Completed <*> <*> with status <*> in <*> ms'),
  fastify: t('access.fastify', 'request completed'),
  nestjs: t('access.nestjs', '<*> <*> <*> - <*>ms'),
  grpc: t('access.klog_http', 'HTTP'),
  generic: t('access.generic', '<*> <*> <*> <*>ms'),
};

/** The line frameworks print when a request comes in (before the work). */
export const INCOMING: Record<string, Template> = {
  django: t('incoming.django', 'Processing <*> <*>'),
  fastapi: t('incoming.fastapi', '<*> <*> started'),
  spring: t('incoming.spring', 'Received <*> <*> from <*>'),
  fastify: t('incoming.fastify', 'incoming request'),
  nestjs: t('incoming.nestjs', 'Incoming <*> <*>'),
  grpc: t('incoming.klog', 'Handling request'),
  generic: t('incoming.generic', 'Handling <*> <*>'),
};

function frameworkKey(service: Service): string {
  const fw = service.config.framework;
  for (const key of ['django', 'fastapi', 'spring', 'fastify', 'nest', 'grpc']) if (fw.startsWith(key)) return key === 'nest' ? 'nestjs' : key;
  return 'generic';
}

export function incomingTemplateOf(service: Service): Template {
  return INCOMING[frameworkKey(service)]!;
}

export function accessTemplateOf(service: Service): Template {
  const fw = service.config.framework;
  if (fw.startsWith('django')) return ACCESS.django!;
  if (fw.startsWith('fastapi')) return ACCESS.fastapi!;
  if (fw.startsWith('spring')) return ACCESS.spring!;
  if (fw.startsWith('fastify')) return ACCESS.fastify!;
  if (fw.startsWith('nest')) return ACCESS.nestjs!;
  if (fw.startsWith('grpc')) return ACCESS.grpc!;
  return ACCESS.generic!;
}

export const STARTUP: Record<Language, Template[]> = {
  java: [
    t('start.java.1', 'Starting <*>Application v<*> using Java 21.0.5 with PID 1 (/app/app.jar started by app in /app)'),
    t('start.java.2', 'The following 1 profile is active: "<*>"'),
    t('start.java.3', 'Tomcat initialized with port 8080 (http)'),
    t('start.java.4', 'HikariPool-1 - Starting...'),
    t('start.java.5', 'HikariPool-1 - Added connection org.postgresql.jdbc.PgConnection@<*>'),
    t('start.java.6', 'HikariPool-1 - Start completed.'),
    t('start.java.7', 'Tomcat started on port 8080 (http) with context path \'/\''),
    t('start.java.8', 'Started <*>Application in <*> seconds (process running for <*>)'),
  ],
  python: [
    t('start.python.1', 'Starting gunicorn 23.0.0'),
    t('start.python.2', 'Listening at: http://0.0.0.0:8080 (1)'),
    t('start.python.3', 'Using worker: <*>'),
    t('start.python.4', 'Booting worker with pid: <*>'),
    t('start.python.5', 'Application startup complete.'),
  ],
  node: [
    t('start.node.1', 'Loaded configuration for environment <*>'),
    t('start.node.2', 'Connected to <*> in <*>ms'),
    t('start.node.3', 'Server listening at http://0.0.0.0:<*>'),
  ],
  go: [
    t('start.go.1', 'starting <*> version=<*> commit=<*>'),
    t('start.go.2', 'connected to <*>'),
    t('start.go.3', 'listening on :<*>'),
  ],
};

export const SHUTDOWN: Record<Language, Template[]> = {
  java: [t('stop.java.1', 'Commencing graceful shutdown. Waiting for active requests to complete'), t('stop.java.2', 'Graceful shutdown complete'), t('stop.java.3', 'HikariPool-1 - Shutdown completed.')],
  python: [t('stop.python.1', 'Handling signal: term'), t('stop.python.2', 'Worker exiting (pid: <*>)'), t('stop.python.3', 'Shutting down: Master')],
  node: [t('stop.node.1', 'Received SIGTERM, closing server'), t('stop.node.2', 'Server closed, <*> connections drained')],
  go: [t('stop.go.1', 'shutting down server signal=terminated'), t('stop.go.2', 'server stopped')],
};

export const JVM_GC_YOUNG = t('jvm.gc.young', '[<*>][info][gc] GC(<*>) Pause Young (Normal) (G1 Evacuation Pause) <*>M-><*>M(<*>M) <*>ms');
export const JVM_GC_FULL = t('jvm.gc.full', '[<*>][info][gc] GC(<*>) Pause Full (G1 Compaction Pause) <*>M-><*>M(<*>M) <*>ms');

export const MEMORY_HIGH: Record<Language, Template> = {
  java: t('mem.java', 'Heap usage at <*>% of max (<*>MB/<*>MB) after GC'),
  python: t('mem.python', 'Worker <*> memory usage <*>MB above soft limit <*>MB'),
  node: t('mem.node', 'Memory usage high: rss=<*>MB heapUsed=<*>MB heapLimit=<*>MB'),
  go: t('mem.go', 'memory usage high heap_alloc_mb=<*> limit_mb=<*> num_gc=<*>'),
};

export const POOL_STATS: Record<Language, Template> = {
  java: t('pool.java', 'HikariPool-1 - Pool stats (total=<*>, active=<*>, idle=<*>, waiting=<*>)'),
  python: t('pool.python', 'Connection pool at capacity (size=<*>, checked_out=<*>, overflow=<*>, waiting=<*>)'),
  node: t('pool.node', 'pg pool exhausted: total=<*> idle=<*> waiting=<*>'),
  go: t('pool.go', 'pgxpool stats acquired=<*> idle=<*> max=<*> empty_acquire_count=<*>'),
};
export const POOL_STARVATION = t('pool.java.starvation', 'HikariPool-1 - Thread starvation or clock leap detected (housekeeper delta=<*>s).');

export const CACHE_MISS_RATE = t('cache.miss_rate', 'Cache miss rate <*>% over last minute (hits=<*>, misses=<*>)');
export const CONSUMER_LAG = t('queue.lag', 'Consumer lag on queue <*>: <*> messages ready, oldest message <*>s old');
export const RATE_LIMITED_BY = t('ratelimit.upstream', 'Upstream <*> is rate limiting us: <*> of last <*> calls got 429');
export const CONNECTION_LOST = t('net.connection_lost', 'Lost connection to <*> (<*>): read: connection reset by peer; reconnecting in <*>s');
export const CIRCUIT_STATE = t('circuit.state', "CircuitBreaker '<*>' changed state from <*> to <*>");
export const DISK_WRITE_FAILED = t('disk.write_failed', 'Failed to rotate log file /var/log/app/<*>.log: No space left on device');
export const THROTTLED = t('cpu.throttled', 'Event loop lag <*>ms; handler pool saturated (<*> in flight)');

export const JOB_STARTED = t('job.started', 'Job <*> started (schedule "<*>")');
export const JOB_PROGRESS = t('job.progress', 'Job <*> processed <*> records so far');
export const JOB_FINISHED = t('job.finished', 'Job <*> finished in <*>s: <*> records');

export const CRASH_EXIT = t('crash.exit', 'Application run failed');

// In-cluster datastores print their own formats.
export const RABBIT_ACCEPT = t('rabbitmq.accept', 'accepting AMQP connection <*> (<*>:<*> -> <*>:5672)');
export const RABBIT_AUTH = t('rabbitmq.auth', "connection <*> (<*>:<*> -> <*>:5672): user 'shop' authenticated and granted access to vhost '/'");
export const RABBIT_DISK_ALARM = t('rabbitmq.disk_alarm', 'disk resource limit alarm set on node rabbit@<*>. Free disk space: <*> bytes. Limit: <*> bytes');
export const RABBIT_DISK_CLEARED = t('rabbitmq.disk_cleared', 'disk resource limit alarm cleared on node rabbit@<*>');
export const RABBIT_BLOCKED = t('rabbitmq.blocked', 'connection <*> blocked: publishers blocked due to disk alarm');
export const COREDNS_QUERY = t('coredns.query', '<*>:<*> - <*> "A IN <*>. udp <*> false 1232" NOERROR qr,aa,rd <*> <*>s');
export const COREDNS_ERROR = t('coredns.error', 'plugin/errors: 2 <*>. A: read udp <*>:<*>-><*>:53: i/o timeout');
export const COREDNS_RELOAD = t('coredns.reload', 'plugin/reload: Running configuration SHA512 = <*>');

/** Per-route request messages of a service. */
export interface RouteTemplates {
  readonly success: Template;
  /** How to fill the success template's variables. */
  readonly vars: readonly RouteVar[];
}

export type RouteVar = 'id' | 'user' | 'amount' | 'items' | 'status' | 'source' | 'count' | 'category' | 'page' | 'payment' | 'method' | 'age' | 'partition' | 'session';

const KNOWN_ROUTES: Record<string, [string, RouteVar[]]> = {
  'POST /sessions': ['User <*> logged in (auth=<*>)', ['user', 'method']],
  'GET /users/{id}': ['Loaded profile for user <*> from <*>', ['user', 'source']],
  'POST /orders': ['Created order <*> for user <*> with <*> items, total <*> USD', ['id', 'user', 'items', 'amount']],
  'GET /orders/{id}': ['Fetched order <*> (status=<*>)', ['id', 'status']],
  'POST /orders/{id}/checkout': ['Checkout completed for order <*>: payment <*> authorized', ['id', 'payment']],
  'POST /payments': ['Payment <*> for order <*> captured: <*> USD via <*>', ['payment', 'id', 'amount', 'method']],
  'GET /payments/{id}': ['Payment <*> status <*>', ['payment', 'status']],
  'GET /products': ['Listed <*> products category=<*> page=<*>', ['count', 'category', 'page']],
  'GET /products/{id}': ['Served product <*> from <*>', ['id', 'source']],
  'POST /events': ['Accepted batch of <*> events from session <*>', ['count', 'session']],
};

const KNOWN_QUEUES: Record<string, [string, RouteVar[]]> = {
  'order.created': ['Sent order confirmation email for order <*> to user <*> (message age <*>ms)', ['id', 'user', 'age']],
  'payment.completed': ['Sent payment receipt for payment <*> to user <*> (message age <*>ms)', ['payment', 'user', 'age']],
  'analytics.events': ['Stored <*> events in partition <*> (lag <*>ms)', ['count', 'partition', 'age']],
};

const cache = new Map<string, RouteTemplates>();

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');
}

export function routeTemplates(service: Service, endpoint: Endpoint): RouteTemplates {
  const key = `${service.name} ${endpoint.route}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const known = KNOWN_ROUTES[endpoint.route];
  let pattern: string;
  let vars: RouteVar[];
  if (known) [pattern, vars] = known;
  else {
    const words = handlerWords(endpoint);
    const entity = entityOf(service.name);
    pattern = words[0] === 'list' ? `Listed <*> ${words.slice(1).join(' ')}` : `${words.join(' ')} done for ${entity} <*>`;
    vars = words[0] === 'list' ? ['count'] : ['id'];
  }
  const out = { success: LOG_TEMPLATES.add(`req.${slug(service.name)}.${slug(endpoint.route)}`, pattern), vars };
  cache.set(key, out);
  return out;
}

export function queueTemplates(service: Service, queue: string): RouteTemplates {
  const key = `${service.name} queue ${queue}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const [pattern, vars] = KNOWN_QUEUES[queue] ?? [`Processed message from ${queue} (message age <*>ms)`, ['age'] as RouteVar[]];
  const out = { success: LOG_TEMPLATES.add(`msg.${slug(service.name)}.${slug(queue)}`, pattern), vars };
  cache.set(key, out);
  return out;
}

// What each kind of failure looks like in each language: the exception type, its message
// template and the library frames it is raised from. Sentry events, Java/Node JSON log stack
// traces and Python tracebacks are all rendered from these.
import type { StackFrame } from '@sentry/core';
import type { FailureClass } from '../../simulation/failures.js';
import { Template, TemplateSet, type Arg } from '../template.js';
import type { Language } from './code-map.js';

/** Variables a failure message can mention. */
export interface FailureVars {
  /** The dependency involved (datastore or service name). */
  target: string;
  /** Its host name. */
  host: string;
  port: number;
  /** The next service towards the trouble, for upstream errors. */
  upstream: string;
  status: number;
  timeoutMs: number;
  poolSize: number;
  waiting: number;
  entityId: string;
  queue: string;
  path: string;
  ip: string;
}

export interface ExceptionSpec {
  readonly type: string;
  readonly module?: string;
  readonly template: Template;
  readonly args: (v: FailureVars) => Arg[];
  /** Library frames, outermost first, innermost last. */
  readonly frames: readonly StackFrame[];
}

export const EXCEPTION_TEMPLATES = new TemplateSet();

const f = (module: string, fn: string, filename: string, lineno: number, extra: Partial<StackFrame> = {}): StackFrame => ({
  module,
  function: fn,
  filename,
  lineno,
  in_app: false,
  ...extra,
});
const node = (file: string, fn: string, lineno: number, colno = 11): StackFrame => ({
  filename: file,
  abs_path: file,
  function: fn,
  lineno,
  colno,
  in_app: false,
});

type Entry = Omit<ExceptionSpec, 'template'> & { pattern: string };
type Table = Record<FailureClass, Record<Language, Entry>>;

const JDBC = [
  f('org.springframework.jdbc.core.JdbcTemplate', 'execute', 'JdbcTemplate.java', 376),
  f('org.springframework.jdbc.datasource.DataSourceUtils', 'getConnection', 'DataSourceUtils.java', 84),
];
const HTTPX = [f('httpx._client', 'send', 'httpx/_client.py', 914), f('httpx._transports.default', 'handle_request', 'httpx/_transports/default.py', 232)];
const UNDICI = [node('node:internal/deps/undici/undici', 'fetch', 13510), node('/app/node_modules/undici/lib/api/api-request.js', 'request', 171)];
const GO_HTTP = [f('net/http', '(*Client).do', 'net/http/client.go', 724), f('net/http', '(*Transport).roundTrip', 'net/http/transport.go', 621)];

const TABLE: Table = {
  null_reference: {
    java: { type: 'NullPointerException', module: 'java.lang', pattern: 'Cannot invoke "com.shop.model.Address.getCountry()" because the return value of "com.shop.model.Customer.getShippingAddress()" is null', args: () => [], frames: [] },
    python: { type: 'AttributeError', pattern: "'NoneType' object has no attribute 'email'", args: () => [], frames: [] },
    node: { type: 'TypeError', pattern: "Cannot read properties of undefined (reading 'currency')", args: () => [], frames: [] },
    go: { type: 'runtime.Error', module: 'runtime', pattern: 'runtime error: invalid memory address or nil pointer dereference', args: () => [], frames: [f('runtime', 'panicmem', 'runtime/panic.go', 262)] },
  },
  validation: {
    java: { type: 'MethodArgumentNotValidException', module: 'org.springframework.web.bind', pattern: 'Validation failed for argument [0]: field "quantity" must be greater than 0, rejected value [<*>]', args: (v) => [Number(v.entityId) % 3 - 2], frames: [] },
    python: { type: 'ValidationError', module: 'pydantic_core._pydantic_core', pattern: '1 validation error for Payload: field "email" value is not a valid email address: <*>', args: (v) => [`user${v.entityId}@`], frames: [] },
    node: { type: 'ValidationError', pattern: 'body/amount must be >= 50, got <*>', args: (v) => [Number(v.entityId) % 50], frames: [] },
    go: { type: '*validation.Error', pattern: 'invalid request: field "page_size" = <*> exceeds maximum 100', args: (v) => [100 + (Number(v.entityId) % 400)], frames: [] },
  },
  serialization: {
    java: { type: 'HttpMessageNotReadableException', module: 'org.springframework.http.converter', pattern: 'JSON parse error: Cannot deserialize value of type `java.math.BigDecimal` from String "<*>": not a valid representation', args: (v) => [`${v.entityId}.00.1`], frames: [f('com.fasterxml.jackson.databind.DeserializationContext', 'handleWeirdStringValue', 'DeserializationContext.java', 1991)] },
    python: { type: 'JSONDecodeError', module: 'json.decoder', pattern: 'Expecting value: line 1 column <*> (char <*>)', args: (v) => [Number(v.entityId) % 90 + 1, Number(v.entityId) % 90], frames: [f('json.decoder', 'raw_decode', 'json/decoder.py', 355)] },
    node: { type: 'SyntaxError', pattern: 'Unexpected token <*> in JSON at position <*>', args: (v) => ['}', Number(v.entityId) % 200], frames: [node('node:internal/deps/cjs-module-lexer/lexer', 'JSON.parse', 1)] },
    go: { type: '*json.UnmarshalTypeError', pattern: 'json: cannot unmarshal string into Go struct field Product.price of type float64 (product <*>)', args: (v) => [v.entityId], frames: [f('encoding/json', '(*decodeState).unmarshal', 'encoding/json/decode.go', 179)] },
  },
  conflict: {
    java: { type: 'OptimisticLockingFailureException', module: 'org.springframework.dao', pattern: 'Row was updated or deleted by another transaction: [com.shop.order.model.Order#<*>]', args: (v) => [v.entityId], frames: [] },
    python: { type: 'IntegrityError', module: 'django.db.utils', pattern: 'duplicate key value violates unique constraint "users_email_key" DETAIL: Key (email)=(user<*>@example.com) already exists.', args: (v) => [v.entityId], frames: [] },
    node: { type: 'ConflictError', pattern: 'idempotency key <*> already used with a different request body', args: (v) => [`idem_${v.entityId}`], frames: [] },
    go: { type: '*pgconn.PgError', pattern: 'ERROR: duplicate key value violates unique constraint "products_sku_key" (SQLSTATE 23505)', args: () => [], frames: [] },
  },
  out_of_memory: {
    java: { type: 'OutOfMemoryError', module: 'java.lang', pattern: 'Java heap space', args: () => [], frames: [f('java.util.Arrays', 'copyOf', 'Arrays.java', 3537), f('java.util.ArrayList', 'grow', 'ArrayList.java', 237)] },
    python: { type: 'MemoryError', pattern: 'Unable to allocate <*> MiB for an array with shape (<*>,) and data type float64', args: (v) => [64 + (Number(v.entityId) % 900), Number(v.entityId) * 11], frames: [f('numpy.core.numeric', 'zeros_like', 'numpy/core/numeric.py', 139)] },
    node: { type: 'RangeError', pattern: 'Array buffer allocation failed', args: () => [], frames: [node('node:buffer', 'Buffer.alloc', 389)] },
    go: { type: 'runtime.Error', module: 'runtime', pattern: 'runtime: out of memory: cannot allocate <*>-byte block (<*> in use)', args: (v) => [4194304 * (1 + (Number(v.entityId) % 8)), 524288000 + Number(v.entityId)], frames: [f('runtime', 'throw', 'runtime/panic.go', 1023)] },
  },
  startup_crash: {
    java: { type: 'BeanCreationException', module: 'org.springframework.beans.factory', pattern: "Error creating bean with name 'paymentClient': Injection of autowired dependencies failed; Could not resolve placeholder 'PAYMENTS_API_KEY' in value \"${PAYMENTS_API_KEY}\"", args: () => [], frames: [f('org.springframework.beans.factory.support.AbstractAutowireCapableBeanFactory', 'populateBean', 'AbstractAutowireCapableBeanFactory.java', 1421)] },
    python: { type: 'ImproperlyConfigured', module: 'django.core.exceptions', pattern: 'Set the <*>_DATABASE_URL environment variable', args: (v) => [v.target.toUpperCase().replace(/-/g, '_')], frames: [f('environ.environ', 'get_value', 'environ/environ.py', 391)] },
    node: { type: 'Error', pattern: "Cannot find module '<*>'", args: () => ['./config/secrets.production.json'], frames: [node('node:internal/modules/cjs/loader', 'Module._resolveFilename', 1225)] },
    go: { type: '*errors.errorString', pattern: 'config: required key <*> missing value', args: (v) => [`${v.target.toUpperCase().replace(/-/g, '_')}_DSN`], frames: [f('github.com/kelseyhightower/envconfig', 'Process', 'envconfig.go', 218)] },
  },
  pool_timeout: {
    java: { type: 'SQLTransientConnectionException', module: 'java.sql', pattern: 'HikariPool-1 - Connection is not available, request timed out after <*>ms (total=<*>, active=<*>, idle=0, waiting=<*>)', args: (v) => [v.timeoutMs, v.poolSize, v.poolSize, v.waiting], frames: [...JDBC, f('com.zaxxer.hikari.HikariDataSource', 'getConnection', 'HikariDataSource.java', 100), f('com.zaxxer.hikari.pool.HikariPool', 'getConnection', 'HikariPool.java', 181), f('com.zaxxer.hikari.pool.HikariPool', 'createTimeoutException', 'HikariPool.java', 686)] },
    python: { type: 'TimeoutError', module: 'sqlalchemy.exc', pattern: 'QueuePool limit of size <*> overflow 10 reached, connection timed out, timeout <*> (Background on this error at: https://sqlalche.me/e/20/3o7r)', args: (v) => [v.poolSize, (v.timeoutMs / 1000).toFixed(2)], frames: [f('sqlalchemy.engine.base', 'connect', 'sqlalchemy/engine/base.py', 3278), f('sqlalchemy.pool.impl', '_do_get', 'sqlalchemy/pool/impl.py', 168)] },
    node: { type: 'Error', pattern: 'timeout exceeded when trying to connect', args: () => [], frames: [node('/app/node_modules/pg-pool/index.js', 'Timeout._onTimeout', 45, 26)] },
    go: { type: '*fmt.wrapError', pattern: 'failed to acquire connection from pool: context deadline exceeded (max_conns=<*>)', args: (v) => [v.poolSize], frames: [f('github.com/jackc/pgx/v5/pgxpool', '(*Pool).Acquire', 'pgxpool/pool.go', 523)] },
  },
  connect_timeout: {
    java: { type: 'ConnectException', module: 'java.net', pattern: 'Connection timed out: <*>/<*>:<*>', args: (v) => [v.host, v.ip, v.port], frames: [f('sun.nio.ch.Net', 'connect', 'Net.java', 579), f('java.net.Socket', 'connect', 'Socket.java', 751)] },
    python: { type: 'ConnectTimeout', module: 'httpx', pattern: 'timed out while connecting to <*>:<*>', args: (v) => [v.host, v.port], frames: HTTPX },
    node: { type: 'Error', pattern: 'connect ETIMEDOUT <*>:<*>', args: (v) => [v.ip, v.port], frames: [node('node:net', 'TCPConnectWrap.afterConnect [as oncomplete]', 1607, 16)] },
    go: { type: '*net.OpError', pattern: 'dial tcp <*>:<*>: i/o timeout', args: (v) => [v.ip, v.port], frames: [f('net', '(*Dialer).DialContext', 'net/dial.go', 487)] },
  },
  request_timeout: {
    java: { type: 'SocketTimeoutException', module: 'java.net', pattern: 'Read timed out after <*>ms calling <*>', args: (v) => [v.timeoutMs, v.target], frames: [f('java.net.http.HttpClientImpl', 'send', 'HttpClientImpl.java', 951)] },
    python: { type: 'ReadTimeout', module: 'httpx', pattern: 'The read operation timed out (<*>s) calling <*>', args: (v) => [v.timeoutMs / 1000, v.target], frames: HTTPX },
    node: { type: 'TimeoutError', pattern: 'The operation was aborted due to timeout (<*>ms) calling <*>', args: (v) => [v.timeoutMs, v.target], frames: UNDICI },
    go: { type: '*url.Error', pattern: 'Post "http://<*>:8080<*>": context deadline exceeded (Client.Timeout exceeded while awaiting headers)', args: (v) => [v.target, v.path], frames: GO_HTTP },
  },
  no_space: {
    java: { type: 'IOException', module: 'java.io', pattern: 'No space left on device: /tmp/<*>/spool-<*>.tmp', args: (v) => [v.target, v.entityId], frames: [{ module: 'java.io.FileOutputStream', function: 'writeBytes', filename: 'FileOutputStream.java', in_app: false }] },
    python: { type: 'OSError', pattern: "[Errno 28] No space left on device: '/var/lib/<*>/exports/batch-<*>.parquet'", args: (v) => [v.target, v.entityId], frames: [f('pyarrow.parquet.core', 'write_table', 'pyarrow/parquet/core.py', 1902)] },
    node: { type: 'Error', pattern: "ENOSPC: no space left on device, write '/tmp/<*>-<*>.json'", args: (v) => [v.target, v.entityId], frames: [node('node:fs', 'writeSync', 932)] },
    go: { type: '*fs.PathError', pattern: 'write /var/lib/<*>/wal-<*>: no space left on device', args: (v) => [v.target, v.entityId], frames: [f('os', '(*File).Write', 'os/file.go', 189)] },
  },
  rate_limited: {
    java: { type: 'HttpClientErrorException.TooManyRequests', module: 'org.springframework.web.client', pattern: '429 Too Many Requests from <*>: "rate limit exceeded, retry after <*>s"', args: (v) => [v.host, 1 + (Number(v.entityId) % 30)], frames: [f('org.springframework.web.client.DefaultResponseErrorHandler', 'handleError', 'DefaultResponseErrorHandler.java', 168)] },
    python: { type: 'HTTPStatusError', module: 'httpx', pattern: "Client error '429 Too Many Requests' for url 'https://<*><*>'", args: (v) => [v.host, v.path], frames: HTTPX },
    node: { type: 'RateLimitError', pattern: 'Request rate limit exceeded by <*> (429), retry after <*>s', args: (v) => [v.host, 1 + (Number(v.entityId) % 30)], frames: UNDICI },
    go: { type: '*ratelimit.Error', pattern: 'rate limited by <*>: 429 Too Many Requests (retry-after=<*>s)', args: (v) => [v.host, 1 + (Number(v.entityId) % 30)], frames: GO_HTTP },
  },
  statement_timeout: {
    java: { type: 'QueryTimeoutException', module: 'org.springframework.dao', pattern: 'PreparedStatementCallback; SQL [select * from orders where id = ?]; ERROR: canceling statement due to statement timeout', args: () => [], frames: JDBC },
    python: { type: 'OperationalError', module: 'django.db.utils', pattern: 'canceling statement due to statement timeout', args: () => [], frames: [f('django.db.backends.utils', '_execute', 'django/db/backends/utils.py', 105)] },
    node: { type: 'DatabaseError', pattern: 'canceling statement due to statement timeout', args: () => [], frames: [node('/app/node_modules/pg/lib/client.js', 'Client._handleErrorMessage', 336, 17)] },
    go: { type: '*pgconn.PgError', pattern: 'ERROR: canceling statement due to statement timeout (SQLSTATE 57014)', args: () => [], frames: [f('github.com/jackc/pgx/v5/pgconn', '(*PgConn).receiveMessage', 'pgconn/pgconn.go', 546)] },
  },
  consumer_timeout: {
    java: { type: 'AmqpTimeoutException', module: 'org.springframework.amqp', pattern: 'Consumer for queue <*> timed out after <*>ms; message redelivered', args: (v) => [v.queue, v.timeoutMs], frames: [] },
    python: { type: 'ChannelClosedByBroker', module: 'pika.exceptions', pattern: '(406, \'PRECONDITION_FAILED - delivery acknowledgement on channel 1 timed out. Timeout value used: <*> ms\')', args: (v) => [v.timeoutMs], frames: [f('pika.adapters.blocking_connection', '_flush_output', 'pika/adapters/blocking_connection.py', 522)] },
    node: { type: 'Error', pattern: 'Channel closed by server: 406 (PRECONDITION-FAILED) with message "PRECONDITION_FAILED - delivery acknowledgement on channel 1 timed out. Timeout value used: <*> ms"', args: (v) => [v.timeoutMs], frames: [node('/app/node_modules/amqplib/lib/channel.js', 'Channel.C.accept', 422, 17)] },
    go: { type: '*amqp.Error', pattern: 'Exception (406) Reason: "PRECONDITION_FAILED - delivery acknowledgement on channel 1 timed out. Timeout value used: <*> ms"', args: (v) => [v.timeoutMs], frames: [] },
  },
  cert_expired: {
    java: { type: 'SSLHandshakeException', module: 'javax.net.ssl', pattern: 'PKIX path validation failed: java.security.cert.CertificateExpiredException: NotAfter: <*>', args: () => ['Sat Nov 28 00:00:00 UTC 2026'], frames: [f('sun.security.ssl.Alert', 'createSSLException', 'Alert.java', 131)] },
    python: { type: 'SSLCertVerificationError', module: 'ssl', pattern: "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: certificate has expired (_ssl.c:1000) while connecting to <*>", args: (v) => [v.host], frames: [f('ssl', 'do_handshake', 'ssl.py', 1342)] },
    node: { type: 'Error', pattern: 'certificate has expired (CERT_HAS_EXPIRED) connecting to <*>', args: (v) => [v.host], frames: [node('node:_tls_wrap', 'TLSSocket.onConnectSecure', 1674, 34)] },
    go: { type: '*tls.CertificateVerificationError', pattern: 'tls: failed to verify certificate: x509: certificate has expired or is not yet valid: current time <*> is after 2026-11-28T00:00:00Z (host <*>)', args: (v) => ['2026-11-28T12:00:00Z', v.host], frames: [f('crypto/tls', '(*Conn).verifyServerCertificate', 'crypto/tls/handshake_client.go', 1119)] },
  },
  dns_lookup: {
    java: { type: 'UnknownHostException', module: 'java.net', pattern: '<*>: Temporary failure in name resolution', args: (v) => [v.host], frames: [f('java.net.InetAddress$CachedLookup', 'get', 'InetAddress.java', 1024)] },
    python: { type: 'ConnectError', module: 'httpx', pattern: '[Errno -3] Temporary failure in name resolution (<*>)', args: (v) => [v.host], frames: [...HTTPX, f('socket', 'getaddrinfo', 'socket.py', 976)] },
    node: { type: 'Error', pattern: 'getaddrinfo EAI_AGAIN <*>', args: (v) => [v.host], frames: [node('node:dns', 'GetAddrInfoReqWrap.onlookupall [as oncomplete]', 120, 26)] },
    go: { type: '*net.DNSError', pattern: 'lookup <*> on 10.96.0.10:53: read udp <*>:53: i/o timeout', args: (v) => [v.host, v.ip], frames: [f('net', '(*Resolver).lookupIPAddr', 'net/lookup.go', 334)] },
  },
  circuit_open: {
    java: { type: 'CallNotPermittedException', module: 'io.github.resilience4j.circuitbreaker', pattern: "CircuitBreaker '<*>' is OPEN and does not permit further calls", args: (v) => [v.upstream], frames: [f('io.github.resilience4j.circuitbreaker.CallNotPermittedException', 'createCallNotPermittedException', 'CallNotPermittedException.java', 48)] },
    python: { type: 'CircuitBreakerError', module: 'pybreaker', pattern: 'Timeout not elapsed yet, circuit breaker still open (<*>)', args: (v) => [v.upstream], frames: [f('pybreaker', 'before_call', 'pybreaker.py', 614)] },
    node: { type: 'OpenCircuitError', pattern: 'Breaker is open: <*>', args: (v) => [v.upstream], frames: [node('/app/node_modules/opossum/lib/circuit.js', 'CircuitBreaker.call', 685, 29)] },
    go: { type: '*errors.errorString', pattern: 'circuit breaker is open (<*>)', args: (v) => [v.upstream], frames: [f('github.com/sony/gobreaker', '(*CircuitBreaker).beforeRequest', 'gobreaker.go', 294)] },
  },
  upstream_error: {
    java: { type: 'HttpServerErrorException', module: 'org.springframework.web.client', pattern: '<*> from POST http://<*>:8080<*>', args: (v) => [v.status, v.upstream, v.path], frames: [f('org.springframework.web.client.DefaultResponseErrorHandler', 'handleError', 'DefaultResponseErrorHandler.java', 184)] },
    python: { type: 'HTTPStatusError', module: 'httpx', pattern: "Server error '<*>' for url 'http://<*>:8080<*>'", args: (v) => [v.status, v.upstream, v.path], frames: HTTPX },
    node: { type: 'UpstreamError', pattern: 'upstream <*> responded <*> for <*>', args: (v) => [v.upstream, v.status, v.path], frames: UNDICI },
    go: { type: '*proxy.UpstreamError', pattern: 'upstream <*> returned <*> for <*>', args: (v) => [v.upstream, v.status, v.path], frames: GO_HTTP },
  },
};

const SPECS = new Map<string, ExceptionSpec>();
for (const [failure, byLanguage] of Object.entries(TABLE)) {
  for (const [language, entry] of Object.entries(byLanguage)) {
    const { pattern, ...rest } = entry;
    SPECS.set(`${failure}/${language}`, { ...rest, template: EXCEPTION_TEMPLATES.add(`exc.${failure}.${language}`, pattern) });
  }
}

export function exceptionFor(failure: FailureClass, language: Language): ExceptionSpec {
  return SPECS.get(`${failure}/${language}`)!;
}

// The log lines a request leaves behind in every pod it passes: the gateway's access line, each
// service's business line or error (with its stack), retries, slow queries, cache misses.
import type { Consumer, Endpoint, Service } from '../../model/topology.js';
import type { Rng } from '../../random/rng.js';
import type { RequestSim, SpanSim } from '../../simulation/requests.js';
import { isClientError } from '../../simulation/failures.js';
import { appFrames, handlerLayer, handlerWords, klogSource, serviceLayer, entityOf, type CodeLayer } from '../code/code-map.js';
import { exceptionFor } from '../code/exceptions.js';
import { truthOf, type GenerationContext } from '../generator.js';
import type { Arg } from '../template.js';
import { failingChild, failureVars, fillPath } from '../code/failure-vars.js';
import type { Level, LogLine } from './log-formats.js';
import {
  accessTemplateOf,
  incomingTemplateOf,
  CACHE_MISS,
  GATEWAY_ACCESS,
  GATEWAY_RATE_LIMITED,
  PUBLISHED,
  queueTemplates,
  RETRYING,
  routeTemplates,
  SLOW_QUERY,
  SLOW_REQUEST,
  UPSTREAM_FAILED,
  type RouteTemplates,
  type RouteVar,
} from './log-templates.js';
import type { Template } from '../template.js';
import type { LogWriter } from './log-writer.js';

const STATUSES = ['pending', 'paid', 'shipped', 'delivered'];
const CATEGORIES = ['shoes', 'outdoor', 'kitchen', 'electronics', 'books', 'garden', 'toys'];
const AUTH = ['password', 'oauth_google', 'passkey', 'oauth_apple'];
const PAY = ['card', 'card', 'card', 'paypal', 'apple_pay'];
const REASONS: Record<number, string> = { 200: 'OK', 201: 'Created', 400: 'Bad Request', 401: 'Unauthorized', 404: 'Not Found', 409: 'Conflict', 422: 'Unprocessable Entity', 429: 'Too Many Requests', 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout' };

function levelOf(status: number): Level {
  return status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
}

function routeVar(v: RouteVar, req: RequestSim, span: SpanSim): Arg {
  const n = Number(req.entityId);
  switch (v) {
    case 'id':
      return req.entityId;
    case 'user':
      return req.userId;
    case 'amount':
      return (req.amountCents / 100).toFixed(2);
    case 'items':
      return 1 + (n % 5);
    case 'status':
      return STATUSES[n % STATUSES.length]!;
    case 'source':
      return span.children.some((c) => c.cacheMiss) || !span.children.some((c) => c.target === 'redis') ? 'database' : 'cache';
    case 'count':
      return 12 + (n % 37);
    case 'category':
      return CATEGORIES[n % CATEGORIES.length]!;
    case 'page':
      return 1 + (n % 6);
    case 'payment':
      return `pay_${req.traceId.slice(0, 14)}`;
    case 'method':
      return (span.target.startsWith('payment') ? PAY : AUTH)[n % 4]!;
    case 'age':
      return req.messageAgeMs ?? 0;
    case 'partition':
      return n % 12;
    case 'session':
      return `s_${req.traceId.slice(16, 28)}`;
  }
}

const fmtMs = (ms: number): string => `${ms.toFixed(3)}ms`;
/** A log line for a span: the span's constant parts plus this line's own (no object spread on the hot path). */
type LineBase = Pick<LogLine, 'logger' | 'traceId' | 'spanId' | 'thread' | 'source'>;
function lineOf(base: LineBase, own: Pick<LogLine, 't' | 'level' | 'template' | 'args'> & Partial<Pick<LogLine, 'error'>>): LogLine {
  return { t: own.t, level: own.level, template: own.template, args: own.args, error: own.error, logger: base.logger, traceId: base.traceId, spanId: base.spanId, thread: base.thread, source: base.source };
}

const THREADS = Array.from({ length: 40 }, (_, i) => `http-nio-8080-exec-${i + 1}`);

interface CodeInfo {
  readonly handler: CodeLayer;
  readonly logic: CodeLayer;
  readonly klogSource: string;
  readonly work: RouteTemplates;
  readonly incoming: Template;
  readonly access: Template;
}

/** The code layers a request to an endpoint (or a consumer) runs through, computed once. */
const codeCache = new WeakMap<object, CodeInfo>();

function codeOf(service: Service, key: Endpoint | Consumer): CodeInfo {
  let info = codeCache.get(key);
  if (!info) {
    const words = 'route' in key ? handlerWords(key) : ['consume', 'message'];
    const logic = serviceLayer(service, entityOf(service.name), words);
    const work = 'route' in key ? routeTemplates(service, key) : queueTemplates(service, key.queue);
    info = { handler: handlerLayer(service, words), logic, klogSource: klogSource(logic.frame), work, incoming: incomingTemplateOf(service), access: accessTemplateOf(service) };
    codeCache.set(key, info);
  }
  return info;
}

export class RequestLogs {
  constructor(
    private readonly ctx: GenerationContext,
    private readonly writer: LogWriter,
  ) {}

  emit(rng: Rng, req: RequestSim): void {
    this.span(rng, req, req.root, undefined);
  }

  private span(rng: Rng, req: RequestSim, span: SpanSim, caller: SpanSim | undefined): void {
    if (span.isDatastore) return;
    const service = this.ctx.world.topology.findService(span.target);
    if (service && span.pod) {
      if (service === this.ctx.world.topology.edge) this.gateway(req, span, service);
      else this.service(rng, req, span, service, caller);
    }
    for (const child of span.children) this.span(rng, req, child, span);
  }

  private gateway(req: RequestSim, span: SpanSim, service: Service): void {
    const end = span.start + span.durationMs;
    const path = fillPath(span.endpoint!.path, req.entityId);
    const truth = truthOf(span.cause, GATEWAY_ACCESS.id);
    if (span.failure === 'rate_limited' && span.origin) {
      this.writer.write(service, span.pod!, { t: span.start, level: 'warn', template: GATEWAY_RATE_LIMITED, args: [req.clientIp, 20 + (Number(req.entityId) % 80), 100], logger: 'ratelimit', traceId: req.traceId, spanId: span.spanId }, truthOf(span.cause, GATEWAY_RATE_LIMITED.id), req.traceId);
    }
    this.writer.write(
      service,
      span.pod!,
      {
        t: end,
        level: levelOf(span.status),
        template: GATEWAY_ACCESS,
        args: [span.endpoint!.method, path, `${req.clientIp}:${40000 + (Number(req.entityId) % 25000)}`, span.status, span.status < 400 ? req.bytesOut : 120, fmtMs(span.durationMs)],
        logger: 'access',
        traceId: req.traceId,
        spanId: span.spanId,
        fields: [
          ['request_id', `${span.pod!.name.slice(-5)}/${req.traceId.slice(0, 10)}`],
          ['upstream', span.children[0]?.target ?? '-'],
        ],
      },
      truth,
      req.traceId,
    );
  }

  private service(rng: Rng, req: RequestSim, span: SpanSim, service: Service, caller: SpanSim | undefined): void {
    const pod = span.pod!;
    const end = span.start + span.durationMs;
    const code = codeOf(service, span.endpoint ?? span.consumer!);
    const handler = code.handler;
    const thread = THREADS[Number(req.entityId) % THREADS.length]!;
    const base = { logger: code.logic.logger, traceId: req.traceId, spanId: span.spanId, thread, source: code.klogSource };

    if (service.config.log_lines_per_request >= 3 && span.endpoint) this.incoming(req, span, code.incoming, caller, code.handler.logger);

    // Dependency chatter first, in time order: publishes, cache misses, slow queries, retries.
    for (const child of span.children) {
      const at = child.start + child.durationMs;
      if (child.isDatastore) {
        if (child.cacheMiss && service.config.log_lines_per_request >= 2) {
          this.writer.write(service, pod, lineOf(base, {t: at, level: 'info', template: CACHE_MISS, args: [`${entityOf(service.name)}:${req.entityId}`] }), truthOf(child.cause, CACHE_MISS.id), req.traceId);
        }
        if (child.operation.startsWith('publish') && !child.failure) {
          this.writer.write(service, pod, lineOf(base, {t: at, level: 'info', template: PUBLISHED, args: [child.operation.split(' ')[1] ?? 'events', 180 + (Number(req.entityId) % 900)] }), truthOf(child.cause, PUBLISHED.id), req.traceId);
        }
        if (child.target === 'postgres' && child.durationMs > 500) {
          this.writer.write(service, pod, lineOf(base, {t: at, level: 'warn', template: SLOW_QUERY, args: ['postgres', Math.round(child.durationMs), child.operation] }), truthOf(child.cause, SLOW_QUERY.id), req.traceId);
        }
      }
      if (child.failure && (child.failure.endsWith('timeout') || child.status === 503 || child.failure === 'rate_limited')) {
        this.writer.write(service, pod, lineOf(base, {t: at, level: 'warn', template: RETRYING, args: [child.target, child.failure, 2] }), truthOf(child.cause, RETRYING.id), req.traceId);
      }
    }

    if (span.failure && !isClientError(span.failure)) {
      if (span.origin) {
        const spec = exceptionFor(span.failure, service.language);
        const vars = failureVars(this.ctx.world.topology, service, req, span, failingChild(span));
        const message = spec.template.fill(spec.args(vars));
        this.writer.write(
          service,
          pod,
          lineOf(base, {t: end - 0.5, level: 'error', template: spec.template, args: spec.args(vars), error: { type: spec.type, module: spec.module, message, frames: spec.frames } }),
          truthOf(span.cause, spec.template.id),
          req.traceId,
          appFrames(service, span.endpoint, 'consume'),
        );
      } else {
        const failed = span.children.find((c) => c.failure);
        const args = [span.upstream ?? failed?.target ?? '-', failed?.status ?? 503, span.operation];
        this.writer.write(service, pod, lineOf(base, {t: end - 0.5, level: 'error', template: UPSTREAM_FAILED, args }), truthOf(span.cause, UPSTREAM_FAILED.id), req.traceId);
      }
    } else if (span.consumer) {
      const tpl = code.work;
      this.writer.write(service, pod, lineOf(base, {t: end, level: 'info', template: tpl.success, args: tpl.vars.map((v) => routeVar(v, req, span)) }), truthOf(span.cause, tpl.success.id), req.traceId);
    } else if (span.endpoint && span.status < 400) {
      const tpl = code.work;
      this.writer.write(service, pod, lineOf(base, {t: span.start + span.durationMs * 0.8, level: 'info', template: tpl.success, args: tpl.vars.map((v) => routeVar(v, req, span)) }), truthOf(span.cause, tpl.success.id), req.traceId);
    }

    if (span.durationMs > 1000 && !span.failure && span.endpoint) {
      this.writer.write(service, pod, lineOf(base, {t: end, level: 'warn', template: SLOW_REQUEST, args: [span.endpoint.method, span.endpoint.path, Math.round(span.durationMs)] }), truthOf(span.cause, SLOW_REQUEST.id), req.traceId);
    }
    if (service.config.log_lines_per_request >= 2 && span.endpoint) this.access(req, span, service, code.access, caller, handler.logger);
  }

  private incoming(req: RequestSim, span: SpanSim, tpl: Template, caller: SpanSim | undefined, logger: string): void {
    const service = this.ctx.world.topology.service(span.target);
    const e = span.endpoint!;
    const path = fillPath(e.path, req.entityId);
    let args: Arg[] = [];
    let fields: Array<readonly [string, Arg]> | undefined;
    switch (tpl.id) {
      case 'incoming.fastify':
        fields = [
          ['reqId', `req-${req.traceId.slice(0, 6)}`],
          ['req', `${e.method} ${path}`],
        ];
        break;
      case 'incoming.klog':
        fields = [
          ['method', e.method],
          ['path', path],
        ];
        break;
      case 'incoming.spring':
        args = [e.method, path, caller?.pod?.ip ?? '10.0.1.10'];
        break;
      default:
        args = [e.method, path];
    }
    this.writer.write(service, span.pod!, { t: span.start + 0.05, level: 'info', template: tpl, args, logger, traceId: req.traceId, spanId: span.spanId, fields, source: 'handler.go:61' }, truthOf(span.cause, tpl.id), req.traceId);
  }

  private access(req: RequestSim, span: SpanSim, service: Service, tpl: Template, caller: SpanSim | undefined, logger: string): void {
    const e = span.endpoint!;
    const path = fillPath(e.path, req.entityId);
    const callerIp = caller?.pod?.ip ?? '10.0.1.10';
    const port = 30000 + (Number(req.entityId) % 30000);
    const status = span.status;
    const truth = truthOf(span.cause, tpl.id);
    const t = span.start + span.durationMs;
    let args: Arg[];
    let fields: Array<readonly [string, Arg]> | undefined;
    switch (tpl.id) {
      case 'access.gunicorn':
        args = [callerIp, e.method, path, status, req.bytesOut];
        break;
      case 'access.uvicorn':
        args = [callerIp, port, e.method, path, status, REASONS[status] ?? ''];
        break;
      case 'access.spring':
        args = [e.method, path, status, Math.round(span.durationMs)];
        break;
      case 'access.fastify':
        args = [];
        fields = [
          ['reqId', `req-${req.traceId.slice(0, 6)}`],
          ['url', path],
          ['statusCode', status],
          ['responseTime', Math.round(span.durationMs * 1000) / 1000],
        ];
        break;
      case 'access.klog_http':
        args = [];
        fields = [
          ['verb', e.method],
          ['URI', path],
          ['latency', fmtMs(span.durationMs)],
          ['userAgent', 'Go-http-client/1.1'],
          ['srcIP', `${callerIp}:${port}`],
          ['resp', status],
        ];
        break;
      default:
        args = [e.method, path, status, Math.round(span.durationMs)];
    }
    this.writer.write(service, span.pod!, { t, level: levelOf(status), template: tpl, args, logger: tpl.id === 'access.spring' ? logger : tpl.id.split('.')[1]!, traceId: req.traceId, spanId: span.spanId, fields, source: 'httplog.go:134' }, truth, req.traceId);
  }
}

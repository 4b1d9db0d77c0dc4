// Log-like records as OTLP log records (the SDK's ReadableLogRecord, which the official
// serializers turn into ExportLogsServiceRequest): container log lines, CloudWatch log events
// and Sentry error events. Times are the record's own (rebased) times, never "now".
import { TraceFlags, type SpanContext } from '@opentelemetry/api';
import { SeverityNumber, type LogAttributes } from '@opentelemetry/api-logs';
import type { InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { Exception, StackFrame } from '@sentry/core';
import type { CloudWatchLogBody, FileRecord, KubernetesLogBody, SentryErrorBody } from '../../model/record.js';
import { rebaseRecord, shiftLogLine } from '../../replay/rebase-body.js';
import { hrTimeOfIso, hrTimeOfMs, hrTimeOfSeconds } from './hrtime.js';
import {
  baseAttributes,
  imageAttributes,
  labelAttributes,
  regionOfEc2Hostname,
  workloadAttributes,
  type ResourceAttributes,
  type ResourceCache,
} from './resources.js';
import {
  ATTR_AWS_LOG_GROUP_NAMES,
  ATTR_AWS_LOG_STREAM_NAMES,
  ATTR_CLOUD_ACCOUNT_ID,
  ATTR_CLOUD_PLATFORM,
  ATTR_CLOUD_PROVIDER,
  ATTR_CLOUD_REGION,
  ATTR_CONTAINER_ID,
  ATTR_DEPLOYMENT_ENVIRONMENT_NAME,
  ATTR_EXCEPTION_MESSAGE,
  ATTR_EXCEPTION_STACKTRACE,
  ATTR_EXCEPTION_TYPE,
  ATTR_HOST_NAME,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_K8S_CONTAINER_NAME,
  ATTR_K8S_NAMESPACE_NAME,
  ATTR_K8S_NODE_NAME,
  ATTR_K8S_POD_NAME,
  ATTR_K8S_POD_UID,
  ATTR_LOG_IOSTREAM,
  ATTR_LOG_RECORD_UID,
  ATTR_SERVICE_NAMESPACE,
  ATTR_SERVICE_VERSION,
  ATTR_URL_FULL,
  ATTR_USER_ID,
  CLOUD_PLATFORM_AWS_EKS,
  CLOUD_PROVIDER_AWS,
  K8S_POD_LABEL_PREFIX,
} from './semconv.js';
import { parseSeverity, UNSPECIFIED, type Severity } from './severity.js';

export interface LogScopes {
  readonly kubernetes: InstrumentationScope;
  readonly cloudwatch: InstrumentationScope;
  readonly sentry: InstrumentationScope;
}

const HEX32 = /^[0-9a-f]{32}$/;
const SPAN_ID = /span_?id\\?"?\s*[=:]\s*\\?"?([0-9a-f]{16})(?![0-9a-f])/i;
const SAMPLED = /trace_?flags\\?"?\s*[=:]\s*\\?"?01/i;

/** The span id a log line prints (logfmt, JSON or bracketed `span_id=`), if any. */
export function spanIdOfLine(line: string): string | undefined {
  // Most lines have none: find the key ("span_id", "spanId", "spanID") before running the expression.
  for (let at = line.indexOf('pan'); at > 0; at = line.indexOf('pan', at + 3)) {
    const c = line.charCodeAt(at + 3);
    if (c !== 95 /* _ */ && c !== 73 /* I */) continue;
    const m = SPAN_ID.exec(line.slice(at - 1, at + 40));
    if (m) return m[1]!.toLowerCase();
  }
  return undefined;
}

function spanContextOf(traceId: string | undefined, line: string | undefined): SpanContext | undefined {
  if (traceId === undefined || traceId.length !== 32 || !HEX32.test(traceId)) return undefined;
  const spanId = line ? spanIdOfLine(line) : undefined;
  // Only JSON loggers (pino) print the W3C flags.
  const flags = line !== undefined && line.charCodeAt(0) === 123 ? Math.max(line.indexOf('race_flags'), line.indexOf('raceFlags')) : -1;
  const sampled = flags > 0 && SAMPLED.test(line!.slice(flags - 1, flags + 20));
  return { traceId, spanId: spanId ?? '', traceFlags: sampled ? TraceFlags.SAMPLED : TraceFlags.NONE };
}

/** The resource of a container as Fluent Bit's kubernetes filter describes it. */
function kubernetesResource(service: string, k: KubernetesLogBody['kubernetes']): ResourceAttributes {
  const out = baseAttributes(service, false);
  out[ATTR_SERVICE_NAMESPACE] = k.namespace_name;
  out[ATTR_K8S_NAMESPACE_NAME] = k.namespace_name;
  out[ATTR_K8S_POD_NAME] = k.pod_name;
  out[ATTR_K8S_POD_UID] = k.pod_id;
  out[ATTR_K8S_NODE_NAME] = k.host;
  out[ATTR_K8S_CONTAINER_NAME] = k.container_name;
  out[ATTR_CONTAINER_ID] = k.docker_id;
  workloadAttributes(k.pod_name, k.labels, out);
  labelAttributes(K8S_POD_LABEL_PREFIX, k.labels, out);
  const region = regionOfEc2Hostname(k.host);
  if (region) {
    out[ATTR_CLOUD_PROVIDER] = CLOUD_PROVIDER_AWS;
    out[ATTR_CLOUD_PLATFORM] = CLOUD_PLATFORM_AWS_EKS;
    out[ATTR_CLOUD_REGION] = region;
  }
  imageAttributes(k.container_image, out);
  return out;
}

interface ContainerEntry {
  readonly service: string;
  readonly podId: string;
  readonly container: string;
  readonly resource: Resource;
}

export class LogMapper {
  /** Resources by container id (the hot path: no key string to build per line). */
  private readonly containers = new Map<string, ContainerEntry>();

  constructor(
    private readonly resources: ResourceCache,
    private readonly scopes: LogScopes,
  ) {}

  /** `record` is already rebased; `observedMs` is the rebased envelope time. */
  map(record: FileRecord, observedMs: number): ReadableLogRecord | undefined {
    switch (record.kind) {
      case 'kubernetes_log':
        return this.kubernetesLog(record.id, record.service, record.trace_id, record.body, record.timestamp, observedMs);
      case 'cloudwatch_log':
        return this.cloudwatchLog(record.id, record.service, record.trace_id, record.body, record.timestamp, observedMs);
      case 'sentry_error':
        return this.sentryError(record.id, record.service, record.trace_id, record.body, record.timestamp, observedMs);
      default:
        return undefined;
    }
  }

  /**
   * The same log record as map(rebaseRecord(record, shiftMs), observedMs), made faster for
   * container log lines (the bulk of a replay): the record is not copied, only its line is
   * rewritten, and its CRI time is moved as a number (shifts are whole seconds).
   */
  mapShifted(record: FileRecord, shiftMs: number, observedMs: number): ReadableLogRecord | undefined {
    if (record.kind !== 'kubernetes_log' || shiftMs % 1000 !== 0) return this.map(rebaseRecord(record, shiftMs), observedMs);
    const log = shiftLogLine(record.body.log, shiftMs, new Date(record.timestamp).getUTCFullYear());
    return this.kubernetesLog(record.id, record.service, record.trace_id, record.body, record.timestamp + shiftMs, observedMs, shiftMs, log);
  }

  /** `shiftMs` moves the body's time; `log` is the line as sent (already moved). */
  private kubernetesLog(id: string, service: string, traceId: string | undefined, body: KubernetesLogBody, timestamp: number, observedMs: number, shiftMs = 0, log = body.log): ReadableLogRecord {
    const k = body.kubernetes;
    let entry = this.containers.get(k.docker_id);
    if (entry === undefined || entry.service !== service || entry.podId !== k.pod_id || entry.container !== k.container_name) {
      const resource = this.resources.get(`k|${service}|${k.pod_id}|${k.container_name}|${k.docker_id}`, () => kubernetesResource(service, k));
      entry = { service, podId: k.pod_id, container: k.container_name, resource };
      if (this.containers.size >= 20_000) this.containers.clear();
      this.containers.set(k.docker_id, entry);
    }
    const resource = entry.resource;
    const severity = parseSeverity(log);
    const time = hrTimeOfIso(body.time);
    return {
      hrTime: time ? [time[0] + shiftMs / 1000, time[1]] : hrTimeOfMs(timestamp),
      hrTimeObserved: hrTimeOfMs(observedMs),
      spanContext: spanContextOf(traceId, log),
      severityNumber: severity.number,
      severityText: severity.text || undefined,
      body: log,
      resource,
      instrumentationScope: this.scopes.kubernetes,
      // Literal keys (log.iostream, log.record.uid): a computed-key literal is slower to build.
      attributes: { 'log.iostream': body.stream, 'log.record.uid': id },
      droppedAttributesCount: 0,
    };
  }

  private cloudwatchLog(id: string, service: string, traceId: string | undefined, body: CloudWatchLogBody, timestamp: number, observedMs: number): ReadableLogRecord {
    const event = body.logEvents?.[0];
    const message = event?.message ?? '';
    const group = body.logGroupName ?? '';
    const stream = body.logStreamName ?? '';
    // Container Insights ships Fluent Bit's JSON record as the message: read the app's line inside.
    let inner: Partial<KubernetesLogBody> | undefined;
    if (message.charCodeAt(0) === 123 && message.includes('"log"')) {
      try {
        inner = JSON.parse(message) as Partial<KubernetesLogBody>;
      } catch {
        inner = undefined;
      }
    }
    const line = typeof inner?.log === 'string' ? inner.log : message;
    const resource = this.resources.get(`c|${service}|${group}|${stream}`, () => {
      const out: ResourceAttributes = inner?.kubernetes ? kubernetesResource(service, inner.kubernetes) : baseAttributes(service, true);
      out[ATTR_CLOUD_PROVIDER] = CLOUD_PROVIDER_AWS;
      out[ATTR_AWS_LOG_GROUP_NAMES] = [group];
      out[ATTR_AWS_LOG_STREAM_NAMES] = [stream];
      // ALB access logs name the target group's ARN: its region and account are the resource's.
      const arn = /\barn:aws[a-z-]*:[a-z0-9-]+:([a-z]{2}(?:-[a-z]+)+-\d):(\d{12}):/.exec(message);
      if (arn) {
        out[ATTR_CLOUD_REGION] ??= arn[1]!;
        out[ATTR_CLOUD_ACCOUNT_ID] ??= arn[2]!;
      }
      return out;
    });
    const severity = parseSeverity(line);
    const attributes: LogAttributes = { [ATTR_LOG_RECORD_UID]: id };
    if (inner?.stream === 'stdout' || inner?.stream === 'stderr') attributes[ATTR_LOG_IOSTREAM] = inner.stream;
    return {
      hrTime: hrTimeOfMs(event?.timestamp ?? timestamp),
      hrTimeObserved: hrTimeOfMs(observedMs),
      spanContext: spanContextOf(traceId, line),
      severityNumber: severity.number,
      severityText: severity.text || undefined,
      body: message,
      resource,
      instrumentationScope: this.scopes.cloudwatch,
      attributes,
      droppedAttributesCount: 0,
    };
  }

  private sentryError(id: string, service: string, envelopeTraceId: string | undefined, body: SentryErrorBody, timestamp: number, observedMs: number): ReadableLogRecord {
    const tags = (body.tags ?? {}) as Record<string, unknown>;
    const tag = (k: string): string | undefined => (typeof tags[k] === 'string' ? (tags[k] as string) : undefined);
    const pod = tag('pod') ?? body.server_name;
    const node = tag('node');
    const namespace = tag('namespace');
    const release = body.release;
    const environment = body.environment;
    const resource = this.resources.get(`s|${service}|${release ?? ''}|${environment ?? ''}|${pod ?? ''}|${node ?? ''}|${namespace ?? ''}`, () => {
      const out = baseAttributes(service, false);
      if (release) out[ATTR_SERVICE_VERSION] = release.includes('@') ? release.slice(release.lastIndexOf('@') + 1) : release;
      if (environment) out[ATTR_DEPLOYMENT_ENVIRONMENT_NAME] = environment;
      if (namespace) {
        out[ATTR_SERVICE_NAMESPACE] = namespace;
        out[ATTR_K8S_NAMESPACE_NAME] = namespace;
      }
      if (pod) {
        out[ATTR_K8S_POD_NAME] = pod;
        workloadAttributes(pod, undefined, out);
      }
      if (body.server_name) out[ATTR_HOST_NAME] = body.server_name;
      if (node) {
        out[ATTR_K8S_NODE_NAME] = node;
        const region = regionOfEc2Hostname(node);
        if (region) {
          out[ATTR_CLOUD_PROVIDER] = CLOUD_PROVIDER_AWS;
          out[ATTR_CLOUD_PLATFORM] = CLOUD_PLATFORM_AWS_EKS;
          out[ATTR_CLOUD_REGION] = region;
        }
      }
      return out;
    });
    const values = body.exception?.values ?? [];
    const main = values[values.length - 1];
    const attributes: LogAttributes = { [ATTR_LOG_RECORD_UID]: id };
    let text = body.message ?? (body as { logentry?: { formatted?: string; message?: string } }).logentry?.formatted ?? '';
    if (main) {
      text = main.value ? `${main.type ?? 'Error'}: ${main.value}` : (main.type ?? 'Error');
      attributes[ATTR_EXCEPTION_TYPE] = qualifiedType(main, body.platform);
      if (main.value) attributes[ATTR_EXCEPTION_MESSAGE] = main.value;
      const stack = formatStacktrace(values, body.platform);
      if (stack) attributes[ATTR_EXCEPTION_STACKTRACE] = stack;
    }
    const route = tag('route') ?? body.transaction;
    if (route) attributes[ATTR_HTTP_ROUTE] = route.replace(/^[A-Z]+ /, '');
    if (body.request?.method) attributes[ATTR_HTTP_REQUEST_METHOD] = body.request.method;
    if (body.request?.url) attributes[ATTR_URL_FULL] = body.request.url;
    const status = Number(tag('http.status_code'));
    if (Number.isInteger(status) && status > 0) attributes[ATTR_HTTP_RESPONSE_STATUS_CODE] = status;
    if (body.user?.id !== undefined) attributes[ATTR_USER_ID] = String(body.user.id);
    attributes['sentry.event_id'] = body.event_id ?? '';
    const trace = body.contexts?.trace as { trace_id?: string; span_id?: string; sampled?: boolean } | undefined;
    const traceId = trace?.trace_id ?? envelopeTraceId;
    const severity = sentrySeverity(body.level);
    return {
      hrTime: body.timestamp !== undefined ? hrTimeOfSeconds(body.timestamp) : hrTimeOfMs(timestamp),
      hrTimeObserved: hrTimeOfMs(observedMs),
      spanContext:
        traceId && HEX32.test(traceId)
          ? { traceId, spanId: trace?.span_id && /^[0-9a-f]{16}$/.test(trace.span_id) ? trace.span_id : '', traceFlags: trace?.sampled === false ? TraceFlags.NONE : TraceFlags.SAMPLED }
          : undefined,
      severityNumber: severity.number,
      severityText: severity.text,
      body: text,
      resource,
      instrumentationScope: this.scopes.sentry,
      attributes,
      droppedAttributesCount: 0,
    };
  }
}

function sentrySeverity(level: string | undefined): Severity {
  switch (level) {
    case 'fatal':
      return { number: SeverityNumber.FATAL, text: 'fatal' };
    case 'warning':
      return { number: SeverityNumber.WARN, text: 'warning' };
    case 'info':
    case 'log':
      return { number: SeverityNumber.INFO, text: level };
    case 'debug':
      return { number: SeverityNumber.DEBUG, text: 'debug' };
    case 'error':
    case undefined:
      return { number: SeverityNumber.ERROR, text: 'error' };
    default:
      return UNSPECIFIED;
  }
}

/** The exception's fully qualified type where the platform has modules (Python, Java). */
export function qualifiedType(e: Exception, platform: string | undefined): string {
  const type = e.type ?? 'Error';
  if (e.module && (platform === 'python' || platform === 'java') && !type.startsWith(`${e.module}.`)) return `${e.module}.${type}`;
  return type;
}

/** A stack trace as the platform itself prints it (Sentry frames are oldest call first). */
export function formatStacktrace(values: readonly Exception[], platform: string | undefined): string {
  const parts: string[] = [];
  for (const e of values) {
    const frames: readonly StackFrame[] = e.stacktrace?.frames ?? [];
    const head = e.value ? `${qualifiedType(e, platform)}: ${e.value}` : qualifiedType(e, platform);
    if (platform === 'python') {
      const lines = ['Traceback (most recent call last):'];
      for (const f of frames) lines.push(`  File "${f.abs_path ?? f.filename ?? '?'}", line ${f.lineno ?? '?'}, in ${f.function ?? '?'}`);
      lines.push(head);
      parts.push(lines.join('\n'));
    } else if (platform === 'node' || platform === 'javascript') {
      const lines = [head];
      for (const f of [...frames].reverse()) lines.push(`    at ${f.function ?? '<anonymous>'} (${f.abs_path ?? f.filename ?? '?'}:${f.lineno ?? 0}:${f.colno ?? 0})`);
      parts.push(lines.join('\n'));
    } else if (platform === 'go') {
      const lines = [head, '', 'goroutine 1 [running]:'];
      for (const f of [...frames].reverse()) lines.push(`${f.module ? `${f.module}.` : ''}${f.function ?? '?'}(...)`, `\t${f.abs_path ?? f.filename ?? '?'}:${f.lineno ?? 0}`);
      parts.push(lines.join('\n'));
    } else {
      const lines = [head];
      for (const f of [...frames].reverse()) lines.push(`\tat ${f.module ? `${f.module}.` : ''}${f.function ?? '?'}(${f.filename ?? '?'}:${f.lineno ?? 0})`);
      parts.push(lines.join('\n'));
    }
  }
  if (platform === 'python') return parts.join('\n\nThe above exception was the direct cause of the following exception:\n\n');
  // Java and Go print the outermost error first, its causes after.
  return parts.reverse().join(platform === 'java' ? '\nCaused by: ' : '\n\n');
}

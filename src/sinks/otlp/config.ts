// The otlp sink's block in a sinks file, and how it is completed from the standard OpenTelemetry
// exporter environment variables (the block wins, then the variables, then the defaults):
//   OTEL_EXPORTER_OTLP_ENDPOINT          base URL; /v1/logs and /v1/metrics are appended
//   OTEL_EXPORTER_OTLP_LOGS_ENDPOINT     full URL for logs (used as is)
//   OTEL_EXPORTER_OTLP_METRICS_ENDPOINT  full URL for metrics (used as is)
//   OTEL_EXPORTER_OTLP_HEADERS           "k=v,k2=v2" (values percent-decoded), plus the
//   OTEL_EXPORTER_OTLP_{LOGS,METRICS}_HEADERS signal-specific ones
//   OTEL_EXPORTER_OTLP_COMPRESSION       none | gzip
//   OTEL_EXPORTER_OTLP_PROTOCOL          http/protobuf | http/json (grpc is not supported)
import { z } from 'zod';
import { ConfigError, type Problem } from '../../config/errors.js';

export const OTLP_SIGNALS = ['logs', 'metrics'] as const;
export type OtlpSignal = (typeof OTLP_SIGNALS)[number];

export const DEFAULT_OTLP_ENDPOINT = 'http://localhost:4318';

const httpUrl = z.string().refine((s) => {
  try {
    const u = new URL(s);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}, 'must be an http:// or https:// URL');

const attributeValue = z.union([z.string(), z.number(), z.boolean(), z.array(z.string())]);

export const otlpSinkSchema = z.strictObject({
  type: z.literal('otlp'),
  /** Base URL of an OTLP/HTTP receiver (default OTEL_EXPORTER_OTLP_ENDPOINT, else http://localhost:4318). */
  endpoint: httpUrl.optional(),
  /** Full URL for logs (default: endpoint + /v1/logs). */
  logs_endpoint: httpUrl.optional(),
  /** Full URL for metrics (default: endpoint + /v1/metrics). */
  metrics_endpoint: httpUrl.optional(),
  /** Extra request headers (authentication, tenant ids). */
  headers: z.record(z.string().min(1), z.string()).optional(),
  compression: z.enum(['none', 'gzip']).optional(),
  /** Body encoding: protobuf (OTLP/HTTP's default) or json. */
  encoding: z.enum(['protobuf', 'json']).optional(),
  /** Which signals to send (default both); the record kinds of the others are not taken. */
  signals: z.array(z.enum(OTLP_SIGNALS)).min(1).optional(),
  /** Resource attributes added wherever a record does not say, e.g. deployment.environment.name. */
  resource_attributes: z.record(z.string().min(1), attributeValue).optional(),
  /** Worker threads that make and send the log requests (default 2). */
  workers: z.number().int().min(1).max(16).optional(),
  /** Batches in flight at once (default 2); 1 keeps batches in order even when one is retried. */
  batches_in_flight: z.number().int().min(1).max(8).optional(),
});
export type OtlpSinkConfig = z.infer<typeof otlpSinkSchema>;

/** Everything the sink needs, with the environment applied. */
export interface OtlpSettings {
  readonly endpoints: Readonly<Record<OtlpSignal, string>>;
  readonly headers: Readonly<Record<OtlpSignal, Readonly<Record<string, string>>>>;
  readonly compression: 'none' | 'gzip';
  readonly encoding: 'protobuf' | 'json';
  readonly signals: readonly OtlpSignal[];
  readonly resourceAttributes: Readonly<Record<string, string | number | boolean | string[]>>;
  readonly workers: number;
  readonly batchesInFlight: number;
}

const PATHS: Record<OtlpSignal, string> = { logs: 'v1/logs', metrics: 'v1/metrics' };

/** `base` + `v1/logs`, as the OTLP exporter spec says (a trailing slash is not doubled). */
export function signalUrl(base: string, signal: OtlpSignal): string {
  return `${base.endsWith('/') ? base : `${base}/`}${PATHS[signal]}`;
}

/** W3C-baggage-style "k=v,k2=v2" (OTEL_EXPORTER_OTLP_HEADERS); values are percent-decoded. */
export function parseHeaderList(text: string, source: string, problems: Problem[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(',')) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    const key = eq > 0 ? part.slice(0, eq).trim() : '';
    if (!key) {
      problems.push({ path: source, message: `"${part.trim()}" is not a header; expected key=value pairs separated by commas` });
      continue;
    }
    let value = part.slice(eq + 1).trim();
    try {
      value = decodeURIComponent(value);
    } catch {
      // not percent-encoded: keep it as written
    }
    out[key.toLowerCase()] = value;
  }
  return out;
}

function envUrl(env: NodeJS.ProcessEnv, name: string, problems: Problem[]): string | undefined {
  const value = env[name]?.trim();
  if (!value) return undefined;
  const ok = httpUrl.safeParse(value);
  if (!ok.success) {
    problems.push({ path: name, message: `${JSON.stringify(value)} is not an http:// or https:// URL` });
    return undefined;
  }
  return value;
}

/** The block completed from the environment; throws a ConfigError naming every bad variable. */
export function resolveOtlpSettings(config: OtlpSinkConfig, env: NodeJS.ProcessEnv): OtlpSettings {
  const problems: Problem[] = [];
  const base = config.endpoint ?? envUrl(env, 'OTEL_EXPORTER_OTLP_ENDPOINT', problems) ?? DEFAULT_OTLP_ENDPOINT;
  const endpoints: Record<OtlpSignal, string> = {
    logs: config.logs_endpoint ?? (config.endpoint ? undefined : envUrl(env, 'OTEL_EXPORTER_OTLP_LOGS_ENDPOINT', problems)) ?? signalUrl(base, 'logs'),
    metrics: config.metrics_endpoint ?? (config.endpoint ? undefined : envUrl(env, 'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT', problems)) ?? signalUrl(base, 'metrics'),
  };
  const lower = (h: Record<string, string> | undefined) => Object.fromEntries(Object.entries(h ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  const fromEnv = (name: string) => (env[name] ? parseHeaderList(env[name]!, name, problems) : {});
  const common = config.headers ? lower(config.headers) : fromEnv('OTEL_EXPORTER_OTLP_HEADERS');
  const headers: Record<OtlpSignal, Record<string, string>> = {
    logs: config.headers ? common : { ...common, ...fromEnv('OTEL_EXPORTER_OTLP_LOGS_HEADERS') },
    metrics: config.headers ? common : { ...common, ...fromEnv('OTEL_EXPORTER_OTLP_METRICS_HEADERS') },
  };
  let compression = config.compression;
  if (!compression && env['OTEL_EXPORTER_OTLP_COMPRESSION']) {
    const c = env['OTEL_EXPORTER_OTLP_COMPRESSION'].trim().toLowerCase();
    if (c === 'gzip' || c === 'none') compression = c;
    else problems.push({ path: 'OTEL_EXPORTER_OTLP_COMPRESSION', message: `${JSON.stringify(c)} is not allowed; allowed: none | gzip` });
  }
  let encoding = config.encoding;
  if (!encoding && env['OTEL_EXPORTER_OTLP_PROTOCOL']) {
    const p = env['OTEL_EXPORTER_OTLP_PROTOCOL'].trim().toLowerCase();
    if (p === 'http/protobuf') encoding = 'protobuf';
    else if (p === 'http/json') encoding = 'json';
    else problems.push({ path: 'OTEL_EXPORTER_OTLP_PROTOCOL', message: `${JSON.stringify(p)} is not supported; allowed: http/protobuf | http/json` });
  }
  if (problems.length > 0) throw new ConfigError(problems.map((p) => ({ message: `${p.path}: ${p.message}` })), 'invalid OpenTelemetry exporter environment');
  return {
    endpoints,
    headers,
    compression: compression ?? 'none',
    encoding: encoding ?? 'protobuf',
    signals: config.signals ? [...new Set(config.signals)] : [...OTLP_SIGNALS],
    resourceAttributes: config.resource_attributes ?? {},
    workers: config.workers ?? 2,
    batchesInFlight: config.batches_in_flight ?? 2,
  };
}

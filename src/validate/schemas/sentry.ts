// Sentry error and transaction payloads. Sources: Relay's published event schema
// (getsentry/sentry-data-schemas relay/event.schema.json: the event is a closed object, as are
// Exception, Mechanism, Stacktrace, Frame, Breadcrumb, User, Request, ClientSdkInfo,
// TraceContext, OsContext, RuntimeContext), the SDK developer docs (event payloads:
// event_id/timestamp/platform required; transaction and span payloads), Relay's transaction
// validation (end >= start, a trace context with trace_id and span_id), and the Sentry product
// docs for release / environment / tag naming limits.
import { isIP } from 'node:net';
import { z } from 'zod';
import type { SentryTransactionBody } from '../../model/record.js';
import { note, type BodyNote } from './body-note.js';
import { rfc3339, spanId, traceId, unixSeconds } from './rules.js';

// ---- Shared pieces ------------------------------------------------------------------------------

/** Developer docs: "Hexadecimal string representing a uuid4 value... exactly 32 characters. Dashes are not allowed. Has to be lowercase." */
const eventId = z.string().regex(/^[0-9a-f]{32}$/, 'must be 32 lowercase hex digits (Sentry event_id)');

/** Relay Timestamp: unix seconds (a double) or an RFC 3339 string. */
const timestamp = z.union([unixSeconds, rfc3339]);

/** Relay Level. */
const level = z.enum(['debug', 'info', 'warning', 'error', 'fatal']);

/** Relay SpanStatus. */
const spanStatus = z.enum([
  'ok',
  'cancelled',
  'unknown',
  'invalid_argument',
  'deadline_exceeded',
  'not_found',
  'already_exists',
  'permission_denied',
  'resource_exhausted',
  'failed_precondition',
  'aborted',
  'out_of_range',
  'unimplemented',
  'internal_error',
  'unavailable',
  'data_loss',
  'unauthenticated',
]);

/** Developer docs, event payloads: the acceptable `platform` values. */
const platform = z.enum(['as3', 'c', 'cfml', 'cocoa', 'csharp', 'elixir', 'haskell', 'go', 'groovy', 'java', 'javascript', 'native', 'node', 'objc', 'other', 'perl', 'php', 'python', 'ruby']);

/** Tags: Sentry keeps keys of [a-zA-Z0-9_.:-] (tagstore) up to 200 characters; values up to 200 characters, no newline. */
const tagKey = z.string().min(1).max(200, 'must be at most 200 characters (Sentry tag key)').regex(/^[a-zA-Z0-9_.:-]+$/, 'must use only a-z A-Z 0-9 _ . : - (Sentry tag key)');
const tagValue = z.string().min(1).max(200, 'must be at most 200 characters (Sentry tag value)').regex(/^[^\n]*$/, 'must not contain a newline (Sentry tag value)');
const tags = z.union([z.record(tagKey, tagValue), z.array(z.tuple([tagKey, tagValue]))]);

/** Relay's `Values<T>` reads both `{ "values": [...] }` and a bare array. */
const values = <T extends z.ZodType>(item: T) => z.union([z.strictObject({ values: z.array(item) }), z.array(item)]);

const uint = z.number().int().nonnegative();
const object = z.record(z.string(), z.unknown());

const frame = z.strictObject({
  abs_path: z.string().optional(),
  addr_mode: z.string().optional(),
  colno: uint.optional(),
  context_line: z.string().optional(),
  filename: z.string().optional(),
  function: z.string().optional(),
  function_id: z.string().optional(),
  image_addr: z.string().optional(),
  in_app: z.boolean().optional(),
  instruction_addr: z.string().optional(),
  lineno: uint.optional(),
  lock: object.optional(),
  module: z.string().optional(),
  package: z.string().optional(),
  platform: z.string().optional(),
  post_context: z.array(z.string()).optional(),
  pre_context: z.array(z.string()).optional(),
  raw_function: z.string().optional(),
  stack_start: z.boolean().optional(),
  symbol: z.string().optional(),
  symbol_addr: z.string().optional(),
  vars: object.optional(),
});

const stacktrace = z.strictObject({
  frames: z.array(frame),
  instruction_addr_adjustment: z.string().optional(),
  lang: z.string().optional(),
  registers: z.record(z.string(), z.string()).optional(),
  snapshot: z.boolean().optional(),
});

const mechanism = z.strictObject({
  type: z.string().min(1),
  data: object.optional(),
  exception_id: uint.optional(),
  handled: z.boolean().optional(),
  help_link: z.string().optional(),
  is_exception_group: z.boolean().optional(),
  meta: object.optional(),
  parent_id: uint.optional(),
  source: z.string().optional(),
  synthetic: z.boolean().optional(),
});

const exception = z
  .strictObject({
    type: z.string().optional(),
    value: z.string().optional(),
    module: z.string().optional(),
    thread_id: z.union([uint, z.string()]).optional(),
    mechanism: mechanism.optional(),
    stacktrace: stacktrace.optional(),
    raw_stacktrace: stacktrace.optional(),
  })
  // Relay: an exception needs a type or a value.
  .refine((e) => e.type !== undefined || e.value !== undefined, 'needs a type or a value (Relay)');

const breadcrumb = z.strictObject({
  type: z.string().optional(),
  category: z.string().optional(),
  message: z.string().optional(),
  data: object.optional(),
  level: level.optional(),
  timestamp: timestamp.optional(),
  event_id: eventId.optional(),
});

const user = z.strictObject({
  id: z.string().optional(),
  email: z.string().optional(),
  // Relay rejects an ip_address that is not an IP (or the "{{auto}}" placeholder).
  ip_address: z
    .string()
    .refine((s) => s === '{{auto}}' || isIP(s) !== 0, 'must be an IPv4 or IPv6 address')
    .optional(),
  username: z.string().optional(),
  name: z.string().optional(),
  geo: z.strictObject({ city: z.string().optional(), country_code: z.string().optional(), region: z.string().optional(), subdivision: z.string().optional() }).optional(),
  segment: z.string().optional(),
  sentry_user: z.string().optional(),
  data: object.optional(),
});

const pairsOrRecord = z.union([z.record(z.string(), z.string()), z.array(z.tuple([z.string(), z.string()]))]);

const request = z.strictObject({
  url: z.string().optional(),
  // Relay normalises the method and drops one that is not [A-Z_-]{3,32}.
  method: z.string().regex(/^[A-Z_-]{3,32}$/, 'must be an HTTP method (Relay: [A-Z_-]{3,32})').optional(),
  data: z.unknown().optional(),
  query_string: z.union([z.string(), pairsOrRecord]).optional(),
  fragment: z.string().optional(),
  cookies: z.union([z.string(), pairsOrRecord]).optional(),
  headers: pairsOrRecord.optional(),
  env: object.optional(),
  inferred_content_type: z.string().optional(),
  api_target: z.string().optional(),
  body_size: uint.optional(),
  protocol: z.string().optional(),
});

const sdk = z.strictObject({
  name: z.string().min(1),
  version: z.string().min(1),
  integrations: z.array(z.string()).optional(),
  features: z.array(z.string()).optional(),
  packages: z.array(z.strictObject({ name: z.string().optional(), version: z.string().optional() })).optional(),
});

const traceContext = z.strictObject({
  type: z.literal('trace').optional(),
  trace_id: traceId,
  span_id: spanId,
  parent_span_id: spanId.optional(),
  op: z.string().optional(),
  status: spanStatus.optional(),
  data: object.optional(),
  origin: z.string().optional(),
  sampled: z.boolean().optional(),
  exclusive_time: z.number().finite().nonnegative().optional(),
  client_sample_rate: z.number().min(0).max(1).optional(),
});

const osContext = z.strictObject({
  type: z.literal('os').optional(),
  name: z.string().optional(),
  version: z.string().optional(),
  build: z.string().optional(),
  kernel_version: z.string().optional(),
  rooted: z.boolean().optional(),
  raw_description: z.string().optional(),
  distribution: object.optional(),
});

const runtimeContext = z.strictObject({
  type: z.literal('runtime').optional(),
  name: z.string().optional(),
  version: z.string().optional(),
  build: z.string().optional(),
  raw_description: z.string().optional(),
});

/** Known contexts are closed objects; any other context is a free-form object (Relay Context). */
const contexts = z
  .object({ trace: traceContext.optional(), os: osContext.optional(), runtime: runtimeContext.optional() })
  .catchall(object);

const transactionInfo = z.strictObject({
  source: z.enum(['custom', 'url', 'route', 'view', 'component', 'sanitized', 'task', 'unknown']).optional(),
  original: z.string().optional(),
  changes: z.array(object).optional(),
  propagations: uint.optional(),
});

/** Sentry docs: releases are at most 200 characters, not ".", ".." or " ", without newline, tab, "/" or "\". */
const release = z
  .string()
  .min(1)
  .max(200, 'must be at most 200 characters (Sentry release)')
  .regex(/^[^\n\t/\\]+$/, 'must not contain a newline, tab, "/" or "\\" (Sentry release)')
  .refine((s) => s !== '.' && s !== '..' && s !== ' ', 'must not be ".", ".." or " " (Sentry release)');

/** Sentry docs: environments are at most 64 characters, without newline, space or "/", and not "None". */
const environment = z
  .string()
  .min(1)
  .max(64, 'must be at most 64 characters (Sentry environment)')
  .regex(/^[^\n /]+$/, 'must not contain a newline, space or "/" (Sentry environment)')
  .refine((s) => s !== 'None', 'must not be "None" (Sentry environment)');

/** Relay MetricUnit: a known unit or a custom one of at most 15 [a-zA-Z0-9_]. */
const measurement = z.strictObject({ value: z.number().finite(), unit: z.string().regex(/^[a-zA-Z0-9_]{1,15}$/, 'must be a Sentry unit (at most 15 of a-z A-Z 0-9 _)').optional() });
const measurements = z.record(z.string().regex(/^[a-zA-Z0-9_.-]+$/, 'must be a measurement name of a-z A-Z 0-9 _ . -'), measurement);

/** Fields both payloads share (the closed top level of relay/event.schema.json). */
const common = {
  event_id: eventId,
  timestamp,
  platform,
  level: level.optional(),
  logger: z.string().max(64, 'must be at most 64 characters (Relay trims loggers)').optional(),
  transaction: z.string().max(200, 'must be at most 200 characters (Relay trims transaction names)').optional(),
  transaction_info: transactionInfo.optional(),
  server_name: z.string().optional(),
  release: release.optional(),
  dist: z.string().max(64).optional(),
  environment: environment.optional(),
  tags: tags.optional(),
  extra: object.optional(),
  fingerprint: z.array(z.string()).optional(),
  modules: z.record(z.string(), z.string()).optional(),
  user: user.optional(),
  request: request.optional(),
  contexts: contexts.optional(),
  sdk: sdk.optional(),
  breadcrumbs: values(breadcrumb).optional(),
  culprit: z.string().optional(),
  debug_meta: object.optional(),
  errors: z.array(object).optional(),
  received: timestamp.optional(),
  time_spent: uint.optional(),
  version: z.string().optional(),
};

// ---- Error event ------------------------------------------------------------------------------

export const sentryErrorBody = z.strictObject({
  ...common,
  type: z.enum(['error', 'default']).optional(),
  exception: values(exception).optional(),
  // Legacy `message` (a string) and `logentry` are both accepted by Relay.
  message: z.string().optional(),
  logentry: z.strictObject({ message: z.string().optional(), formatted: z.string().optional(), params: z.unknown().optional() }).optional(),
  stacktrace: stacktrace.optional(),
  threads: values(object).optional(),
});

// ---- Transaction ------------------------------------------------------------------------------

/** Developer docs, Span interface: span_id, trace_id, start_timestamp and timestamp are required. */
const span = z.strictObject({
  span_id: spanId,
  parent_span_id: spanId.optional(),
  trace_id: traceId,
  segment_id: spanId.optional(),
  is_segment: z.boolean().optional(),
  op: z.string().optional(),
  description: z.string().optional(),
  status: spanStatus.optional(),
  start_timestamp: timestamp,
  timestamp,
  exclusive_time: z.number().finite().nonnegative().optional(),
  origin: z.string().optional(),
  tags: z.record(z.string(), z.string()).optional(),
  data: object.optional(),
  measurements: measurements.optional(),
  profile_id: z.string().optional(),
});

const seconds = (t: unknown): number | undefined => (typeof t === 'number' ? t : typeof t === 'string' ? Date.parse(t) / 1000 : undefined);

export const sentryTransactionBody = z
  .strictObject({
    ...common,
    type: z.literal('transaction'),
    start_timestamp: timestamp,
    contexts: contexts.extend({ trace: traceContext }),
    spans: z.array(span).optional(),
    measurements: measurements.optional(),
  })
  .superRefine((t, ctx) => {
    // Relay validate_transaction: "end timestamp is smaller than start timestamp".
    const start = seconds(t.start_timestamp);
    const end = seconds(t.timestamp);
    if (start !== undefined && end !== undefined && end < start) ctx.addIssue({ code: 'custom', path: ['timestamp'], input: t.timestamp, message: `is before start_timestamp ${String(t.start_timestamp)} (Relay rejects the transaction)` });
    const trace = t.contexts?.trace?.trace_id;
    t.spans?.forEach((s, i) => {
      const ss = seconds(s.start_timestamp);
      const se = seconds(s.timestamp);
      if (ss !== undefined && se !== undefined && se < ss) ctx.addIssue({ code: 'custom', path: ['spans', i, 'timestamp'], input: s.timestamp, message: `is before the span's start_timestamp ${String(s.start_timestamp)} (Relay rejects the transaction)` });
      // Logic: a transaction's spans belong to its trace.
      if (trace && s.trace_id !== trace) ctx.addIssue({ code: 'custom', path: ['spans', i, 'trace_id'], input: s.trace_id, message: `differs from contexts.trace.trace_id ${trace}` });
    });
  });

export const sentryTransactionNotes: BodyNote[] = [
  note<SentryTransactionBody>('span whose parent is neither the transaction nor another span (shown as an orphan)', 'Sentry trace view', (t) => {
    const ids = new Set<string>([t.contexts?.trace?.span_id ?? '', ...(t.spans ?? []).map((s) => s.span_id)]);
    const i = (t.spans ?? []).findIndex((s) => s.parent_span_id !== undefined && !ids.has(s.parent_span_id));
    return i >= 0 ? { path: `spans[${i}].parent_span_id`, value: t.spans![i]!.parent_span_id } : undefined;
  }),
  note<SentryTransactionBody>('span outside its transaction ([start_timestamp, timestamp])', 'Sentry trace view', (t) => {
    const start = seconds(t.start_timestamp);
    const end = seconds(t.timestamp);
    if (start === undefined || end === undefined) return undefined;
    const i = (t.spans ?? []).findIndex((s) => (seconds(s.start_timestamp) ?? start) < start - 0.001 || (seconds(s.timestamp) ?? end) > end + 0.001);
    return i >= 0 ? { path: `spans[${i}]`, value: { start_timestamp: t.spans![i]!.start_timestamp, timestamp: t.spans![i]!.timestamp } } : undefined;
  }),
];

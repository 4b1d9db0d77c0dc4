// Building blocks the body schemas share: identifiers, time formats, Kubernetes names and
// quantities. Each says which published rule it encodes, so a failure can be traced to it.
import { z } from 'zod';

/** UTF-8 length: Kubernetes and AWS count bytes (Go `len`, AWS "bytes in UTF-8"), not UTF-16 units. */
export function utf8Length(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

export const maxBytes = (max: number) => z.string().refine((s) => utf8Length(s) <= max, `must be at most ${max} bytes (UTF-8)`);

// ---- Identifiers --------------------------------------------------------------------------------

/** W3C Trace Context: 32 lowercase hex, not all zeros (Sentry TraceId, OTel, our envelope). */
export const traceId = z
  .string()
  .regex(/^[0-9a-f]{32}$/, 'must be 32 lowercase hex digits (W3C trace-id)')
  .refine((s) => !/^0+$/.test(s), 'must not be all zeros (W3C trace-id)');

/** W3C Trace Context parent-id / Sentry SpanId: 16 lowercase hex, not all zeros. */
export const spanId = z
  .string()
  .regex(/^[0-9a-f]{16}$/, 'must be 16 lowercase hex digits (W3C parent-id)')
  .refine((s) => !/^0+$/.test(s), 'must not be all zeros (W3C parent-id)');

/** RFC 4122 textual form, lowercase (Kubernetes metadata.uid, EventBridge event id). */
export const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'must be a lowercase UUID');

// ---- Time formats -------------------------------------------------------------------------------

const parses = (s: string) => Number.isFinite(Date.parse(s));

function timeString(re: RegExp, what: string, toDate: (s: string) => string = (s) => s) {
  return z.string().superRefine((s, ctx) => {
    if (!re.test(s)) ctx.addIssue({ code: 'custom', input: s, message: `must be ${what}` });
    else if (!parses(toDate(s))) ctx.addIssue({ code: 'custom', input: s, message: 'is not a real date and time' });
  });
}

/** metav1.Time as the API server serialises it: RFC 3339, whole seconds, UTC. */
export const k8sTime = timeString(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/, 'RFC 3339 in whole seconds, UTC (metav1.Time), e.g. 2026-11-24T12:00:00Z');

/** metav1.MicroTime: RFC 3339 with exactly six fractional digits (RFC3339Micro), UTC. */
export const k8sMicroTime = timeString(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/, 'RFC 3339 with microseconds, UTC (metav1.MicroTime), e.g. 2026-11-24T12:00:00.000102Z');

/** Go RFC3339Nano as container runtimes write the CRI log prefix (1-9 fractional digits). */
export const rfc3339Nano = timeString(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/, 'RFC 3339 with up to nanoseconds (Go RFC3339Nano)');

/** Any RFC 3339 date-time with a zone (what a JSON-serialised Date in an AWS SDK input is). */
export const rfc3339 = timeString(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/, 'an RFC 3339 date-time with a zone');

/** EventBridge envelope `time`: RFC 3339, whole seconds, UTC. */
export const eventBridgeTime = timeString(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/, 'RFC 3339 in whole seconds, UTC, e.g. 2019-10-02T17:04:40Z');

/** CloudWatch alarm state timestamps, as in the documented example "2019-10-02T17:04:40.985+0000". */
export const cloudWatchStateTime = timeString(
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0000$/,
  'like 2019-10-02T17:04:40.985+0000 (CloudWatch alarm state timestamp)',
  (s) => `${s.slice(0, 23)}Z`,
);

/** Unix seconds as a double (Sentry Timestamp, Prometheus sample time). */
export const unixSeconds = z.number().finite().positive();

/** Epoch milliseconds as an integer (Grafana annotation time, CloudWatch Logs event timestamp). */
export const epochMillis = z.number().int().nonnegative();

// ---- Kubernetes names ---------------------------------------------------------------------------

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/** apimachinery IsDNS1123Label: namespaces, container names. */
export const dnsLabel = z.string().max(63, 'must be at most 63 characters (DNS-1123 label)').regex(DNS_LABEL, 'must be a DNS-1123 label (lowercase letters, digits, "-")');

/** apimachinery IsDNS1123Subdomain: most object names (NameIsDNSSubdomain). */
export const dnsSubdomain = z
  .string()
  .max(253, 'must be at most 253 characters (DNS-1123 subdomain)')
  .regex(DNS_SUBDOMAIN, 'must be a DNS-1123 subdomain (lowercase letters, digits, "-", ".")');

/** apimachinery IsQualifiedName: [prefix/]name, name ≤ 63 characters (label keys, reportingController). */
export function isQualifiedName(s: string): boolean {
  const parts = s.split('/');
  if (parts.length > 2) return false;
  const name = parts[parts.length - 1]!;
  if (name.length === 0 || name.length > 63 || !QUALIFIED_NAME_PART.test(name)) return false;
  if (parts.length === 2) {
    const prefix = parts[0]!;
    if (prefix.length === 0 || prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix)) return false;
  }
  return true;
}

export const qualifiedName = z.string().refine(isQualifiedName, 'must be a qualified name: [DNS-subdomain prefix/]name, name 1-63 of [A-Za-z0-9-_.] starting and ending alphanumeric');

/** apimachinery IsValidLabelValue: empty, or ≤ 63 characters starting and ending alphanumeric. */
export const labelValue = z.string().refine((s) => s === '' || (s.length <= 63 && QUALIFIED_NAME_PART.test(s)), 'must be a label value: at most 63 of [A-Za-z0-9-_.], starting and ending alphanumeric');

/** Kubernetes labels (ValidateLabels): qualified-name keys, label values. */
export const k8sLabels = z.record(qualifiedName, labelValue);

/**
 * resource.Quantity serialisation (apimachinery/pkg/api/resource): a number and a decimal-SI
 * (n u m "" k M G T P E), binary-SI (Ki .. Ei) or exponent suffix. Usage is never negative.
 */
export const quantity = z
  .string()
  .regex(/^(\d+(\.\d*)?|\.\d+)(([eE][+-]?\d+)|[KMGTPE]i|[numkMGTPE])?$/, 'must be a non-negative Kubernetes quantity like "250m", "123456789n" or "312456Ki"');

/** Go time.Duration text (what time.ParseDuration reads), e.g. "1m0s", "20.5s". */
export const goDuration = z.string().regex(/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/, 'must be a Go duration like "1m0s" or "20.048s"');

// ---- Misc ---------------------------------------------------------------------------------------

/** A string with at least one character that is not whitespace. */
export const nonBlank = z.string().regex(/\S/, 'must contain a non-whitespace character');

/** Printable ASCII only (CloudWatch dimension names and values must be ASCII). */
export const ASCII = /^[\x20-\x7e]*$/;

// Records as Loki log entries: the line, its time (nanoseconds where the source has them), the
// stream labels (low cardinality only: service, namespace, source, level, kind, plus the
// configured extra labels) and structured metadata for everything per-entry (trace id, pod, node,
// container, log group, event id ...). Entries are grouped into streams, each sorted by time,
// because Loki orders (and rejects) per stream.
import type { FileRecord, KubernetesEventBody, SentryErrorBody } from '../../model/record.js';
import { rebaseRecord } from '../../replay/rebase-body.js';
import { labelsString, normalizeLabels, sanitizeLabelName, type LabelPairs } from '../wire/label-names.js';
import type { ReplayRecord } from '../sink.js';
import { normalizeLevel, parseLevel } from './level.js';

/** Record kinds the Loki sink sends. */
export const LOKI_KINDS = ['kubernetes_log', 'cloudwatch_log', 'sentry_error', 'kubernetes_event'] as const;

export interface LokiEntry {
  readonly seq: number;
  /** Unix seconds and the nanoseconds within that second. */
  readonly seconds: number;
  readonly nanos: number;
  readonly line: string;
  readonly metadata: LabelPairs;
}

export interface LokiStream {
  readonly labels: LabelPairs;
  /** {a="x", b="y"}: what the protobuf push carries, and how Loki names the stream in errors. */
  readonly key: string;
  readonly entries: LokiEntry[];
}

export interface EntryOptions {
  /** Extra stream labels from the config, on every stream. */
  readonly extraLabels: ReadonlyArray<readonly [string, string]>;
  readonly structuredMetadata: boolean;
}

/** An RFC 3339 time as [seconds, nanoseconds], keeping all of its fraction digits. */
export function isoToSecondsNanos(iso: string, fallbackMs: number): [number, number] {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return msToSecondsNanos(fallbackMs);
  const seconds = Math.floor(ms / 1000);
  const frac = /\.(\d+)/.exec(iso);
  const nanos = frac ? Number(frac[1]!.slice(0, 9).padEnd(9, '0')) : 0;
  return [seconds, nanos];
}

export function msToSecondsNanos(ms: number): [number, number] {
  const whole = Math.floor(ms);
  const seconds = Math.floor(whole / 1000);
  return [seconds, Math.round((ms - seconds * 1000) * 1e6)];
}

/** Unix seconds with a fraction (Sentry's timestamps) as [seconds, nanoseconds], to the microsecond. */
export function unixSecondsToSecondsNanos(t: number): [number, number] {
  const micros = Math.round(t * 1e6);
  const seconds = Math.floor(micros / 1e6);
  return [seconds, (micros - seconds * 1e6) * 1000];
}

/** Unix nanoseconds as a decimal string (JSON push), without BigInt. */
export function nanosString(seconds: number, nanos: number): string {
  return `${seconds}${String(nanos).padStart(9, '0')}`;
}

function pairs(obj: Record<string, string | undefined>): Array<readonly [string, string]> {
  const out: Array<readonly [string, string]> = [];
  for (const k in obj) {
    const v = obj[k];
    if (v !== undefined && v !== '') out.push([k, v]);
  }
  return out;
}

interface Draft {
  labels: Record<string, string | undefined>;
  metadata: Record<string, string | undefined>;
  line: string;
  seconds: number;
  nanos: number;
}

/** One line for a Kubernetes Event, like `kubectl get events` prints it. */
export function renderKubernetesEvent(e: KubernetesEventBody): string {
  const object = e.regarding ? `${(e.regarding.kind ?? 'object').toLowerCase()}/${e.regarding.name ?? ''}` : 'object/unknown';
  const count = e.series?.count ?? e.deprecatedCount;
  return `${e.type ?? 'Normal'} ${e.reason ?? ''} ${object}: ${e.note ?? ''}${count && count > 1 ? ` (x${count})` : ''}`.replace(/\s+/g, ' ').trim();
}

/** One line for a Sentry error event: the outermost exception "Type: value" and where. */
export function renderSentryError(e: SentryErrorBody): string {
  const values = e.exception?.values ?? [];
  const top = values[values.length - 1];
  let text: string;
  if (top) text = top.type ? `${top.type}: ${top.value ?? ''}` : (top.value ?? '');
  else if (typeof e.message === 'string') text = e.message;
  else text = e.logentry?.message ?? '(no message)';
  const where = e.transaction;
  return `${text}${where ? ` (in ${where})` : ''}`.replace(/[\r\n]+/g, ' ');
}

function drafts(r: ReplayRecord): Draft[] {
  const rec = rebaseRecord(r.record, r.shiftMs) as FileRecord;
  const traceId = rec.trace_id;
  switch (rec.kind) {
    case 'kubernetes_log': {
      const b = rec.body;
      const [seconds, nanos] = isoToSecondsNanos(b.time, r.time);
      return [
        {
          labels: { service: rec.service, namespace: b.kubernetes.namespace_name, source: 'kubernetes', kind: rec.kind, level: parseLevel(b.log) },
          metadata: { pod: b.kubernetes.pod_name, container: b.kubernetes.container_name, node: b.kubernetes.host, stream: b.stream, trace_id: traceId },
          line: b.log,
          seconds,
          nanos,
        },
      ];
    }
    case 'cloudwatch_log': {
      const b = rec.body;
      return (b.logEvents ?? []).map((e) => {
        const [seconds, nanos] = msToSecondsNanos(e.timestamp ?? r.time);
        const line = e.message ?? '';
        return {
          labels: { service: rec.service, source: 'cloudwatch', kind: rec.kind, level: parseLevel(line) },
          metadata: { log_group: b.logGroupName, log_stream: b.logStreamName, trace_id: traceId },
          line,
          seconds,
          nanos,
        };
      });
    }
    case 'sentry_error': {
      const b = rec.body;
      const [seconds, nanos] = b.timestamp !== undefined ? unixSecondsToSecondsNanos(b.timestamp) : msToSecondsNanos(r.time);
      const tags = (b.tags ?? {}) as Record<string, unknown>;
      const tag = (k: string) => (typeof tags[k] === 'string' ? (tags[k] as string) : undefined);
      const level = b.level ? normalizeLevel(b.level) : 'error';
      return [
        {
          labels: { service: rec.service, namespace: tag('namespace'), source: 'sentry', kind: rec.kind, level },
          metadata: {
            event_id: b.event_id,
            trace_id: b.contexts?.trace?.trace_id ?? traceId,
            release: b.release,
            environment: b.environment,
            transaction: b.transaction,
            pod: tag('pod'),
            node: tag('node'),
          },
          line: renderSentryError(b),
          seconds,
          nanos,
        },
      ];
    }
    case 'kubernetes_event': {
      const b = rec.body;
      const [seconds, nanos] = b.eventTime ? isoToSecondsNanos(b.eventTime, r.time) : msToSecondsNanos(r.time);
      const object = b.regarding ? `${b.regarding.kind ?? ''}/${b.regarding.name ?? ''}` : undefined;
      return [
        {
          labels: { service: rec.service, namespace: b.regarding?.namespace ?? b.metadata?.namespace, source: 'kubernetes', kind: rec.kind, level: b.type === 'Warning' ? 'warn' : 'info' },
          metadata: { reason: b.reason, object, reporting_controller: b.reportingController, node: b.deprecatedSource?.host, trace_id: traceId },
          line: renderKubernetesEvent(b),
          seconds,
          nanos,
        },
      ];
    }
    default:
      return [];
  }
}

/** The batch as streams, entries sorted by time within each (stable: same-time entries keep their order). */
export function buildStreams(batch: readonly ReplayRecord[], options: EntryOptions): LokiStream[] {
  const streams = new Map<string, LokiStream>();
  const labelCache = new Map<string, { labels: LabelPairs; key: string }>();
  for (const r of batch) {
    for (const d of drafts(r)) {
      const rawLabels = [...pairs(d.labels), ...options.extraLabels];
      // Fast path: label sets repeat, so cache their normalised form by a cheap raw key.
      const rawKey = rawLabels.map(([k, v]) => `${k}\u0000${v}`).join('\u0001');
      let norm = labelCache.get(rawKey);
      if (!norm) {
        const labels = normalizeLabels(rawLabels);
        norm = { labels, key: labelsString(labels) };
        labelCache.set(rawKey, norm);
      }
      let stream = streams.get(norm.key);
      if (!stream) streams.set(norm.key, (stream = { labels: norm.labels, key: norm.key, entries: [] }));
      const metadata: LabelPairs = [];
      if (options.structuredMetadata) for (const [k, v] of pairs(d.metadata)) metadata.push([sanitizeLabelName(k), v]);
      stream.entries.push({ seq: r.seq, seconds: d.seconds, nanos: d.nanos, line: d.line, metadata });
    }
  }
  for (const s of streams.values()) {
    let sorted = true;
    for (let i = 1; i < s.entries.length && sorted; i++) sorted = compareEntries(s.entries[i - 1]!, s.entries[i]!) <= 0;
    if (!sorted) s.entries.sort(compareEntries);
  }
  return [...streams.values()];
}

export function compareEntries(a: LokiEntry, b: LokiEntry): number {
  return a.seconds - b.seconds || a.nanos - b.nanos;
}

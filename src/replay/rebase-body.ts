// Moves every time inside a record's native body by the replay's shift: RFC 3339 strings,
// epoch seconds and milliseconds, and the timestamps printed inside log lines (ISO 8601,
// Python/Java/PostgreSQL/RabbitMQ stamps, klog headers, pino's epoch ms). Only the fields that
// carry time are copied; the rest of the body is shared.
import type { BodyOf, FileRecord, RecordKind } from '../model/record.js';

const ISO = /(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:?\d{2})/g;
const SPACED = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})([.,]\d+)?/;
const KLOG = /^([IWEF])(\d{2})(\d{2}) (\d{2}):(\d{2}):(\d{2})(\.\d+)?/;
const PINO_TIME = /"time":(\d{13})/;

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/**
 * "YYYY-MM-DDTHH:MM:SS" moved by the shift, remembered: a replay has one shift and its records
 * print the same second many times over, so most stamps are a lookup rather than a Date.
 */
const shiftedSeconds = { shiftMs: 0, map: new Map<string, string>() };
function shiftSecond(wall: string, shiftMs: number): string {
  if (shiftedSeconds.shiftMs !== shiftMs || shiftedSeconds.map.size >= 8192) {
    shiftedSeconds.shiftMs = shiftMs;
    shiftedSeconds.map.clear();
  }
  let out = shiftedSeconds.map.get(wall);
  if (out === undefined) {
    const t = new Date(Date.parse(`${wall}Z`) + shiftMs);
    out = `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}T${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())}`;
    shiftedSeconds.map.set(wall, out);
  }
  return out;
}

/** An RFC 3339 string moved by shiftMs, keeping its precision and zone style. */
export function shiftIso(iso: string, shiftMs: number): string {
  if (shiftMs === 0) return iso;
  // The wall-clock fields move by the shift; the zone is kept as written. Shifts are whole
  // seconds, so the fraction never changes.
  return iso.replace(ISO, (m: string) => `${shiftSecond(m.slice(0, 19), shiftMs)}${m.slice(19)}`);
}

function shiftSpaced(line: string, shiftMs: number): string {
  return line.replace(SPACED, (_m, y, mo, d, h, mi, s, frac: string | undefined) => {
    const t = new Date(Date.UTC(+y, +mo - 1, +d, +h, +mi, +s) + shiftMs);
    return `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())} ${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())}${frac ?? ''}`;
  });
}

/** A log line with the timestamps it prints moved (the formats obsynth writes). */
export function shiftLogLine(line: string, shiftMs: number, year: number): string {
  if (shiftMs === 0) return line;
  let out = line;
  const k = KLOG.exec(out);
  if (k) {
    const t = new Date(Date.UTC(year, +k[2]! - 1, +k[3]!, +k[4]!, +k[5]!, +k[6]!) + shiftMs);
    out = `${k[1]}${pad(t.getUTCMonth() + 1)}${pad(t.getUTCDate())} ${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())}${k[7] ?? ''}${out.slice(k[0].length)}`;
  } else if (SPACED.test(out)) out = shiftSpaced(out, shiftMs);
  out = out.replace(ISO, (m: string) => `${shiftSecond(m.slice(0, 19), shiftMs)}${m.slice(19)}`);
  const p = PINO_TIME.exec(out);
  if (p) out = out.replace(p[0], `"time":${Number(p[1]) + shiftMs}`);
  return out;
}

/** Series whose values are unix timestamps. */
const TIME_VALUED = new Set(['probe_ssl_earliest_cert_expiry']);

type Shift<K extends RecordKind> = (body: BodyOf[K], ms: number, year: number) => BodyOf[K];

const iso = (v: string | undefined, ms: number) => (v === undefined ? v : shiftIso(v, ms));

const SHIFTERS: { [K in RecordKind]: Shift<K> } = {
  kubernetes_log: (b, ms, year) => ({ ...b, time: shiftIso(b.time, ms), log: shiftLogLine(b.log, ms, year) }),
  kubernetes_event: (b, ms) => ({
    ...b,
    metadata: b.metadata ? { ...b.metadata, creationTimestamp: iso(b.metadata.creationTimestamp, ms) } : b.metadata,
    eventTime: shiftIso(b.eventTime, ms),
    series: b.series ? { ...b.series, lastObservedTime: shiftIso(b.series.lastObservedTime, ms) } : b.series,
    deprecatedFirstTimestamp: iso(b.deprecatedFirstTimestamp, ms),
    deprecatedLastTimestamp: iso(b.deprecatedLastTimestamp, ms),
  }),
  kubernetes_pod_metrics: (b, ms) => ({
    ...b,
    metadata: { ...b.metadata, creationTimestamp: iso(b.metadata.creationTimestamp, ms) },
    timestamp: shiftIso(b.timestamp, ms),
    containerStatuses: b.containerStatuses.map((c) =>
      c.lastState?.terminated
        ? { ...c, lastState: { ...c.lastState, terminated: { ...c.lastState.terminated, startedAt: iso(c.lastState.terminated.startedAt, ms), finishedAt: iso(c.lastState.terminated.finishedAt, ms) } } }
        : c,
    ),
  }),
  kubernetes_node_metrics: (b, ms) => ({
    ...b,
    metadata: { ...b.metadata, creationTimestamp: iso(b.metadata.creationTimestamp, ms) },
    timestamp: shiftIso(b.timestamp, ms),
    conditions: b.conditions.map((c) => ({ ...c, lastHeartbeatTime: iso(c.lastHeartbeatTime, ms), lastTransitionTime: iso(c.lastTransitionTime, ms) })),
  }),
  sentry_error: (b, ms) => ({
    ...b,
    timestamp: b.timestamp === undefined ? b.timestamp : b.timestamp + ms / 1000,
    breadcrumbs: b.breadcrumbs?.map((c) => (c.timestamp === undefined ? c : { ...c, timestamp: c.timestamp + ms / 1000 })),
  }),
  sentry_transaction: (b, ms) => ({
    ...b,
    timestamp: b.timestamp === undefined ? b.timestamp : b.timestamp + ms / 1000,
    start_timestamp: b.start_timestamp === undefined ? b.start_timestamp : b.start_timestamp + ms / 1000,
    spans: b.spans?.map((s) => ({ ...s, start_timestamp: s.start_timestamp + ms / 1000, timestamp: s.timestamp === undefined ? s.timestamp : s.timestamp + ms / 1000 })),
  }),
  cloudwatch_metric: (b, ms) => ({ ...b, MetricData: b.MetricData.map((d) => ({ ...d, Timestamp: iso(d.Timestamp, ms) })) }),
  cloudwatch_log: (b, ms, year) => ({
    ...b,
    logEvents: b.logEvents?.map((e) => ({ ...e, timestamp: e.timestamp === undefined ? e.timestamp : e.timestamp + ms, message: e.message === undefined ? e.message : shiftLogLine(e.message, ms, year) })),
  }),
  cloudwatch_alarm: (b, ms) => ({
    ...b,
    time: shiftIso(b.time, ms),
    detail: { ...b.detail, state: { ...b.detail.state, timestamp: shiftIso(b.detail.state.timestamp, ms) }, previousState: { ...b.detail.previousState, timestamp: shiftIso(b.detail.previousState.timestamp, ms) } },
  }),
  // A sample whose value is itself a time (a certificate's expiry) moves with the history.
  grafana_series: (b, ms) => ({ ...b, value: [b.value[0] + ms / 1000, TIME_VALUED.has(b.metric.__name__) ? String(Number(b.value[1]) + Math.round(ms / 1000)) : b.value[1]] }),
  grafana_annotation: (b, ms) => ({ ...b, time: b.time + ms, timeEnd: b.timeEnd === undefined ? b.timeEnd : b.timeEnd + ms }),
};

/** The record as it is replayed: envelope and body moved by shiftMs. */
export function rebaseRecord(record: FileRecord, shiftMs: number): FileRecord {
  if (shiftMs === 0) return record;
  const year = new Date(record.timestamp).getUTCFullYear();
  const shift = SHIFTERS[record.kind] as Shift<RecordKind>;
  return { ...record, timestamp: record.timestamp + shiftMs, body: shift(record.body as never, shiftMs, year) } as FileRecord;
}

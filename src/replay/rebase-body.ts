// Moves every time inside a record's native body by the replay's shift: RFC 3339 strings,
// epoch seconds and milliseconds, and the timestamps printed inside log lines (ISO 8601,
// Python/Java/PostgreSQL/RabbitMQ stamps, klog headers, pino's epoch ms). Only the fields that
// carry time are copied; the rest of the body is shared.
import type { BodyOf, FileRecord, RecordKind } from '../model/record.js';

const SPACED = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/;
const KLOG = /^([IWEF])(\d{2})(\d{2}) (\d{2}):(\d{2}):(\d{2})(\.\d+)?/;
const PINO_TIME = /"time":(\d{13})/;

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/**
 * Wall-clock seconds moved by the shift, remembered: a replay has one shift and its records
 * print the same second many times over, so most stamps are a lookup rather than a Date. The
 * memo starts over when the shift or the year (for stamps that print none) changes.
 */
class MovedSeconds {
  private shiftMs = 0;
  private year = 0;
  private readonly map = new Map<string, string>();

  constructor(private readonly move: (wall: string, shiftMs: number, year: number) => string) {}

  get(wall: string, shiftMs: number, year = 0): string {
    if (this.shiftMs !== shiftMs || this.year !== year || this.map.size >= 8192) {
      this.shiftMs = shiftMs;
      this.year = year;
      this.map.clear();
    }
    let out = this.map.get(wall);
    if (out === undefined) {
      out = this.move(wall, shiftMs, year);
      this.map.set(wall, out);
    }
    return out;
  }
}

/** "YYYY-MM-DDTHH:MM:SS" moved by the shift. */
const isoSeconds = new MovedSeconds((wall, shiftMs) => {
  const t = new Date(Date.parse(`${wall}Z`) + shiftMs);
  return `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}T${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())}`;
});

/** klog's "MMDD HH:MM:SS" moved by the shift (klog headers carry no year: the record's year is the one they are read in). */
const klogSeconds = new MovedSeconds((wall, shiftMs, year) => {
  const t = new Date(Date.UTC(year, +wall.slice(0, 2) - 1, +wall.slice(2, 4), +wall.slice(5, 7), +wall.slice(8, 10), +wall.slice(11, 13)) + shiftMs);
  return `${pad(t.getUTCMonth() + 1)}${pad(t.getUTCDate())} ${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())}`;
});

/** An RFC 3339 string moved by shiftMs, keeping its precision and zone style. */
export function shiftIso(iso: string, shiftMs: number): string {
  if (shiftMs === 0) return iso;
  // The wall-clock fields move by the shift; the zone is kept as written. Shifts are whole
  // seconds, so the fraction never changes.
  return shiftIsoStamps(iso, shiftMs);
}

const isDigit = (s: string, i: number): boolean => {
  const c = s.charCodeAt(i);
  return c >= 48 && c <= 57;
};

/** Where an RFC 3339 stamp whose "T" is at `t` ends (after its zone), or -1 when there is none. */
function stampEnd(s: string, t: number): number {
  // YYYY-MM-DD before the T, HH:MM:SS after it.
  if (t < 10 || t + 9 > s.length) return -1;
  const a = t - 10;
  if (!(isDigit(s, a) && isDigit(s, a + 1) && isDigit(s, a + 2) && isDigit(s, a + 3) && s.charCodeAt(a + 4) === 45 && isDigit(s, a + 5) && isDigit(s, a + 6) && s.charCodeAt(a + 7) === 45 && isDigit(s, a + 8) && isDigit(s, a + 9))) return -1;
  if (!(isDigit(s, t + 1) && isDigit(s, t + 2) && s.charCodeAt(t + 3) === 58 && isDigit(s, t + 4) && isDigit(s, t + 5) && s.charCodeAt(t + 6) === 58 && isDigit(s, t + 7) && isDigit(s, t + 8))) return -1;
  let j = t + 9;
  if (s.charCodeAt(j) === 46 && isDigit(s, j + 1)) {
    j += 2;
    while (isDigit(s, j)) j++;
  }
  const z = s.charCodeAt(j);
  if (z === 90 /* Z */) return j + 1;
  if (z !== 43 && z !== 45) return -1;
  if (!(isDigit(s, j + 1) && isDigit(s, j + 2))) return -1;
  const m = s.charCodeAt(j + 3) === 58 && isDigit(s, j + 4) && isDigit(s, j + 5) ? j + 4 : j + 3;
  return isDigit(s, m) && isDigit(s, m + 1) ? m + 2 : -1;
}

/**
 * Every RFC 3339 stamp in a text (what /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})/g
 * finds) moved by the shift. A scan from each "T" instead of that expression: log lines are
 * rebased by the hundred thousand, and this is several times quicker.
 */
export function shiftIsoStamps(text: string, shiftMs: number): string {
  let out = '';
  let copied = 0;
  let lastEnd = 0;
  for (let t = text.indexOf('T', 10); t >= 0; ) {
    const end = stampEnd(text, t);
    // A stamp starts after the previous one ends, as the expression's matches do.
    if (end < 0 || t - 10 < lastEnd) {
      t = text.indexOf('T', t + 1);
      continue;
    }
    const start = t - 10;
    out += text.slice(copied, start) + isoSeconds.get(text.slice(start, start + 19), shiftMs);
    copied = start + 19;
    lastEnd = end;
    t = text.indexOf('T', end);
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/** "YYYY-MM-DD HH:MM:SS" at the start of a line (Python, PostgreSQL, RabbitMQ), through the per-second cache. */
function shiftSpaced(line: string, shiftMs: number): string {
  const moved = isoSeconds.get(`${line.slice(0, 10)}T${line.slice(11, 19)}`, shiftMs);
  return `${moved.slice(0, 10)} ${moved.slice(11)}${line.slice(19)}`;
}

/** A log line with the timestamps it prints moved (the formats obsynth writes). */
export function shiftLogLine(line: string, shiftMs: number, year: number): string {
  if (shiftMs === 0) return line;
  let out = line;
  const k = KLOG.exec(out);
  // The header's letter and everything after its seconds (fraction included) stay as written.
  if (k) out = `${k[1]}${klogSeconds.get(out.slice(1, 14), shiftMs, year)}${out.slice(14)}`;
  else if (SPACED.test(out)) out = shiftSpaced(out, shiftMs);
  out = shiftIsoStamps(out, shiftMs);
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

// CloudWatch Logs' rules for one PutLogEvents call, applied before sending (Vector's
// aws_cloudwatch_logs sink is the model): events in time order; at most 10,000 events and
// 1,048,576 bytes (message bytes + 26 per event); no call spanning more than 24 hours; events
// only within [now - 14 days, now + 2 hours]; a single event at most 256 KiB (with overhead).
import { DAY, HOUR } from '../../time/calendar.js';

export const MAX_EVENTS = 10_000;
export const MAX_BYTES = 1_048_576;
export const EVENT_OVERHEAD = 26;
export const MAX_EVENT_BYTES = 262_144;
export const MAX_SPAN_MS = 24 * HOUR;
export const MAX_AGE_MS = 14 * DAY;
export const MAX_AHEAD_MS = 2 * HOUR;

export interface LogEvent {
  readonly seq: number;
  readonly timestamp: number;
  readonly message: string;
}

export interface Planned {
  /** Calls to make, each a valid PutLogEvents batch, in order. */
  readonly calls: LogEvent[][];
  /** Events that can never be accepted, with the reason. */
  readonly rejected: Array<{ seq: number; reason: string }>;
}

export function planPutLogEvents(events: readonly LogEvent[], now: number): Planned {
  const rejected: Planned['rejected'] = [];
  const ok: Array<LogEvent & { bytes: number }> = [];
  for (const e of events) {
    const bytes = Buffer.byteLength(e.message, 'utf8') + EVENT_OVERHEAD;
    if (e.message.length === 0) rejected.push({ seq: e.seq, reason: 'empty message (CloudWatch Logs requires at least one character)' });
    else if (bytes > MAX_EVENT_BYTES) rejected.push({ seq: e.seq, reason: `event of ${bytes} bytes exceeds the ${MAX_EVENT_BYTES}-byte limit` });
    else if (e.timestamp < now - MAX_AGE_MS) rejected.push({ seq: e.seq, reason: 'older than 14 days (CloudWatch Logs rejects it)' });
    else if (e.timestamp > now + MAX_AHEAD_MS) rejected.push({ seq: e.seq, reason: 'more than 2 hours in the future (CloudWatch Logs rejects it)' });
    else ok.push({ ...e, bytes });
  }
  // Stable sort: CloudWatch requires chronological order inside a call.
  ok.sort((a, b) => a.timestamp - b.timestamp || a.seq - b.seq);
  const calls: LogEvent[][] = [];
  let current: LogEvent[] = [];
  let bytes = 0;
  for (const e of ok) {
    const first = current[0];
    if (current.length > 0 && (current.length >= MAX_EVENTS || bytes + e.bytes > MAX_BYTES || e.timestamp - first!.timestamp > MAX_SPAN_MS)) {
      calls.push(current);
      current = [];
      bytes = 0;
    }
    current.push({ seq: e.seq, timestamp: e.timestamp, message: e.message });
    bytes += e.bytes;
  }
  if (current.length > 0) calls.push(current);
  return { calls, rejected };
}

// Pure calendar arithmetic and the timestamp formats the simulated systems print.
// Nothing here reads wall time (that is clock.ts).

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export interface TimeWindow {
  /** Inclusive start, epoch ms. */
  readonly start: number;
  /** Exclusive end, epoch ms. */
  readonly end: number;
}

export function floorTo(ms: number, step: number): number {
  return Math.floor(ms / step) * step;
}

export function ceilTo(ms: number, step: number): number {
  return Math.ceil(ms / step) * step;
}

export function dayIndex(ms: number): number {
  return Math.floor(ms / DAY);
}

/** `YYYY-MM-DD` of the UTC day. */
export function utcDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

const pad2 = (n: number): string => (n < 10 ? '0' : '') + n;
const pad3 = (n: number): string => (n < 10 ? '00' : n < 100 ? '0' : '') + n;

/**
 * Formats many timestamps that fall in the same second cheaply: the `YYYY-MM-DDTHH:MM:SS`
 * prefix is cached, since a generator emits thousands of records per second of wall time.
 */
class SecondCache {
  private second = Number.NaN;
  private iso = '';
  private date: Date = new Date(0);

  prefix(ms: number): string {
    const s = Math.floor(ms / 1000);
    if (s !== this.second) {
      this.second = s;
      this.date = new Date(s * 1000);
      this.iso = this.date.toISOString().slice(0, 19);
    }
    return this.iso;
  }

  parts(ms: number): Date {
    this.prefix(ms);
    return this.date;
  }
}

const cache = new SecondCache();

/** RFC 3339 with milliseconds: 2026-11-28T12:00:00.123Z */
export function isoMillis(ms: number): string {
  return `${cache.prefix(ms)}.${pad3(Math.floor(ms) % 1000)}Z`;
}

/** RFC 3339 with microseconds; `subMs` (0..999) supplies the digits below a millisecond. */
export function isoMicros(ms: number, subMs = 0): string {
  return `${cache.prefix(ms)}.${pad3(Math.floor(ms) % 1000)}${pad3(subMs)}Z`;
}

/** Go's RFC3339Nano (container runtimes, log shippers): nanoseconds, trailing zeros dropped. */
export function isoNanos(ms: number, subMs = 0): string {
  let frac = `${pad3(Math.floor(ms) % 1000)}${pad3(subMs)}${pad3((subMs * 7) % 1000)}`;
  let end = frac.length;
  while (end > 0 && frac.charCodeAt(end - 1) === 48) end--;
  if (end === 0) return `${cache.prefix(ms)}Z`;
  if (end < frac.length) frac = frac.slice(0, end);
  return `${cache.prefix(ms)}.${frac}Z`;
}

/** A duration as Go's time.Duration prints it (metav1.Duration in JSON): "30s", "1m0s", "1h2m3s". */
export function goDuration(ms: number): string {
  if (ms === 0) return '0s';
  const totalSeconds = ms / 1000;
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const s = Math.round((totalSeconds % 60) * 1000) / 1000;
  if (h > 0) return `${h}h${m}m${s}s`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}

/** RFC 3339 without fractional seconds (Kubernetes metav1.Time). */
export function isoSeconds(ms: number): string {
  return `${cache.prefix(ms)}Z`;
}

/** Python logging's default asctime: 2026-11-28 12:00:00,123 */
export function pythonAsctime(ms: number): string {
  return `${cache.prefix(ms).replace('T', ' ')},${pad3(Math.floor(ms) % 1000)}`;
}

/** Logback / log4j default: 2026-11-28 12:00:00.123 */
export function javaTimestamp(ms: number): string {
  return `${cache.prefix(ms).replace('T', ' ')}.${pad3(Math.floor(ms) % 1000)}`;
}

/** klog header time: MMDD HH:MM:SS.uuuuuu */
export function klogTime(ms: number, subMs = 0): string {
  const d = cache.parts(ms);
  return (
    pad2(d.getUTCMonth() + 1) +
    pad2(d.getUTCDate()) +
    ' ' +
    pad2(d.getUTCHours()) +
    ':' +
    pad2(d.getUTCMinutes()) +
    ':' +
    pad2(d.getUTCSeconds()) +
    '.' +
    pad3(Math.floor(ms) % 1000) +
    pad3(subMs)
  );
}

/** PostgreSQL log_line_prefix '%m': 2026-11-28 12:00:00.123 UTC */
export function postgresTime(ms: number): string {
  return `${javaTimestamp(ms)} UTC`;
}

/** Hour of day (fractional) in a fixed UTC offset. */
export function hourOfDay(ms: number, utcOffsetMinutes: number): number {
  const local = ms + utcOffsetMinutes * MINUTE;
  return ((local % DAY) + DAY) % DAY / HOUR;
}

/** Day of week in a fixed UTC offset: 0 = Sunday .. 6 = Saturday. */
export function dayOfWeek(ms: number, utcOffsetMinutes: number): number {
  const localDay = Math.floor((ms + utcOffsetMinutes * MINUTE) / DAY);
  return (((localDay + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
}

/** 0-based month in a fixed UTC offset. */
export function monthOf(ms: number, utcOffsetMinutes: number): number {
  return new Date(ms + utcOffsetMinutes * MINUTE).getUTCMonth();
}

/** Parses "90s", "15m", "2h", "3d" or a bare number of seconds into milliseconds. */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/.exec(text.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  switch (m[2]) {
    case 'ms':
      return n;
    case 'm':
      return n * MINUTE;
    case 'h':
      return n * HOUR;
    case 'd':
      return n * DAY;
    default:
      return n * SECOND;
  }
}

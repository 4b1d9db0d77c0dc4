// Times as OpenTelemetry HrTime ([seconds, nanoseconds]), keeping the precision the source had:
// CRI timestamps carry nanoseconds, Sentry's float seconds microseconds, CloudWatch milliseconds.
import type { HrTime } from '@opentelemetry/api';

export function hrTimeOfMs(ms: number): HrTime {
  const whole = Math.floor(ms);
  const secs = Math.floor(whole / 1000);
  // Sub-millisecond parts (rare in epoch ms) are kept to the microsecond.
  return [secs, (whole - secs * 1000) * 1_000_000 + Math.round((ms - whole) * 1000) * 1000];
}

/** Float epoch seconds (Sentry), to the microsecond. */
export function hrTimeOfSeconds(seconds: number): HrTime {
  const micros = Math.round(seconds * 1_000_000);
  const secs = Math.floor(micros / 1_000_000);
  return [secs, (micros - secs * 1_000_000) * 1000];
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})$/;

// Consecutive records mostly share their minute: its epoch seconds are kept for the fast path.
let lastMinute = '';
let lastMinuteSecs = 0;

const digit = (s: string, i: number): number => s.charCodeAt(i) - 48;

/** An RFC 3339 time with up to nanosecond digits, or undefined when it is not one. */
export function hrTimeOfIso(iso: string): HrTime | undefined {
  // Fast path: UTC "YYYY-MM-DDTHH:MM:SS[.fraction]Z", the shape CRI and Kubernetes write.
  const n = iso.length;
  if (n >= 20 && iso.charCodeAt(n - 1) === 90 /* Z */ && iso.charCodeAt(10) === 84 /* T */ && iso.charCodeAt(16) === 58 /* : */) {
    const s1 = digit(iso, 17);
    const s2 = digit(iso, 18);
    const dot = iso.charCodeAt(19);
    if (s1 >= 0 && s1 <= 6 && s2 >= 0 && s2 <= 9 && (dot === 46 || n === 20)) {
      const minute = iso.slice(0, 16);
      if (minute !== lastMinute) {
        const m = ISO.exec(`${minute}:00Z`);
        if (!m) return undefined;
        lastMinuteSecs = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, 0) / 1000;
        lastMinute = minute;
      }
      let nanos = 0;
      if (n > 20) {
        const digits = n - 21;
        if (digits < 1 || digits > 9) return hrTimeOfIsoSlow(iso);
        let v = 0;
        for (let i = 20; i < n - 1; i++) {
          const d = digit(iso, i);
          if (d < 0 || d > 9) return hrTimeOfIsoSlow(iso);
          v = v * 10 + d;
        }
        nanos = v * 10 ** (9 - digits);
      }
      return [lastMinuteSecs + s1 * 10 + s2, nanos];
    }
  }
  return hrTimeOfIsoSlow(iso);
}

function hrTimeOfIsoSlow(iso: string): HrTime | undefined {
  const m = ISO.exec(iso);
  if (!m) return undefined;
  let secs = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) / 1000;
  const zone = m[8]!;
  if (zone !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    secs -= sign * (Number(digits.slice(0, 2)) * 3600 + Number(digits.slice(2, 4)) * 60);
  }
  const frac = m[7];
  const nanos = frac ? Number(frac.padEnd(9, '0')) : 0;
  return [secs, nanos];
}

export function msOfHrTime(t: HrTime): number {
  return t[0] * 1000 + Math.floor(t[1] / 1_000_000);
}

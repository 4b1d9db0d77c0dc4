// Five-field cron expressions (minute hour day-of-month month day-of-week), evaluated in the
// shop's fixed UTC offset. Enough of cron for periodic jobs: *, */n, a-b, a-b/n and lists.
import { MINUTE } from './calendar.js';

const FIELDS = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12 },
  { name: 'day of week', min: 0, max: 7 },
] as const;

export interface CronSchedule {
  readonly expression: string;
  /** Whether the job starts at this minute (epoch ms, any second inside the minute). */
  matches(ms: number): boolean;
}

export class CronParseError extends Error {}

function parseField(text: string, min: number, max: number, fieldName: string): Set<number> {
  const values = new Set<number>();
  for (const part of text.split(',')) {
    const m = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
    if (!m) throw new CronParseError(`${fieldName} "${part}" is not *, N, N-M or */N`);
    const step = m[4] ? Number(m[4]) : 1;
    let lo = min;
    let hi = max;
    if (m[1] !== '*') {
      lo = Number(m[2]);
      hi = m[3] !== undefined ? Number(m[3]) : m[4] ? max : lo;
    }
    if (lo < min || hi > max || lo > hi || step < 1) {
      throw new CronParseError(`${fieldName} "${part}" is outside ${min}-${max}`);
    }
    for (let v = lo; v <= hi; v += step) values.add(v);
  }
  return values;
}

export function parseCron(expression: string, utcOffsetMinutes: number): CronSchedule {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 5) throw new CronParseError(`"${expression}" must have five fields`);
  const sets = parts.map((p, i) => parseField(p, FIELDS[i]!.min, FIELDS[i]!.max, FIELDS[i]!.name));
  const [minutes, hours, days, months, weekdays] = sets as [Set<number>, Set<number>, Set<number>, Set<number>, Set<number>];
  if (weekdays.has(7)) weekdays.add(0);
  const domRestricted = parts[2] !== '*';
  const dowRestricted = parts[4] !== '*';
  return {
    expression,
    matches(ms: number): boolean {
      const d = new Date(ms + utcOffsetMinutes * MINUTE);
      if (!minutes.has(d.getUTCMinutes()) || !hours.has(d.getUTCHours()) || !months.has(d.getUTCMonth() + 1)) return false;
      const domOk = days.has(d.getUTCDate());
      const dowOk = weekdays.has(d.getUTCDay());
      // Cron's rule: when both day fields are restricted, either may match.
      if (domRestricted && dowRestricted) return domOk || dowOk;
      return domOk && dowOk;
    },
  };
}

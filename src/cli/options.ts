// Command-line values -> validated options. Every bad value is collected and reported at once,
// naming the flag, the value and what is allowed.
import { existsSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, resolve } from 'node:path';
import { ConfigError, type Problem } from '../config/errors.js';
import { INCIDENT_TYPES, type IncidentType } from '../config/schema.js';
import type { PlacedIncident } from '../incidents/planner.js';
import type { Source } from '../model/record.js';
import { DAY, HOUR, parseDuration, type TimeWindow } from '../time/calendar.js';

export const SOURCE_ALIASES: Readonly<Record<string, Source>> = {
  kubernetes: 'kubernetes',
  k8s: 'kubernetes',
  sentry: 'sentry',
  cloudwatch: 'cloudwatch',
  aws: 'cloudwatch',
  grafana: 'grafana',
};
export const ALL_SOURCES: readonly Source[] = ['kubernetes', 'sentry', 'cloudwatch', 'grafana'];

export class OptionProblems {
  readonly list: Problem[] = [];

  add(flag: string, message: string): void {
    this.list.push({ path: flag, message });
  }

  throwIfAny(): void {
    if (this.list.length === 0) return;
    const fromFiles = this.list.some((p) => p.file !== undefined);
    const fromFlags = this.list.some((p) => p.file === undefined);
    const title = fromFiles && fromFlags ? 'invalid configuration and command-line options' : fromFiles ? 'invalid configuration' : 'invalid command-line options';
    throw new ConfigError(this.list, title);
  }
}

/** A file the command will write (a report): its folder must exist and it must not be a folder. */
export function checkOutputFile(p: OptionProblems, flag: string, path: string | undefined): void {
  if (path === undefined) return;
  const parent = dirname(resolve(path));
  if (!existsSync(parent) || !statSync(parent).isDirectory()) p.add(flag, `"${path}": the folder ${parent} does not exist`);
  else if (existsSync(path) && statSync(path).isDirectory()) p.add(flag, `"${path}" is a folder; give the file to write`);
}

export function parseNumber(p: OptionProblems, flag: string, value: string | undefined, check: { min?: number; max?: number; integer?: boolean } = {}): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  const { min, max, integer } = check;
  const range = `${integer ? 'an integer' : 'a number'}${min !== undefined ? ` >= ${min}` : ''}${max !== undefined ? ` and <= ${max}` : ''}`;
  if (value.trim() === '' || !Number.isFinite(n) || (integer && !Number.isInteger(n)) || (min !== undefined && n < min) || (max !== undefined && n > max)) {
    p.add(flag, `"${value}" is not allowed; expected ${range}`);
    return undefined;
  }
  return n;
}

/** An ISO 8601 timestamp with a zone (Z or an offset), or a date (midnight UTC). */
export function parseTime(p: OptionProblems, flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ok = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2}))?$/.test(value);
  const t = ok ? Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value) : Number.NaN;
  if (!Number.isFinite(t)) {
    p.add(flag, `"${value}" is not a timestamp; expected ISO 8601 with a zone, e.g. 2026-11-28T00:00:00Z, or a date like 2026-11-28`);
    return undefined;
  }
  return t;
}

export interface RangeFlags {
  hours?: string;
  days?: string;
  start?: string;
  end?: string;
}

/** --start/--end, or a length (--hours/--days) ending at --end, starting at --start, or ending at the last full hour. */
export function resolveRange(p: OptionProblems, flags: RangeFlags, now: number): TimeWindow | undefined {
  const hours = parseNumber(p, '--hours', flags.hours, { min: 0 });
  const days = parseNumber(p, '--days', flags.days, { min: 0 });
  const start = parseTime(p, '--start', flags.start);
  const end = parseTime(p, '--end', flags.end);
  if (hours !== undefined && days !== undefined) p.add('--hours', 'give --hours or --days, not both');
  const length = hours !== undefined ? hours * HOUR : days !== undefined ? days * DAY : undefined;
  if (length !== undefined && start !== undefined && end !== undefined) p.add('--end', 'give two of --start, --end and a length (--hours/--days), not all three');
  let range: TimeWindow | undefined;
  if (start !== undefined && end !== undefined) range = { start, end };
  else if (start !== undefined) range = { start, end: start + (length ?? HOUR) };
  else if (end !== undefined) range = { start: end - (length ?? HOUR), end };
  else {
    const lastHour = Math.floor(now / HOUR) * HOUR;
    range = { start: lastHour - (length ?? HOUR), end: lastHour };
  }
  if (range && range.end <= range.start) p.add('--end', `the time range is empty (${new Date(range.start).toISOString()} .. ${new Date(range.end).toISOString()}); the end must be after the start`);
  return range;
}

export function parseSources(p: OptionProblems, value: string | undefined): Source[] {
  if (value === undefined) return [...ALL_SOURCES];
  const out = new Set<Source>();
  for (const part of value.split(',').map((s) => s.trim()).filter(Boolean)) {
    const s = SOURCE_ALIASES[part.toLowerCase()];
    if (!s) p.add('--sources', `"${part}" is not allowed; allowed: ${Object.keys(SOURCE_ALIASES).join(' | ')}`);
    else out.add(s);
  }
  if (out.size === 0 && p.list.length === 0) p.add('--sources', 'names no source');
  return ALL_SOURCES.filter((s) => out.has(s));
}

/** --incident TYPE[@TIME[:TARGET]]: TIME is ISO 8601 or +duration from the start (e.g. +90m). */
export function parsePlaced(p: OptionProblems, values: readonly string[], range: TimeWindow | undefined): PlacedIncident[] {
  const out: PlacedIncident[] = [];
  values.forEach((raw, i) => {
    const m = /^([a-z_]+)(?:@([^/]+))?(?:\/([a-z0-9-]+))?$/.exec(raw.trim());
    if (!m) {
      p.add('--incident', `"${raw}" is not TYPE[@TIME][/TARGET] (e.g. memory_leak@2026-11-28T14:00:00Z/order-service or db_pool_exhaustion@+2h)`);
      return;
    }
    const type = m[1]!;
    if (!(INCIDENT_TYPES as readonly string[]).includes(type)) {
      p.add('--incident', `"${type}" is not an incident type; allowed: ${INCIDENT_TYPES.join(' | ')}`);
      return;
    }
    if (!range) return;
    let at: number | undefined;
    if (m[2] === undefined) at = range.start + Math.round(((i + 1) / (values.length + 1)) * (range.end - range.start));
    else if (m[2].startsWith('+')) {
      const d = parseDuration(m[2].slice(1));
      if (d === undefined) p.add('--incident', `"${m[2]}" is not an offset like +90m or +2h`);
      else at = range.start + d;
    } else at = parseTime(p, '--incident', m[2]);
    if (at === undefined) return;
    if (at < range.start || at >= range.end) {
      p.add('--incident', `${raw}: ${new Date(at).toISOString()} is outside the range ${new Date(range.start).toISOString()} .. ${new Date(range.end).toISOString()}`);
      return;
    }
    out.push({ type: type as IncidentType, at: Math.floor(at / 1000) * 1000, target: m[3] });
  });
  return out;
}

export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

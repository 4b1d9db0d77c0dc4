import { describe, expect, it } from 'vitest';
import type { FileRecord } from '../../../src/model/record.js';
import { rebaseRecord, shiftIso, shiftIsoStamps, shiftLogLine } from '../../../src/replay/rebase-body.js';
import { rebaseShift } from '../../../src/replay/rebase.js';
import { DAY, HOUR } from '../../../src/time/calendar.js';
import { makeWorld, runWindow } from '../../support/world.js';

const SHIFT = 5 * DAY + 3 * HOUR + 7000;

describe('rebaseShift', () => {
  const range = { start: Date.UTC(2026, 10, 1), end: Date.UTC(2026, 10, 2) };
  const now = Date.UTC(2026, 10, 29, 12, 0, 0, 750);
  it('ends the history now, starts it now, or leaves it', () => {
    expect(range.end + rebaseShift('end', range, now)).toBe(Date.UTC(2026, 10, 29, 12, 0, 0));
    expect(range.start + rebaseShift('start', range, now)).toBe(Date.UTC(2026, 10, 29, 12, 0, 0));
    expect(rebaseShift('none', range, now)).toBe(0);
  });
});

describe('shifting timestamps', () => {
  it('moves RFC 3339 strings keeping precision and zone', () => {
    expect(shiftIso('2026-11-24T23:59:58.123456789Z', SHIFT)).toBe('2026-11-30T03:00:05.123456789Z');
    expect(shiftIso('2026-11-24T10:00:00+01:00', HOUR)).toBe('2026-11-24T11:00:00+01:00');
  });

  it('moves the stamps log lines print, in every format we write', () => {
    const y = 2026;
    expect(shiftLogLine('I1124 23:59:58.123456       1 handler.go:61] "Handling request"', SHIFT, y)).toBe('I1130 03:00:05.123456       1 handler.go:61] "Handling request"');
    expect(shiftLogLine('2026-11-24 23:59:58,123 INFO [users.views] ok', SHIFT, y)).toBe('2026-11-30 03:00:05,123 INFO [users.views] ok');
    expect(shiftLogLine('time=2026-11-24T23:59:58.123Z level=INFO msg="x"', SHIFT, y)).toBe('time=2026-11-30T03:00:05.123Z level=INFO msg="x"');
    expect(shiftLogLine('{"level":30,"time":1795996798123,"msg":"x"}', SHIFT, y)).toBe(`{"level":30,"time":${1795996798123 + SHIFT},"msg":"x"}`);
    expect(shiftLogLine('2026-11-24 23:59:58 UTC:10.0.1.1(5432):app@shop:[1]:LOG:  checkpoint starting: time', SHIFT, y)).toBe('2026-11-30 03:00:05 UTC:10.0.1.1(5432):app@shop:[1]:LOG:  checkpoint starting: time');
  });
});

describe('rebaseRecord', () => {
  it('moves every time field of every kind and nothing else', () => {
    const world = makeWorld({ incidentsPerDay: 50 });
    const start = Date.UTC(2026, 10, 24, 14, 0, 0);
    const { records } = runWindow(world, start, start + 10 * 60_000);
    expect(records.size).toBeGreaterThanOrEqual(9);
    for (const list of records.values()) {
      for (const r of list.slice(0, 50)) {
        const moved = rebaseRecord(r, SHIFT);
        expect(moved.timestamp).toBe(r.timestamp + SHIFT);
        expect(moved.id).toBe(r.id);
        // The original is not changed.
        expect(JSON.stringify(rebaseRecord(r, 0))).toBe(JSON.stringify(r));
        // No time of the original day is left in the body (all moved to the new day or later).
        const text = JSON.stringify(moved.body);
        const oldDay = new Date(r.timestamp).toISOString().slice(0, 10);
        if (r.kind !== 'cloudwatch_alarm' && r.kind !== 'kubernetes_event') expect(text.includes(oldDay), `${r.kind}: ${text.slice(0, 300)}`).toBe(false);
        const moveBack = rebaseRecord(moved as FileRecord, -SHIFT);
        expect(JSON.stringify(moveBack.body)).toBe(JSON.stringify(r.body));
      }
    }
  });
});

describe('rebaseRecord on time-valued series', () => {
  it('moves the value of a certificate expiry series with the history, other values stay', () => {
    const world = makeWorld({ incidentsPerDay: 0 });
    const start = Date.UTC(2026, 10, 24, 14, 0, 0);
    const series = runWindow(world, start, start + 5 * 60_000).records.get('grafana_series') ?? [];
    const expiry = series.find((r) => (r.body as { metric: Record<string, string> }).metric.__name__ === 'probe_ssl_earliest_cert_expiry');
    const other = series.find((r) => (r.body as { metric: Record<string, string> }).metric.__name__ !== 'probe_ssl_earliest_cert_expiry');
    expect(expiry, 'the generator emits a certificate expiry series').toBeDefined();
    expect(other).toBeDefined();
    const value = (r: FileRecord) => Number((r.body as { value: [number, string] }).value[1]);
    // Expiry is a unix time in seconds after the sample's own time.
    expect(value(expiry!)).toBeGreaterThan(expiry!.timestamp / 1000);
    expect(value(rebaseRecord(expiry!, SHIFT) as FileRecord)).toBe(value(expiry!) + Math.round(SHIFT / 1000));
    expect(value(rebaseRecord(other!, SHIFT) as FileRecord)).toBe(value(other!));
  });
});

describe('shiftIsoStamps', () => {
  // The expression the scanner stands in for.
  const ISO = /(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:?\d{2})/g;
  const byRegex = (text: string, shift: number) => text.replace(ISO, (m) => `${new Date(Date.parse(`${m.slice(0, 19)}Z`) + shift).toISOString().slice(0, 19)}${m.slice(19)}`);

  it('finds and moves exactly what the RFC 3339 expression finds', () => {
    const pieces = ['2026-11-24T23:59:58', '.123', '.', 'Z', '+01:00', '-0530', '+01:', '+1', 'T', '-', ':', '1', '12', ' ', 'x', '"', '2026-11-24T', '10:00:00', 'é'];
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const texts = ['', 'T', '2026-11-24T23:59:58Z', '2026-11-24T23:59:58Z2026-11-24T23:59:58Z', '12026-11-24T23:59:58.5+05:30 at 2026-01-01T00:00:00-08:00.', '2026-11-24T23:59:58.Z', '2026-11-24T23:59:58.1'];
    for (let i = 0; i < 3000; i++) {
      let text = '';
      const n = 1 + Math.floor(next() * 8);
      for (let j = 0; j < n; j++) text += pieces[Math.floor(next() * pieces.length)];
      texts.push(text);
    }
    let moved = 0;
    for (const text of texts) {
      const expected = byRegex(text, SHIFT);
      expect(shiftIsoStamps(text, SHIFT), JSON.stringify(text)).toBe(expected);
      if (expected !== text) moved++;
    }
    expect(moved).toBeGreaterThan(50);
  });
});

describe('shiftLogLine on klog headers', () => {
  // The header moved with a Date every time (what the per-second cache stands in for).
  const byDate = (line: string, shift: number, year: number) => {
    const k = /^([IWEF])(\d{2})(\d{2}) (\d{2}):(\d{2}):(\d{2})/.exec(line)!;
    const t = new Date(Date.UTC(year, +k[2]! - 1, +k[3]!, +k[4]!, +k[5]!, +k[6]!) + shift);
    const p = (n: number) => String(n).padStart(2, '0');
    return `${k[1]}${p(t.getUTCMonth() + 1)}${p(t.getUTCDate())} ${p(t.getUTCHours())}:${p(t.getUTCMinutes())}:${p(t.getUTCSeconds())}${line.slice(14)}`;
  };

  it('moves every header as a Date would, whatever shift and year came before', () => {
    let seed = 11;
    const next = (n: number) => Math.floor(((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * n);
    const p = (n: number) => String(n).padStart(2, '0');
    const shifts = [SHIFT, 3_600_000, -86_400_000, 31 * 86_400_000];
    let checked = 0;
    for (let i = 0; i < 4000; i++) {
      // Runs of lines share a shift and year, as a replay's do; the year also changes alone
      // (2028 is a leap year: late January moved by 31 days lands on other dates).
      const shift = shifts[Math.floor(i / 500) % shifts.length]!;
      const year = Math.floor(i / 250) % 2 === 0 ? 2026 : 2028;
      // Few distinct seconds, so most lines are answered from the cache.
      const line = `${'IWEF'[next(4)]}${p(1 + 10 * next(2))}${p(28 + next(4))} 23:59:${p(55 + next(5))}${next(2) ? `.${String(next(1e6)).padStart(6, '0')}` : ''}       1 server.go:${next(900)}] "msg"`;
      expect(shiftLogLine(line, shift, year), line).toBe(byDate(line, shift, year));
      checked++;
    }
    expect(checked).toBe(4000);
  });
});

// The records-over-time figures of `obsynth validate` and the HTML page that plots them: steps
// sized to the range, every record in the right step, anomalies where the incident is, and a
// page that stands alone.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planGenerate, runGenerate } from '../../../src/cli/commands/generate.js';
import type { ValidationReport } from '../../../src/validate/report.js';
import { DAY, HOUR, MINUTE } from '../../../src/time/calendar.js';
import { MAX_STEPS, stepFor, TimelineTally } from '../../../src/validate/timeline-tally.js';
import { stillClock, tempDir, validate } from './support/dataset.js';
import { T0 } from './support/bodies.js';

const CLI = join(process.cwd(), 'dist/cli/main.js');
const ONSET = T0 + 20 * MINUTE;

describe('the steps', () => {
  it('are a minute for an hour, five for a day, two hours for a month, whole days beyond a year', () => {
    expect(stepFor({ start: T0, end: T0 + HOUR })).toBe(MINUTE);
    expect(stepFor({ start: T0, end: T0 + DAY })).toBe(5 * MINUTE);
    expect(stepFor({ start: T0, end: T0 + 30 * DAY })).toBe(2 * HOUR);
    const long = stepFor({ start: T0, end: T0 + 3650 * DAY });
    expect(long % DAY).toBe(0);
    expect((3650 * DAY) / long).toBeLessThanOrEqual(MAX_STEPS);
  });

  it('put each record in the step of its timestamp and count the ones outside the range apart', () => {
    const t = new TimelineTally({ start: T0, end: T0 + HOUR }, ['kubernetes', 'grafana']);
    t.add('kubernetes', T0, false);
    t.add('kubernetes', T0 + MINUTE - 1, true);
    t.add('kubernetes', T0 + HOUR - 1, true);
    t.add('grafana', T0 + 30 * MINUTE, false);
    t.add('kubernetes', T0 - 1, true);
    t.add('kubernetes', T0 + HOUR, false);
    t.add('sentry', T0, true); // not a source of this dataset: ignored
    const r = t.report(undefined);
    expect(r.steps).toBe(60);
    const k = r.sources.find((s) => s.source === 'kubernetes')!;
    expect(k.records[0]).toBe(2);
    expect(k.anomalous[0]).toBe(1);
    expect(k.records[59]).toBe(1);
    expect(k.anomalous[59]).toBe(1);
    expect(k.records.reduce((a, b) => a + b, 0)).toBe(3);
    expect(r.sources.find((s) => s.source === 'grafana')!.records[30]).toBe(1);
    expect(r.outside).toBe(2);
    expect(r.incidents).toEqual([]);
  });
});

describe('on a generated hour with one incident', () => {
  let dir: string;
  let report: ValidationReport;

  beforeAll(async () => {
    dir = tempDir('timeline');
    const plan = planGenerate(
      { start: new Date(T0).toISOString(), hours: '1', sources: 'kubernetes,grafana', out: dir, workers: '0', force: true, incidentsPerDay: '0', incident: [`cpu_throttling@${new Date(ONSET).toISOString()}`] },
      T0,
    );
    await runGenerate(plan, { clock: stillClock, stderr: { isTTY: false, write: () => true } }, false);
    report = await validate(dir);
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('counts every record of each source once, in a step or outside the range', () => {
    const t = report.timeline!;
    expect(t.stepMs).toBe(MINUTE);
    expect(t.steps).toBe(60);
    const inSteps = t.sources.reduce((a, s) => a + s.records.reduce((x, y) => x + y, 0), 0);
    expect(inSteps + t.outside).toBe(report.dataset.records);
    for (const s of t.sources) {
      const kinds = report.kinds.filter((k) => k.source === s.source).reduce((a, k) => a + k.records, 0);
      expect(s.records.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(kinds);
      expect(s.records.every((c) => c > 0)).toBe(true);
    }
  });

  it('shows anomalies only from the incident on, in both sources, and lists the incident', () => {
    const t = report.timeline!;
    expect(t.incidents.map((i) => i.type)).toEqual(['cpu_throttling']);
    expect(Date.parse(t.incidents[0]!.onset)).toBe(ONSET);
    const onsetStep = (ONSET - T0) / MINUTE;
    for (const s of t.sources) {
      // A minute of margin for clock skew between hosts.
      expect(s.anomalous.slice(0, onsetStep - 1).reduce((a, b) => a + b, 0)).toBe(0);
      expect(s.anomalous.slice(onsetStep).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
      expect(s.anomalous.every((a, i) => a <= s.records[i]!)).toBe(true);
    }
  });

  it('writes a self-contained page with the plot (--html)', () => {
    const html = join(dir, 'report.html');
    const r = spawnSync(process.execPath, [CLI, 'validate', dir, '--no-progress', '--html', html], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    const page = readFileSync(html, 'utf8');
    expect(page).toMatch(/^<!DOCTYPE html>/);
    const svg = /<svg[\s\S]*?<\/svg>/.exec(page)?.[0] ?? '';
    for (const source of ['kubernetes', 'grafana']) {
      expect(svg).toContain(`class="records" data-source="${source}"`);
      expect(svg).toContain(`class="anomalous" data-source="${source}"`);
    }
    expect(svg).not.toContain('data-source="sentry"');
    const incident = report.timeline!.incidents[0]!;
    expect(svg.match(/class="incident-band"/g)).toHaveLength(1);
    expect(svg).toContain(`data-incident="${incident.id}"`);
    // Every check is in the table.
    for (const c of report.checks) expect(page).toContain(c.title);
    // Nothing fetched from anywhere.
    expect(page).not.toMatch(/<script|<link|\bsrc=|\bhref=|url\(/i);
    expect(page.replace('xmlns="http://www.w3.org/2000/svg"', '')).not.toMatch(/https?:\/\//);
    expect(existsSync(`${html}.${r.pid}.partial`)).toBe(false);
  });

  it('refuses an --html path in a folder that does not exist, before reading anything', () => {
    const html = join(dir, 'no-such-folder', 'report.html');
    const r = spawnSync(process.execPath, [CLI, 'validate', dir, '--no-progress', '--html', html], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--html');
    expect(r.stderr).toContain('does not exist');
    expect(existsSync(html)).toBe(false);
  });
});

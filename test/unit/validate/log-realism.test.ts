// The realism section of obsynth validate: container logs against public yardsticks, computed in
// the same pass as the checks. Figures are checked against what the dataset's own files say,
// shares stay within [0, 1], and each figure's verdict agrees with its band.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planGenerate, runGenerate } from '../../../src/cli/commands/generate.js';
import { printValidate } from '../../../src/cli/commands/validate.js';
import type { FileEnvelope } from '../../../src/export/dataset-input.js';
import type { LabelLine } from '../../../src/model/record.js';
import { LogRealismTally, MIN_REALISM_LINES, type LogRealismReport } from '../../../src/validate/log-realism.js';
import type { ValidationReport } from '../../../src/validate/report.js';
import { readJsonl } from '../../support/cli.js';
import { defaultConfig } from '../../support/world.js';
import { checkOf, stillClock, tempDir, validate, writeFixture } from './support/dataset.js';

const T0 = Date.UTC(2026, 10, 24, 12, 0, 0);
const HOUR = 3_600_000;
const quiet = { isTTY: false, write: () => true };

let dir: string;
let report: ValidationReport;
let r: LogRealismReport;
let records: FileEnvelope[];
let labels: LabelLine[];

beforeAll(async () => {
  dir = tempDir('realism');
  // Kubernetes only, 2 hours, one incident: enough lines for every per-service comparison.
  const plan = planGenerate({ start: new Date(T0).toISOString(), hours: '2', sources: 'kubernetes', out: dir, workers: '0', force: true, incidentsPerDay: '0', incident: ['bad_deployment@+40m/order-service'] }, T0);
  await runGenerate(plan, { clock: stillClock, stderr: quiet }, false);
  report = await validate(dir);
  r = report.realism!;
  records = readJsonl<FileEnvelope>(join(dir, 'kubernetes/container_logs.jsonl.gz'));
  labels = readJsonl<LabelLine>(join(dir, 'labels/kubernetes/container_logs.jsonl.gz'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the realism section on a generated dataset', () => {
  it('counts the container log lines and their true templates per service as the files hold them', () => {
    expect(r).not.toBeNull();
    expect(labels).toHaveLength(records.length);
    const lines = new Map<string, number>();
    const templates = new Map<string, Set<string>>();
    let stacktrace = 0;
    records.forEach((rec, i) => {
      const l = labels[i]!;
      if (l.duplicate) return;
      if (l.template_id === 'stacktrace') return void stacktrace++;
      lines.set(rec.service, (lines.get(rec.service) ?? 0) + 1);
      if (!templates.has(rec.service)) templates.set(rec.service, new Set());
      templates.get(rec.service)!.add(l.template_id ?? '(none)');
    });
    expect(r.stacktraceLines).toBe(stacktrace);
    expect(r.lines).toBe([...lines.values()].reduce((a, n) => a + n, 0));
    expect(r.services.map((s) => [s.service, s.lines, s.templates])).toEqual([...lines.keys()].sort().map((s) => [s, lines.get(s), templates.get(s)!.size]));
    expect(r.miner.lines).toBe(r.lines);
    // A service's templates are its own: the total is their sum.
    expect(r.templates.count).toBe(r.services.reduce((a, s) => a + s.templates, 0));
  });

  it('keeps every share within [0, 1], and the miner finds our logs short of 100% regular', () => {
    const inUnit = (x: number | null) => x === null || (x >= 0 && x <= 1);
    for (const s of r.services) {
      expect(inUnit(s.headShare) && inUnit(s.errorLineShare) && inUnit(s.miner.accuracy), s.service).toBe(true);
      expect(s.headShare, s.service).toBeGreaterThan(0);
      expect(s.miner.correct).toBeLessThanOrEqual(s.miner.lines);
      expect(s.rareTemplates).toBeLessThanOrEqual(s.templates);
    }
    for (const x of [r.templates.headShare, r.errors.errorLineShare, r.errors.http5xxShare, r.miner.accuracy]) expect(inUnit(x)).toBe(true);
    expect(r.errors.errorLines).toBeLessThanOrEqual(r.errors.normalLines);
    expect(r.errors.responses5xx).toBeLessThanOrEqual(r.errors.requests);
    expect(r.errors.requests).toBeGreaterThan(0);
    // The measured truth, not a target: a Drain-like miner does not recover every template.
    expect(r.miner.accuracy!).toBeGreaterThan(0);
    expect(r.miner.accuracy!).toBeLessThan(1);
    expect(r.miner.ungrouped).toBe(0);
    expect(r.miner.predictedGroups).toBeLessThanOrEqual(r.miner.options.maxGroups * r.services.length);
  });

  it('gives each figure a verdict that agrees with its band, and n/a where there is too little to say', () => {
    expect(r.lines).toBeGreaterThan(MIN_REALISM_LINES);
    for (const c of r.comparisons) {
      const where = `${c.figure} ${c.scope} ${c.value}`;
      const inside = c.value !== null && c.value >= c.band[0] && c.value <= c.band[1];
      if (c.status === 'ok') expect(inside, where).toBe(true);
      if (c.status === 'outside') expect(c.value !== null && !inside, where).toBe(true);
      if (c.status === 'n/a') {
        const service = r.services.find((s) => s.service === c.scope);
        expect(c.value === null || (service !== undefined && service.lines < MIN_REALISM_LINES), where).toBe(true);
      }
    }
    // Every service with enough lines is compared on templates, head share and miner accuracy.
    expect(r.services.filter((x) => x.lines >= MIN_REALISM_LINES).length).toBeGreaterThan(3);
    for (const s of r.services.filter((x) => x.lines >= MIN_REALISM_LINES)) {
      expect(r.comparisons.filter((c) => c.scope === s.service && c.status !== 'n/a').map((c) => c.figure).sort()).toEqual(['head_share', 'miner_accuracy', 'templates']);
    }
    // Two hours say nothing about the day's curve.
    expect(r.diurnal.peakToTrough).toBeNull();
    expect(r.diurnal.note).toMatch(/24 hours/);
    expect(r.comparisons.find((c) => c.figure === 'diurnal_peak_to_trough')!.status).toBe('n/a');
  });

  it('reports figures outside their band as a warning, never as a failure', () => {
    const c = checkOf(report, 'log_realism');
    const outside = r.comparisons.filter((x) => x.status === 'outside');
    expect(c.severity).toBe('warning');
    expect(c.status).toBe(outside.length > 0 ? 'fail' : 'pass');
    expect(r.notes).toHaveLength(outside.length);
    expect([...c.problems, ...Array(c.moreProblems).fill('')]).toHaveLength(r.notes.length);
    expect(report.ok).toBe(true);
  });

  it('prints the section in the text report and in the JSON', () => {
    const text = printValidate(report, false);
    const section = text.slice(text.indexOf('\nREALISM'));
    expect(section.length).toBeGreaterThan(10);
    for (const s of r.services) expect(section).toMatch(new RegExp(`^  ${s.service} +${s.lines.toLocaleString('en-US')} `, 'm'));
    expect(section).toContain(`${r.miner.correct.toLocaleString('en-US')} of ${r.miner.lines.toLocaleString('en-US')} lines`);
    const json = JSON.parse(printValidate(report, true)) as ValidationReport;
    expect(json.realism!.miner.accuracy).toBe(r.miner.accuracy);
    expect(json.realism!.comparisons).toEqual(r.comparisons);
  });

  it('is skipped, not judged, on a dataset with a handful of lines', async () => {
    const fixture = tempDir('realism-fixture');
    try {
      writeFixture(fixture);
      const small = await validate(fixture);
      expect(small.realism!.lines).toBeLessThan(MIN_REALISM_LINES);
      expect(small.realism!.comparisons.every((c) => c.status === 'n/a')).toBe(true);
      expect(checkOf(small, 'log_realism').status).toBe('skip');
    } finally {
      rmSync(fixture, { recursive: true, force: true });
    }
  });
});

describe('the day curve and the 5xx share', () => {
  it('counts edge access lines per local hour, and 5xx among the normal ones', () => {
    // One real gateway access line, copied over a day: 100 per UTC hour, 300 at 17:00 UTC and 30
    // at 08:00 UTC, i.e. noon and 3 am in the shop's time zone (UTC-5).
    const i = labels.findIndex((l) => l.template_id === 'gw.access' && !l.anomalous && !l.duplicate);
    expect(i).toBeGreaterThanOrEqual(0);
    const proto = records[i]!;
    const body = proto.body as { log: string };
    expect(body.log).toMatch(/ - \d{3} /);
    const config = defaultConfig();
    expect(config.generation.traffic.utc_offset_minutes).toBe(-300);
    const tally = new LogRealismTally(config.services, config.generation.traffic.utc_offset_minutes);
    const day = Date.UTC(2026, 10, 23, 0, 0, 0);
    let requests = 0;
    let errors = 0;
    for (let h = 0; h < 24; h++) {
      const n = h === 17 ? 300 : h === 8 ? 30 : 100;
      for (let k = 0; k < n; k++) {
        const status = k % 5 === 0 ? 503 : 200;
        const anomalous = k === 1;
        if (!anomalous) {
          requests++;
          if (status >= 500) errors++;
        }
        tally.add({ ...proto, timestamp: day + h * HOUR + k * 1000, body: { ...body, log: body.log.replace(/ - \d{3} /, ` - ${status} `) } }, { anomalous, template_id: 'gw.access' });
      }
    }
    const rep = tally.report({ start: day, end: day + 24 * HOUR });
    expect([rep.diurnal.peakHour, rep.diurnal.troughHour, rep.diurnal.peakToTrough]).toEqual([12, 3, 10]);
    expect(rep.diurnal.perHour.filter((v) => v === 100)).toHaveLength(22);
    expect([rep.errors.requests, rep.errors.responses5xx]).toEqual([requests, errors]);
    expect(rep.errors.http5xxShare).toBeCloseTo(errors / requests, 12);
    const diurnal = rep.comparisons.find((c) => c.figure === 'diurnal_peak_to_trough')!;
    expect([diurnal.value, diurnal.status]).toEqual([10, 'ok']);
  });
});

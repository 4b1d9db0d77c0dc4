// `obsynth alerts test` end to end, with the real Prometheus (Debian's 2.42 from
// test/backends/prometheus.sh): a six-hour dataset with three placed incidents is scored against
// the shipped rules (deploy/prometheus/rules/obsynth-alerts.yaml) and the fixture rules
// (test/fixtures/alerts/rules.yaml: a copy of a shipped rule, a too-strict one, a noisy one).
// The numbers asserted are derived from the run and the ground truth, not copied from output;
// and the firing intervals are checked against Prometheus' own rule manager (`promtool test
// rules`) at every state change.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify as stringifyYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPanelSeries } from '../../src/alerts/panel-series.js';
import { locatePrometheusBinary } from '../../src/alerts/prometheus-binaries.js';
import type { AlertsReport, RuleReport } from '../../src/alerts/report.js';
import { runAlertsTest, type AlertsTestFlags } from '../../src/cli/commands/alerts.js';
import { ConfigError, UsageError } from '../../src/config/errors.js';
import { systemClock } from '../../src/time/clock.js';
import { generatedDataset, repo } from '../deploy/support.js';
import { obsynth, tempDir, type CliResult } from '../support/cli.js';

const MIN = 60_000;
const GRACE = 10 * MIN;
const SHIPPED = repo('deploy/prometheus/rules/obsynth-alerts.yaml');
const FIXTURES = repo('test/fixtures/alerts');
const FIXTURE_RULES = join(FIXTURES, 'rules.yaml');

/** Six hours, grafana only, three incidents placed apart and nothing else. */
const DATASET_ARGS = [
  '--start', '2026-11-24T06:00:00Z', '--hours', '6', '--sources', 'grafana', '--incidents-per-day', '0',
  '--incident', 'bad_deployment@+60m/payment-service', '--incident', 'db_pool_exhaustion@+150m/order-service', '--incident', 'cache_stampede@+255m',
  '--workers', '0',
];

interface Truth {
  range: { start: string; end: string };
  incidents: Array<{ id: string; type: string; root_cause: string; onset: string; end: string }>;
}

let dir: string;
let truth: Truth;
let report: AlertsReport;
let htmlFile: string;
let out: string;

const rule = (id: string): RuleReport => {
  const r = report.rules.find((x) => x.id === id);
  if (!r) throw new Error(`no rule ${id} in the report`);
  return r;
};
const alertsTest = (...args: string[]): CliResult => obsynth(['alerts', 'test', dir, '--no-progress', ...args]);
const withoutAlertname = (labels: Readonly<Record<string, string>>) => Object.fromEntries(Object.entries(labels).filter(([k]) => k !== 'alertname'));

beforeAll(() => {
  // A missing Prometheus is an error naming the install command, never a skip.
  locatePrometheusBinary('prometheus', undefined);
  dir = generatedDataset(DATASET_ARGS);
  truth = JSON.parse(readFileSync(join(dir, 'incidents.json'), 'utf8')) as Truth;
  out = tempDir('obsynth-alerts-test-');
  htmlFile = join(out, 'report.html');
  const r = alertsTest('--rules', SHIPPED, FIXTURE_RULES, '--json', '--html', htmlFile);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  report = JSON.parse(r.stdout) as AlertsReport;
});

afterAll(() => {
  if (out) rmSync(out, { recursive: true, force: true });
});

describe('obsynth alerts test (real Prometheus)', () => {
  it('evaluates every alerting rule of both files at its interval over the whole range', () => {
    const shipped = readFileSync(SHIPPED, 'utf8').match(/^\s*- alert: /gm)!.length;
    expect(report.rules.map((r) => r.id)).toEqual(expect.arrayContaining(['HighErrorRate', 'HighErrorRateCopy', 'PostgresConnectionsOverLimit', 'ErrorRateNoisy']));
    expect(report.rules).toHaveLength(shipped + 3);
    const span = Date.parse(truth.range.end) - Date.parse(truth.range.start);
    for (const r of report.rules) expect(r.evaluations).toBe(span / r.intervalMs);
    expect(report.engine.prometheus).toMatch(/^prometheus 2\./);
    expect(report.series.series).toBeGreaterThan(0);
    expect(report.incidents.map((i) => i.id).sort()).toEqual(truth.incidents.map((i) => i.id).sort());
  });

  it('detects only ground-truth incidents, with a latency between 0 and the incident duration + grace', () => {
    const byId = new Map(truth.incidents.map((i) => [i.id, i]));
    let detections = 0;
    for (const r of report.rules) {
      for (const o of r.outcomes.filter((x) => x.detected)) {
        const inc = byId.get(o.incident)!;
        expect(inc, `${r.id} detects ${o.incident}`).toBeDefined();
        expect(o.type).toBe(inc.type);
        expect(o.latencyMs).toBeGreaterThanOrEqual(0);
        expect(o.latencyMs).toBeLessThanOrEqual(Date.parse(inc.end) - Date.parse(inc.onset) + GRACE);
        detections++;
      }
      for (const f of r.firingIntervals) {
        const start = Date.parse(f.start);
        expect(Date.parse(f.end)).toBeGreaterThan(start);
        expect(start).toBeGreaterThanOrEqual(Date.parse(truth.range.start));
        // Its incidents are exactly those whose window [onset, end + grace] holds its start.
        const holding = truth.incidents.filter((i) => start >= Date.parse(i.onset) && start <= Date.parse(i.end) + GRACE).map((i) => i.id);
        expect(f.incidents, `${r.id} ${f.start}`).toEqual(holding);
      }
    }
    expect(detections).toBeGreaterThan(0);
  });

  it('precision, recall and the false positives follow from the firings and the outcomes', () => {
    for (const r of report.rules) {
      const tp = r.firingIntervals.filter((f) => f.incidents.length > 0).length;
      expect(r.firings).toBe(r.firingIntervals.length);
      expect(r.truePositives).toBe(tp);
      expect(r.falsePositives).toBe(r.firings - tp);
      expect(r.precision).toBe(r.firings === 0 ? null : tp / r.firings);
      const detected = r.outcomes.filter((o) => o.detected).length;
      expect(r.detected).toBe(detected);
      expect(r.recall).toBe(detected / truth.incidents.length);
    }
  });

  it('the rule copied from the shipped ones catches its bad deployment, firing exactly when the original does', () => {
    const bad = truth.incidents.find((i) => i.type === 'bad_deployment')!;
    const copy = rule('HighErrorRateCopy');
    const outcome = copy.outcomes.find((o) => o.incident === bad.id)!;
    expect(outcome.detected).toBe(true);
    // Among its detecting firings, one is at the root cause (callers may cross the threshold first).
    expect(copy.firingIntervals.filter((f) => f.incidents.includes(bad.id)).map((f) => f.labels.service)).toContain(bad.root_cause);
    const shape = (r: RuleReport) => r.firingIntervals.map((f) => [f.start, f.end, withoutAlertname(f.labels)]);
    expect(shape(copy)).toEqual(shape(rule('HighErrorRate')));
  });

  it('the too-strict rule is reported as missing its incident', () => {
    const strict = rule('PostgresConnectionsOverLimit');
    const pool = truth.incidents.find((i) => i.type === 'db_pool_exhaustion')!;
    expect(strict.firings).toBe(0);
    expect(strict.outcomes.find((o) => o.incident === pool.id)).toMatchObject({ detected: false });
    expect(strict.byType.find((t) => t.type === 'db_pool_exhaustion')).toMatchObject({ incidents: 1, detected: 0 });
  });

  it("the noisy rule's false positives are counted: firings that start outside every incident window", () => {
    const noisy = rule('ErrorRateNoisy');
    expect(noisy.falsePositives).toBeGreaterThan(0);
    expect(noisy.precision).toBeLessThan(1);
    const outside = noisy.firingIntervals.filter((f) => truth.incidents.every((i) => Date.parse(f.start) < Date.parse(i.onset) || Date.parse(f.start) > Date.parse(i.end) + GRACE));
    expect(noisy.falsePositives).toBe(outside.length);
    // keep_firing_for 2m: firings of one label set are at least 2m apart (one firing otherwise).
    const byAlert = new Map<string, number[][]>();
    for (const f of noisy.firingIntervals) {
      const key = JSON.stringify(f.labels);
      byAlert.set(key, [...(byAlert.get(key) ?? []), [Date.parse(f.start), Date.parse(f.end)]]);
    }
    for (const list of byAlert.values()) for (let i = 1; i < list.length; i++) expect(list[i]![0]! - list[i - 1]![1]!).toBeGreaterThanOrEqual(MIN);
  });

  it("agrees with Prometheus' own rule manager (promtool test rules) around every firing's start and end", async () => {
    const rangeStart = Date.parse(truth.range.start);
    const span = Date.parse(truth.range.end) - rangeStart;
    const steps = span / MIN;
    const { series } = await readPanelSeries(dir, { names: new Set(['service:http_errors:ratio_rate1m', 'postgres:connections:ratio']) });
    const input = [...series.entries()].map(([key, s]) => {
      const at = new Map(s.times.map((t, i) => [t * 1000, s.values[i]!]));
      for (const t of at.keys()) expect((t - rangeStart) % MIN).toBe(0);
      return { series: key, values: Array.from({ length: steps }, (_, i) => at.get(rangeStart + i * MIN) ?? '_').join(' ') };
    });
    const tests: Array<{ eval_time: string; alertname: string; exp_alerts: Array<{ exp_labels: Record<string, string> }> }> = [];
    for (const id of ['HighErrorRateCopy', 'PostgresConnectionsOverLimit', 'ErrorRateNoisy']) {
      const r = rule(id);
      const times = new Set<number>();
      for (const f of r.firingIntervals) for (const t of [Date.parse(f.start) - MIN, Date.parse(f.start), Date.parse(f.end) - MIN, Date.parse(f.end)]) times.add(t);
      for (let t = rangeStart; t < rangeStart + span; t += 30 * MIN) times.add(t);
      for (const t of [...times].filter((x) => x >= rangeStart && x < rangeStart + span).sort((a, b) => a - b)) {
        const firing = r.firingIntervals.filter((f) => Date.parse(f.start) <= t && t < Date.parse(f.end));
        tests.push({ eval_time: `${(t - rangeStart) / MIN}m`, alertname: r.alert, exp_alerts: firing.map((f) => ({ exp_labels: withoutAlertname(f.labels) })) });
      }
    }
    expect(tests.filter((t) => t.exp_alerts.length > 0).length).toBeGreaterThan(10);
    const file = join(out, 'cross-check.test.yaml');
    writeFileSync(file, stringifyYaml({ rule_files: [FIXTURE_RULES], evaluation_interval: '1m', tests: [{ interval: '1m', input_series: input, alert_rule_test: tests }] }, { lineWidth: 0 }));
    let output = '';
    let code = 0;
    try {
      output = execFileSync(locatePrometheusBinary('promtool', undefined), ['test', 'rules', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
    } catch (err) {
      const e = err as { status?: number; stdout?: string; stderr?: string };
      code = e.status ?? -1;
      output = `${e.stdout ?? ''}${e.stderr ?? ''}`;
    }
    expect(code, output.slice(0, 4000)).toBe(0);
    expect(output).toMatch(/SUCCESS/);
  });

  it('backfills recording rules first, so an alert on one catches what the same alert written directly does', async () => {
    const { report: r } = await runAlertsTest(dir, { rules: [join(FIXTURES, 'rules-recording.yaml')] }, { clock: systemClock, stderr: process.stderr, env: process.env });
    const recorded = r.rules.find((x) => x.id === 'ShopErrorsRecorded')!;
    const direct = r.rules.find((x) => x.id === 'ShopErrorsDirect')!;
    expect(direct.detected).toBeGreaterThan(0);
    expect(recorded.outcomes.map((o) => [o.incident, o.detected])).toEqual(direct.outcomes.map((o) => [o.incident, o.detected]));
    // promtool evaluates the recording group at its own phase inside the minute (a hash of the
    // group, as Prometheus does), so the recorded alert trails the direct one by up to an interval.
    for (const [i, o] of recorded.outcomes.entries()) {
      if (!o.detected) continue;
      const lag = o.latencyMs! - direct.outcomes[i]!.latencyMs!;
      expect(lag).toBeGreaterThanOrEqual(0);
      expect(lag).toBeLessThanOrEqual(MIN);
    }
    expect(r.warnings).toEqual([]);
  });

  it('--match-service counts a firing only for incidents that reached its service', () => {
    const r = alertsTest('--rules', FIXTURE_RULES, '--json', '--match-service');
    expect(r.code).toBe(0);
    const strict = JSON.parse(r.stdout) as AlertsReport;
    expect(strict.matchService).toBe(true);
    const targets = new Map((JSON.parse(readFileSync(join(dir, 'incidents.json'), 'utf8')) as { incidents: Array<{ id: string; affected: Array<{ target: string }> }> }).incidents.map((i) => [i.id, i.affected.map((a) => a.target)]));
    for (const r2 of strict.rules) {
      const lenient = rule(r2.id);
      expect(r2.firings).toBe(lenient.firings);
      expect(r2.falsePositives).toBeGreaterThanOrEqual(lenient.falsePositives);
      expect(r2.detected).toBeLessThanOrEqual(lenient.detected);
      for (const f of r2.firingIntervals) for (const id of f.incidents) if (f.labels.service) expect(targets.get(id)).toContain(f.labels.service);
    }
  });

  it('writes a self-contained HTML report: an <svg> timeline with one band per incident and one bar per firing', () => {
    const html = readFileSync(htmlFile, 'utf8');
    expect(html).toMatch(/^<!DOCTYPE html>/);
    const svg = /<svg[\s\S]*?<\/svg>/.exec(html)?.[0];
    expect(svg).toBeDefined();
    expect(svg!.match(/class="incident-band"/g)).toHaveLength(truth.incidents.length);
    for (const i of truth.incidents) expect(svg).toContain(`data-incident="${i.id}"`);
    const firings = report.rules.reduce((n, r) => n + r.firings, 0);
    expect(svg!.match(/class="firing /g)?.length ?? 0).toBe(firings);
    expect(svg!.match(/class="firing false-positive"/g)?.length ?? 0).toBe(report.rules.reduce((n, r) => n + r.falsePositives, 0));
    // Nothing to fetch: no scripts, no external references (the SVG namespace is no request).
    expect(html).not.toMatch(/<script|<link|\bsrc=|\bhref=|url\(/i);
    expect(html.replace('xmlns="http://www.w3.org/2000/svg"', '')).not.toMatch(/https?:\/\//);
  });
});

describe('obsynth alerts test --expect (a CI gate)', () => {
  it('exits 0 when every expectation is met, and prints the table', () => {
    const r = alertsTest('--rules', FIXTURE_RULES, '--expect', join(FIXTURES, 'expect-pass.yaml'));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^rule +for +firings +true +false +precision +caught +recall +latency median \/ max$/m);
    expect(r.stdout).toMatch(/expectations \(.*expect-pass\.yaml\): 1 met, 0 failed/);
    expect(r.stdout).toMatch(/^ {2}ok {5}HighErrorRateCopy: catches every bad_deployment incident within 10m$/m);
  });

  it('exits 1 naming each failed expectation and why', () => {
    const pool = truth.incidents.find((i) => i.type === 'db_pool_exhaustion')!;
    const r = alertsTest('--rules', FIXTURE_RULES, '--expect', join(FIXTURES, 'expect-fail.yaml'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^obsynth: 2 expectations of .*expect-fail\.yaml not met$/m);
    expect(r.stdout).toContain('FAILED PostgresConnectionsOverLimit: catches every db_pool_exhaustion incident within 15m');
    expect(r.stdout).toContain(`caught 0 of 1 db_pool_exhaustion incident in time (needs all): ${pool.id} missed`);
    expect(r.stdout).toContain(`fired ${rule('ErrorRateNoisy').falsePositives} times outside every incident window (max 0)`);
    expect(r.stdout).toMatch(/^ {2}ok {5}HighErrorRateCopy/m);
  });

  it('exits 2 on a bad expect file, naming file, position, key path, the bad value and what is allowed', () => {
    const r = alertsTest('--rules', FIXTURE_RULES, '--expect', join(FIXTURES, 'expect-bad.yaml'));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^obsynth: invalid expect file \(2 problems\):$/m);
    expect(r.stderr).toMatch(/expect-bad\.yaml:3:13 \[0\]\.catches\[0\]: "bad_deploy" is not allowed; allowed: memory_leak \| bad_deployment \| /);
    expect(r.stderr).toMatch(/expect-bad\.yaml:4:16 \[0\]\.max_latency: "ten minutes" is invalid: must be a duration like 30s, 10m/);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    // A usage error caught by commander (the dataset folder swallowed by --rules) exits 2 too.
    const usage = obsynth(['alerts', 'test', '--rules', FIXTURE_RULES, dir]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/give exactly one of a dataset folder or --generate \(the folder goes before --rules/);
  });

  // The other bad inputs in-process (each CLI start costs seconds on the shared machines): the
  // same errors, which main() turns into exit 2 as above.
  const rejects = async (flags: AlertsTestFlags, pattern: RegExp, kind: typeof ConfigError | typeof UsageError = ConfigError) => {
    const run = runAlertsTest(dir, flags, { clock: systemClock, stderr: process.stderr, env: process.env });
    await expect(run).rejects.toBeInstanceOf(kind);
    await expect(run).rejects.toThrow(pattern);
  };

  it('rejects a rule the rule files do not define, listing those they do', async () => {
    await rejects({ rules: [FIXTURE_RULES], expect: join(FIXTURES, 'expect-unknown-rule.yaml') }, /expect-unknown-rule\.yaml:2:9 \[0\]\.rule: "HighErrorRateTypo" is not an alerting rule of the rule files; allowed: HighErrorRateCopy \| PostgresConnectionsOverLimit \| ErrorRateNoisy/);
  });

  it('rejects bad rule files: schema problems located, PromQL problems from promtool', async () => {
    await rejects({ rules: [join(FIXTURES, 'rules-bad.yaml')] }, /rules-bad\.yaml:7:9 groups\[0\]\.rules\[0\]\.fro: unknown key "fro"; allowed: alert \| record \| expr \| for \| keep_firing_for \| labels \| annotations\n.*rules-bad\.yaml:10:14 groups\[0\]\.rules\[1\]\.for: "two minutes" is invalid/);
    await rejects({ rules: [join(FIXTURES, 'rules-bad-promql.yaml')] }, /rules-bad-promql\.yaml: promtool check rules: .*"BadExpr": could not parse expression/);
  });

  it('rejects bad options and a folder that is no dataset', async () => {
    await rejects({}, /--rules: is required/);
    await rejects({ rules: [FIXTURE_RULES], grace: '10 minutes' }, /--grace: "10 minutes" is not allowed; expected a duration like 30s, 10m/);
    await rejects({ rules: [FIXTURE_RULES], prometheus: join(FIXTURES, 'nothing-here') }, /--prometheus .*nothing-here: no executable file there/, UsageError);
    await expect(runAlertsTest(FIXTURES, { rules: [FIXTURE_RULES] }, { clock: systemClock, stderr: process.stderr, env: process.env })).rejects.toThrow(/has no incidents\.json/);
  });
});

describe('obsynth alerts test --generate', () => {
  it('scores the rules on a history generated for the run, the same as on that history written by generate', () => {
    const onDataset = obsynth(['alerts', 'test', dir, '--no-progress', '--json', '--rules', SHIPPED]);
    // --generate always makes the grafana source alone: it takes no --sources.
    const args = DATASET_ARGS.filter((a, i) => a !== '--sources' && DATASET_ARGS[i - 1] !== '--sources');
    const generated = obsynth(['alerts', 'test', '--generate', ...args, '--no-progress', '--json', '--rules', SHIPPED]);
    expect(generated.code, generated.stderr).toBe(0);
    const a = JSON.parse(onDataset.stdout) as AlertsReport;
    const b = JSON.parse(generated.stdout) as AlertsReport;
    // grafana only either way: the same series, incidents and so the same scores.
    expect(b.rules.map((r) => [r.id, r.firings, r.detected, r.falsePositives])).toEqual(a.rules.map((r) => [r.id, r.firings, r.detected, r.falsePositives]));
    expect(b.rules.reduce((n, r) => n + r.firings, 0)).toBeGreaterThan(0);
  });

  it('takes exactly one of a folder or --generate', () => {
    for (const args of [['--rules', SHIPPED], [dir, '--generate', '--rules', SHIPPED]]) {
      const r = obsynth(['alerts', 'test', ...args]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/give exactly one of a dataset folder or --generate/);
    }
  });
});

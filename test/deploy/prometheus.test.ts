// deploy/prometheus with the real promtool (test/backends/prometheus.sh): the rules and the demo
// config check, the rules mirror the Grafana alerting obsynth simulates, and `promtool test rules`
// passes on input series obsynth produced -- each incident type sets off its alerts, a quiet day
// none -- both for the committed tests and for ones made now from a fresh dataset.
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { INCIDENT_TYPES } from '../../src/config/schema.js';
import { ALERT_RULES } from '../../src/generators/grafana/alert-rules.js';
import { SERIES } from '../../src/generators/grafana/panel-series.js';
import { promqlRefs } from './queries.js';
import { promtool, readText, readYaml, repo, run } from './support.js';

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
const RULES_FILE = repo('deploy/prometheus/rules/obsynth-alerts.yaml');
const rules = readYaml<{ groups: Array<{ name: string; rules: Rule[] }> }>(RULES_FILE).groups.flatMap((g) => g.rules);
const alertNames = rules.map((r) => r.alert!).filter(Boolean);
type Expected = Record<string, Array<{ alert: string; match: Record<string, string> }>>;
const expected = JSON.parse(run('node', [repo('scripts/promtool-series.mjs'), '--table']).output) as Expected;

describe('deploy/prometheus', () => {
  let tool: string;
  beforeAll(() => {
    tool = promtool();
  });

  it('rules pass `promtool check rules`', () => {
    const r = run(tool, ['check', 'rules', RULES_FILE]);
    expect(r.code, r.output).toBe(0);
    expect(r.output).toContain(`SUCCESS: ${rules.length} rules found`);
  });

  it('the demo Prometheus config passes `promtool check config` (its otlp block is Prometheus 3 only)', () => {
    const config = readYaml<Record<string, unknown>>(repo('deploy/prometheus/prometheus.yaml'));
    expect(Object.keys(config).sort()).toEqual(['global', 'otlp', 'rule_files', 'storage']);
    // promtool here is 2.42, which knows neither `otlp:` (3.x, what grafana/otel-lgtm runs) nor
    // our mount point; check the rest with the rules where they are in this checkout.
    const { otlp: _otlp, ...rest } = config;
    const dir = mkdtempSync(join(tmpdir(), 'obsynth-promconfig-'));
    const file = join(dir, 'prometheus.yaml');
    writeFileSync(file, stringifyYaml({ ...rest, rule_files: [repo('deploy/prometheus/rules/*.yaml')] }));
    const r = run(tool, ['check', 'config', file]);
    expect(r.code, r.output).toBe(0);
    expect((config.storage as { tsdb: { out_of_order_time_window: string } }).tsdb.out_of_order_time_window).toMatch(/^\d+h$/);
    // Longer than the backfill docker-compose.yml asks for.
    const backfill = Number(readYaml<{ 'x-obsynth-env': Record<string, string> }>(repo('docker-compose.yml'))['x-obsynth-env'].OBSYNTH_BACKFILL_HOURS);
    expect(Number.parseInt((config.storage as { tsdb: { out_of_order_time_window: string } }).tsdb.out_of_order_time_window, 10)).toBeGreaterThan(backfill);
  });

  it('mirror the Grafana alert rules obsynth simulates: same names, thresholds and pending steps', () => {
    for (const g of ALERT_RULES) {
      const r = rules.find((x) => x.alert === g.name);
      expect(r, `no Prometheus rule ${g.name}`).toBeDefined();
      expect(r!.expr, g.name).toContain(g.series);
      expect(r!.expr.replace(/\s+/g, ' '), g.name).toContain(`${g.op} ${g.threshold}`);
      expect(r!.for, `${g.name}: for = (forSteps - 1) x 1m`).toBe(`${g.forSteps - 1}m`);
      expect(r!.labels?.severity, g.name).toBe(g.severity);
    }
  });

  it('query only series obsynth emits, and every rule is expected for some incident type, every type sets some off', () => {
    const emitted = new Set<string>(Object.values(SERIES));
    for (const r of rules) {
      const refs = promqlRefs(r.expr);
      expect(refs.errors, r.alert).toEqual([]);
      const names = refs.selectors.map((x) => x.name);
      expect(names.length, r.alert).toBeGreaterThan(0);
      for (const n of names) expect(emitted.has(n), `${r.alert}: ${n}`).toBe(true);
      expect(r.annotations?.summary, r.alert).toBeTruthy();
    }
    expect(Object.keys(expected).sort()).toEqual([...INCIDENT_TYPES].sort());
    const used = new Set(Object.values(expected).flatMap((list) => list.map((e) => e.alert)));
    expect([...used].sort()).toEqual([...alertNames].sort());
  });

  it('committed tests (deploy/prometheus/tests) pass `promtool test rules`: one per incident type and a quiet day', () => {
    const dir = repo('deploy/prometheus/tests');
    const tests = readdirSync(dir).filter((f) => f.endsWith('.test.yaml')).sort();
    expect(tests).toEqual([...INCIDENT_TYPES.map((t) => `${t}.test.yaml`), 'quiet.test.yaml'].sort());
    expect([...assertedAlerts(dir)].sort(), 'every rule must be asserted to fire for some incident').toEqual([...alertNames].sort());
    const r = run(tool, ['test', 'rules', ...tests], { cwd: dir });
    expect(r.code, r.output).toBe(0);
  });

  describe('on a dataset generated now (deploy/prometheus/make-tests.sh)', () => {
    let out: string;
    beforeAll(() => {
      out = mkdtempSync(join(tmpdir(), 'obsynth-promtool-'));
      const r = run('bash', [repo('deploy/prometheus/make-tests.sh'), out], { env: { WORK_DIR: join(out, 'datasets') } });
      if (r.code !== 0) throw new Error(`make-tests.sh failed: ${r.output}`);
    }, 900_000);

    it('writes input series made of obsynth samples around each incident, and a quiet day', () => {
      const tests = readdirSync(out).filter((f) => f.endsWith('.test.yaml')).sort();
      expect(tests).toEqual([...INCIDENT_TYPES.map((t) => `${t}.test.yaml`), 'quiet.test.yaml'].sort());
      const memory = parseYaml(readFileSync(join(out, 'memory_leak.test.yaml'), 'utf8')) as { tests: Array<{ input_series: Array<{ series: string; values: string }>; promql_expr_test: unknown[] }> };
      const series = memory.tests[0]!.input_series.map((s) => s.series);
      expect(series).toContain('service:memory_working_set:max_ratio{namespace="shop",service="order-service"}');
      expect(series.some((s) => s.startsWith('kube_pod_container_status_restarts_total{'))).toBe(true);
      expect(memory.tests[0]!.promql_expr_test.length).toBeGreaterThan(4);
    });

    it('every rule fires for its incidents, at the minute the simulated Grafana alert does, and none on a quiet day', () => {
      const tests = readdirSync(out).filter((f) => f.endsWith('.test.yaml')).sort();
      expect([...assertedAlerts(out)].sort(), 'every rule must be asserted to fire for some incident').toEqual([...alertNames].sort());
      const r = run(tool, ['test', 'rules', ...tests], { cwd: out });
      expect(r.code, r.output).toBe(0);
      expect(r.output.match(/SUCCESS/g)?.length).toBe(tests.length);
    });

    it('fails when the rule an incident needs is missing (the tests are not vacuous)', () => {
      const dir = mkdtempSync(join(tmpdir(), 'obsynth-promtool-neg-'));
      const doc = readYaml<{ groups: Array<{ name: string; rules: Rule[] }> }>(RULES_FILE);
      for (const g of doc.groups) g.rules = g.rules.filter((r) => r.alert !== 'CacheHitRatioLow');
      writeFileSync(join(dir, 'rules.yaml'), stringifyYaml(doc));
      const test = parseYaml(readFileSync(join(out, 'cache_stampede.test.yaml'), 'utf8')) as { rule_files: string[] };
      test.rule_files = ['rules.yaml'];
      writeFileSync(join(dir, 'cache_stampede.test.yaml'), stringifyYaml(test, { lineWidth: 0 }));
      copyFileSync(RULES_FILE, join(dir, 'original.yaml'));
      const r = run(tool, ['test', 'rules', 'cache_stampede.test.yaml'], { cwd: dir });
      expect(r.code).not.toBe(0);
      expect(r.output).toContain('CacheHitRatioLow');
    });
  });
});

/** Alerts some test file asserts to fire during its incident (not counting the mirror checks). */
function assertedAlerts(dir: string): Set<string> {
  const out = new Set<string>();
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.test.yaml'))) {
    const doc = parseYaml(readFileSync(join(dir, f), 'utf8')) as { tests: Array<{ promql_expr_test: Array<{ expr: string; exp_samples: Array<{ value: number }> }> }> };
    for (const t of doc.tests[0]!.promql_expr_test) {
      const m = /^max\(max_over_time\(ALERTS\{alertname="(\w+)",alertstate="firing"/.exec(t.expr);
      if (m && t.exp_samples.some((x) => x.value === 1)) out.add(m[1]!);
    }
  }
  return out;
}

describe('deploy/prometheus README', () => {
  it('lists every rule in its table', () => {
    const readme = readText(repo('deploy/prometheus/README.md'));
    for (const name of alertNames) expect(readme, name).toContain(`| ${name} |`);
  });
});

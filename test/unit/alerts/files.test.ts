// The pure file-level pieces: durations, rule files, panel series reading, OpenMetrics writing.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { formatDuration, parsePromDuration } from '../../../src/alerts/durations.js';
import { evaluationGrid, metricNamesIn } from '../../../src/alerts/evaluate-rules.js';
import { openMetricsSeries, toOpenMetrics, writeOpenMetrics } from '../../../src/alerts/openmetrics.js';
import { readPanelSeries, seriesKey, sortAndDedupe, type SeriesSamples } from '../../../src/alerts/panel-series.js';
import { loadRuleFiles } from '../../../src/alerts/rule-files.js';
import { ConfigError } from '../../../src/config/errors.js';
import { repo } from '../../deploy/support.js';
import { tempDir } from '../../support/cli.js';

const MIN = 60_000;

describe('durations', () => {
  it('parses what Prometheus parses', () => {
    expect(parsePromDuration('0')).toBe(0);
    expect(parsePromDuration('0m')).toBe(0);
    expect(parsePromDuration('90s')).toBe(90_000);
    expect(parsePromDuration('1h30m')).toBe(90 * MIN);
    expect(parsePromDuration('1d2h')).toBe(26 * 60 * MIN);
    expect(parsePromDuration('250ms')).toBe(250);
    for (const bad of ['', '5', '1.5m', '30m1h', 'ten minutes', '-1m']) expect(parsePromDuration(bad)).toBeUndefined();
  });
  it('formats to the second', () => {
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(65 * MIN + 3_400)).toBe('1h5m3s');
    expect(formatDuration(2 * MIN)).toBe('2m');
    expect(formatDuration(500)).toBe('500ms');
    expect(formatDuration(26 * 60 * MIN)).toBe('1d2h');
  });
});

describe('loadRuleFiles', () => {
  it('reads the shipped rules: every alerting rule with its for, interval and labels', () => {
    const r = loadRuleFiles([repo('deploy/prometheus/rules/obsynth-alerts.yaml')], { defaultIntervalMs: MIN });
    expect(r.recording).toEqual([]);
    expect(r.alerts.length).toBeGreaterThan(5);
    const high = r.alerts.find((a) => a.id === 'HighErrorRate')!;
    expect(high).toMatchObject({ name: 'HighErrorRate', group: 'obsynth.golden-signals', forMs: 2 * MIN, keepFiringForMs: 0, intervalMs: MIN, labels: { severity: 'critical' } });
    expect(new Set(r.alerts.map((a) => a.id)).size).toBe(r.alerts.length);
  });

  it('tells same-named rules apart, takes the default interval, counts recording rules', () => {
    const path = join(tempDir('obsynth-rules-'), 'rules.yaml');
    writeFileSync(
      path,
      ['groups:', '  - name: a', '    rules:', '      - record: job:x:sum', '        expr: sum(x)', '      - alert: X', '        expr: x > 1', '        keep_firing_for: 5m', '  - name: b', '    interval: 30s', '    rules:', '      - alert: X', '        expr: x > 2', ''].join('\n'),
    );
    const r = loadRuleFiles([path], { defaultIntervalMs: 2 * MIN });
    expect(r.alerts.map((a) => [a.id, a.intervalMs, a.keepFiringForMs])).toEqual([
      ['X@a', 2 * MIN, 5 * MIN],
      ['X@b', 30_000, 0],
    ]);
    expect(r.recording).toEqual([{ file: path, count: 1 }]);
    expect(r.chainedRecording).toEqual([]);
  });

  it('notices recording rules that read other recording rules (the backfill cannot chain them)', () => {
    const path = join(tempDir('obsynth-rules-'), 'rules.yaml');
    writeFileSync(path, ['groups:', '  - name: a', '    rules:', '      - record: job:x:sum', '        expr: sum(x)', '      - record: job:x:sum2', '        expr: job:x:sum * 2', '      - alert: X', '        expr: job:x:sum2 > 1', ''].join('\n'));
    expect(loadRuleFiles([path], { defaultIntervalMs: MIN }).chainedRecording).toEqual(['job:x:sum2']);
  });

  it('reports every problem, located', () => {
    const path = join(tempDir('obsynth-rules-'), 'rules.yaml');
    writeFileSync(path, ['groups:', '  - name: a', '    rules:', '      - alert: X', '        record: y', '        expr: x', '      - alert: Y', '        expr: y', '        fro: 1m', '      - record: r', '        expr: x', '        for: 1m', ''].join('\n'));
    let err: ConfigError | undefined;
    try {
      loadRuleFiles([path], { defaultIntervalMs: MIN });
    } catch (e) {
      err = e as ConfigError;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect(err!.message).toMatch(/^invalid rule files \(1 problem\)/);
    expect(err!.problems[0]).toMatchObject({ file: path, line: 9, path: 'groups[0].rules[1].fro' });
    // Fix the typo: the semantic problems show.
    writeFileSync(path, readFileSync(path, 'utf8').replace('fro:', 'for:'));
    try {
      loadRuleFiles([path], { defaultIntervalMs: MIN });
    } catch (e) {
      err = e as ConfigError;
    }
    expect(err!.problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
      'groups[0].rules[0]: needs exactly one of alert (an alerting rule) and record (a recording rule)',
      'groups[0].rules[2].for: is only allowed on alerting rules (this one records r)',
    ]);
  });
});

describe('panel series', () => {
  it('sorts late arrivals and keeps the first sample of each time', () => {
    const s = { name: 'x', labels: { __name__: 'x' }, times: [60, 0, 120, 60, 180], values: ['2', '1', '3', '2b', '4'] };
    expect(sortAndDedupe(s)).toBe(1);
    expect(s.times).toEqual([0, 60, 120, 180]);
    expect(s.values).toEqual(['1', '2', '3', '4']);
  });

  it('reads every day file of a split dataset, gzip or not, filtered by name', async () => {
    const dir = tempDir('obsynth-series-');
    mkdirSync(join(dir, 'grafana'));
    const line = (name: string, service: string, t: number, v: string) => JSON.stringify({ id: 'i', kind: 'grafana_series', timestamp: t * 1000, service, body: { metric: { __name__: name, service }, value: [t, v] } });
    writeFileSync(join(dir, 'grafana', 'panel_series.2026-11-24.jsonl.gz'), gzipSync(`${line('a', 's1', 100, '1')}\n${line('b', 's1', 100, '9')}\n${line('a', 's1', 160, '2')}\n`));
    writeFileSync(join(dir, 'grafana', 'panel_series.2026-11-25.jsonl.gz'), gzipSync(`${line('a', 's1', 220, '3')}\n${line('a', 's2', 220, '1e-3')}\n`));
    const r = await readPanelSeries(dir, { names: new Set(['a']) });
    expect(r.files).toEqual(['grafana/panel_series.2026-11-24.jsonl.gz', 'grafana/panel_series.2026-11-25.jsonl.gz']);
    expect(r.samples).toBe(5);
    expect([...r.series.keys()]).toEqual(['a{service="s1"}', 'a{service="s2"}']);
    expect(r.series.get('a{service="s1"}')).toMatchObject({ times: [100, 160, 220], values: ['1', '2', '3'] });
    expect(seriesKey({ __name__: 'a', z: '1', b: 'q"' })).toBe('a{b="q\\"",z="1"}');
  });

  it('refuses a truncated file with its path and the last line read', async () => {
    const dir = tempDir('obsynth-series-');
    mkdirSync(join(dir, 'grafana'));
    const lines = Array.from({ length: 2000 }, (_, i) => JSON.stringify({ id: `i${i}`, kind: 'grafana_series', timestamp: i * 1000, service: 's', body: { metric: { __name__: 'a', service: 's' }, value: [i, String(i)] } }));
    const whole = gzipSync(lines.join('\n'));
    writeFileSync(join(dir, 'grafana', 'panel_series.jsonl.gz'), whole.subarray(0, whole.length - 20));
    await expect(readPanelSeries(dir)).rejects.toThrow(/panel_series\.jsonl\.gz: cannot be read after line \d+: unexpected end of file/);
  });

  it('refuses a folder without panel series', async () => {
    await expect(readPanelSeries(tempDir('obsynth-series-'))).rejects.toThrow(/no Grafana panel series/);
  });
});

describe('OpenMetrics', () => {
  const series: SeriesSamples[] = [
    { name: 'b', labels: { __name__: 'b', x: 'q"\\\n' }, times: [60], values: ['Inf'] },
    { name: 'a', labels: { __name__: 'a', z: '2', s: '1' }, times: [0, 60], values: ['0.5', '-1e-3'] },
  ];
  it('groups families, sorts labels, escapes values, ends with # EOF', () => {
    expect(toOpenMetrics(series)).toBe(['# TYPE a unknown', 'a{s="1",z="2"} 0.5 0', 'a{s="1",z="2"} -1e-3 60', '# TYPE b unknown', 'b{x="q\\"\\\\\\n"} +Inf 60', '# EOF', ''].join('\n'));
    expect(openMetricsSeries({ __name__: 'up' })).toBe('up');
  });
  it('writes the same text to a file', async () => {
    const path = join(tempDir('obsynth-om-'), 'x.om');
    expect(await writeOpenMetrics(path, series)).toMatchObject({ samples: 3 });
    expect(readFileSync(path, 'utf8')).toBe(toOpenMetrics(series));
  });
});

describe('evaluation plan', () => {
  it('evaluates on step boundaries inside the range', () => {
    const start = Date.UTC(2026, 10, 24);
    expect(evaluationGrid({ start, end: start + 60 * MIN }, MIN)).toEqual({ start, stepMs: MIN, count: 60 });
    expect(evaluationGrid({ start: start + 10_000, end: start + 60 * MIN }, MIN)).toEqual({ start: start + MIN, stepMs: MIN, count: 59 });
    expect(evaluationGrid({ start, end: start + 60 * MIN }, 7 * MIN).count).toBe(9);
  });
  it('names the metrics the expressions can read, or all of them for a __name__ selector', () => {
    const names = metricNamesIn(['sum by (service) (rate(http_errors_total[5m])) > 0.1'])!;
    expect(names.has('http_errors_total')).toBe(true);
    expect(metricNamesIn(['{__name__=~"http_.*"} > 1'])).toBeUndefined();
  });
});

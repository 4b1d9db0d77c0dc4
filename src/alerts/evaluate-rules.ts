// Runs alerting rules over a dataset with the real Prometheus engine and returns each rule's
// firing intervals.
//
// How: the dataset's panel series are written as OpenMetrics and backfilled into a fresh TSDB
// (`promtool tsdb create-blocks-from openmetrics`); a private Prometheus serves that TSDB on a
// loopback port; each alerting rule's expression is asked as one range query (/api/v1/query_range)
// over the dataset's range, with the step set to its group's evaluation interval; the
// for / keep_firing_for state machine (firing.ts) then turns "returned at evaluation i" into
// firing intervals per label set. Recording rules in the files are backfilled first
// (`promtool tsdb create-blocks-from rules`) so alert expressions can use them.
//
// Why a range query equals the rule manager's evaluations: a group evaluates each rule as an
// instant query at start, start + interval, ... (rules/group.go calls the same promql engine at
// each evaluation timestamp), and a range query is defined — and implemented — as that instant
// query at start, start + step, ..., with the same lookback delta (5m), staleness handling and
// `time()`. Stepping at the group's interval therefore yields exactly the vectors the rule
// manager would see, and what the rule manager adds on top (pending -> firing after `for`,
// resolution, keep_firing_for) is the state machine of firing.ts, a line-by-line reading of
// AlertingRule.Eval. Differences to know about: (1) a real group evaluates at a fixed phase
// inside its interval (a hash of file and group name); we evaluate on the interval's boundaries,
// as `promtool test rules` does — with samples on the minute the instant values are the same,
// but a range selector `[10m]` evaluated exactly on a sample's minute also includes the sample
// 10m back (Prometheus 2.x windows are closed at both ends), which an off-phase evaluation
// would not; (2) `start()` / `end()` in an expression mean the range's ends here; (3) rules
// reading `ALERTS` / `ALERTS_FOR_STATE` see nothing (no rule manager writes them); (4) rule label
// templates are not expanded (the raw text is used in the label set).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../time/clock.js';
import { alertSeries, firingIntervals, type EvaluationGrid, type Interval } from './firing.js';
import type { GroundTruth } from './ground-truth.js';
import { writeOpenMetrics } from './openmetrics.js';
import { readPanelSeries } from './panel-series.js';
import { backfillOpenMetrics, backfillRecordingRules, startPrometheus, type PrometheusServer } from './prometheus-runner.js';
import type { AlertRule, LoadedRules } from './rule-files.js';

export interface RuleEvaluation {
  readonly rule: AlertRule;
  readonly grid: EvaluationGrid;
  /** Label sets the expression returned at least once. */
  readonly alerts: number;
  readonly firings: ReadonlyArray<Interval & { readonly labels: Readonly<Record<string, string>> }>;
}

export interface EvaluationRun {
  readonly evaluations: readonly RuleEvaluation[];
  /** Panel series files read, series backfilled (those the rules can read), sample lines read and backfilled, duplicates dropped. */
  readonly series: { readonly files: readonly string[]; readonly series: number; readonly samplesRead: number; readonly samplesBackfilled: number; readonly duplicates: number };
  readonly timingsMs: Readonly<Record<'readSeries' | 'backfill' | 'startPrometheus' | 'recordingRules' | 'evaluate', number>>;
  readonly warnings: readonly string[];
}

export interface EvaluateOptions {
  readonly dir: string;
  readonly truth: GroundTruth;
  readonly rules: LoadedRules;
  readonly prometheus: string;
  readonly promtool: string;
  readonly clock: Clock;
  /** Stage names and rule counts, for a progress line. */
  readonly onStage?: (stage: string) => void;
  /** Keep the temporary TSDB and server log (for debugging); its path goes in the warnings. */
  readonly keepWorkDir?: boolean;
}

/** Metric names a set of expressions can read, or undefined when any of them selects by __name__. */
export function metricNamesIn(exprs: readonly string[]): Set<string> | undefined {
  const names = new Set<string>();
  for (const e of exprs) {
    if (e.includes('__name__')) return undefined;
    for (const m of e.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) names.add(m[0]);
  }
  return names;
}

/** Evaluations start, start + step, ... on the step's boundaries inside [range.start, range.end). */
export function evaluationGrid(range: { start: number; end: number }, stepMs: number): EvaluationGrid {
  const start = Math.ceil(range.start / stepMs) * stepMs;
  const count = range.end > start ? Math.floor((range.end - 1 - start) / stepMs) + 1 : 0;
  return { start, stepMs, count };
}

export async function evaluateRules(options: EvaluateOptions): Promise<EvaluationRun> {
  const { clock, truth, rules } = options;
  const stage = options.onStage ?? (() => undefined);
  const warnings: string[] = [];
  const t0 = clock.monotonic();
  stage('reading series');
  // Recording rules may read anything: then every series is loaded.
  const names = rules.recording.length > 0 ? undefined : metricNamesIn(rules.alerts.map((r) => r.expr));
  const data = await readPanelSeries(options.dir, { ...(names ? { names } : {}), onFile: (file) => stage(`reading series (${file})`) });
  const t1 = clock.monotonic();
  const workDir = mkdtempSync(join(tmpdir(), 'obsynth-alerts-'));
  const tsdbDir = join(workDir, 'tsdb');
  // An interrupted run (process.exit on Ctrl-C) leaves no temporary TSDB behind; the server
  // itself is killed by the runner's own exit hook.
  const removeWorkDir = () => rmSync(workDir, { recursive: true, force: true });
  if (!options.keepWorkDir) process.once('exit', removeWorkDir);
  let server: PrometheusServer | undefined;
  const timings = { readSeries: t1 - t0, backfill: 0, startPrometheus: 0, recordingRules: 0, evaluate: 0 };
  try {
    stage(`backfilling ${data.series.size} series into a TSDB`);
    const seriesCount = data.series.size;
    let backfilled = 0;
    if (seriesCount === 0) warnings.push('the dataset holds none of the series the rules read: every rule is evaluated on no data');
    else {
      const omFile = join(workDir, 'series.om.txt');
      backfilled = (await writeOpenMetrics(omFile, data.series.values())).samples;
      data.series.clear(); // the TSDB holds them now
      await backfillOpenMetrics(options.promtool, omFile, tsdbDir, truth.range.end - truth.range.start);
      rmSync(omFile, { force: true });
    }
    const t2 = clock.monotonic();
    timings.backfill = t2 - t1;
    stage('starting prometheus');
    server = await startPrometheus({ binary: options.prometheus, tsdbDir, workDir, clock });
    const t3 = clock.monotonic();
    timings.startPrometheus = t3 - t2;
    if (rules.recording.length > 0) {
      stage(`backfilling ${rules.recording.reduce((n, r) => n + r.count, 0)} recording rules`);
      await backfillRecordingRules(options.promtool, server.url, rules.recording.map((r) => r.file), truth.range.start, truth.range.end, rules.defaultIntervalMs, workDir, tsdbDir);
      await server.stop();
      server = await startPrometheus({ binary: options.prometheus, tsdbDir, workDir, clock });
      if (rules.chainedRecording.length > 0) {
        warnings.push(`recording rules are backfilled with promtool tsdb create-blocks-from rules, which evaluates each one on the raw data only: ${rules.chainedRecording.join(', ')} read${rules.chainedRecording.length === 1 ? 's' : ''} another recording rule and see${rules.chainedRecording.length === 1 ? 's' : ''} nothing of it`);
      }
    }
    const t4 = clock.monotonic();
    timings.recordingRules = t4 - t3;
    const evaluations: RuleEvaluation[] = [];
    for (const [n, rule] of rules.alerts.entries()) {
      stage(`evaluating ${rule.id} (${n + 1}/${rules.alerts.length})`);
      const grid = evaluationGrid(truth.range, rule.intervalMs);
      const result = grid.count > 0 ? await server.queryRange(rule.expr, grid.start, grid.start + (grid.count - 1) * grid.stepMs, grid.stepMs) : [];
      const { alerts, collisions } = alertSeries(result, grid, rule.name, rule.labels);
      if (collisions > 0) warnings.push(`${rule.id}: ${collisions} series of its expression share a label set once __name__ is dropped; Prometheus fails such evaluations ("vector contains metrics with the same labelset after applying alert labels"), here they are merged`);
      if (Object.values(rule.labels).some((v) => v.includes('{{'))) warnings.push(`${rule.id}: templates in its labels are not expanded; the raw text is used`);
      const firings = alerts.flatMap((a) => firingIntervals(grid, a.present, rule.forMs, rule.keepFiringForMs).map((f) => ({ ...f, labels: a.labels })));
      firings.sort((a, b) => a.start - b.start || (JSON.stringify(a.labels) < JSON.stringify(b.labels) ? -1 : 1));
      evaluations.push({ rule, grid, alerts: alerts.length, firings });
    }
    timings.evaluate = clock.monotonic() - t4;
    return { evaluations, series: { files: data.files, series: seriesCount, samplesRead: data.samples, samplesBackfilled: backfilled, duplicates: data.duplicates }, timingsMs: timings, warnings };
  } finally {
    await server?.stop();
    if (options.keepWorkDir) warnings.push(`kept the TSDB and server log in ${workDir}`);
    else {
      process.off('exit', removeWorkDir);
      removeWorkDir();
    }
  }
}

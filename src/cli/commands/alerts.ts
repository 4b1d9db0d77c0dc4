// `obsynth alerts test DIR --rules FILE... [--expect FILE] [--json] [--html FILE]`: which
// incidents each Prometheus alerting rule catches, how fast, and what it fires on when nothing
// is wrong — evaluated by a real Prometheus over the dataset's series (src/alerts/).
import { UsageError } from '../../config/errors.js';
import { DURATION_HINT, parsePromDuration } from '../../alerts/durations.js';
import { evaluateRules } from '../../alerts/evaluate-rules.js';
import { checkExpectation, loadExpectations, type Expectation } from '../../alerts/expectations.js';
import { readGroundTruth } from '../../alerts/ground-truth.js';
import { scoredIncidents } from '../../alerts/matcher.js';
import { binaryVersion, locatePrometheusBinary } from '../../alerts/prometheus-binaries.js';
import { buildReport, type AlertsReport } from '../../alerts/report.js';
import { formatAlertsHtml } from '../../alerts/report-html.js';
import { formatAlertsTable } from '../../alerts/report-table.js';
import { checkRulesWithPromtool, loadRuleFiles } from '../../alerts/rule-files.js';
import { writeFileAtomic } from '../../fs/write-file-atomic.js';
import type { Clock } from '../../time/clock.js';
import { checkOutputFile, OptionProblems } from '../options.js';
import type { ProgressSink } from '../progress.js';

export interface AlertsTestFlags {
  rules?: string[];
  expect?: string;
  json?: boolean;
  html?: string;
  grace?: string;
  evaluationInterval?: string;
  matchService?: boolean;
  prometheus?: string;
  promtool?: string;
  keepTsdb?: boolean;
  progress?: boolean;
}

export interface AlertsDeps {
  readonly clock: Clock;
  readonly stderr: ProgressSink;
  readonly env: NodeJS.ProcessEnv;
}

export const DEFAULT_GRACE = '10m';
export const DEFAULT_EVALUATION_INTERVAL = '1m';

export interface AlertsTestResult {
  readonly report: AlertsReport;
  /** 0, or 1 when an expectation failed. */
  readonly exitCode: number;
}

/** A one-line stage display on a terminal; silent elsewhere. */
class StageLine {
  private width = 0;
  constructor(
    private readonly out: ProgressSink,
    private readonly enabled: boolean,
  ) {}
  show(text: string): void {
    if (!this.enabled) return;
    const cols = Math.max(40, this.out.columns || 100) - 1;
    const line = `alerts test: ${text}`.slice(0, cols);
    this.out.write(`\r${line.padEnd(this.width)}`);
    this.width = line.length;
  }
  done(): void {
    if (this.enabled && this.width > 0) this.out.write(`\r${' '.repeat(this.width)}\r`);
  }
}

/** Checks everything it can before starting Prometheus (bad input: exit 2), then evaluates and scores. */
export async function runAlertsTest(dir: string, flags: AlertsTestFlags, deps: AlertsDeps, showProgress = false): Promise<AlertsTestResult> {
  const started = deps.clock.monotonic();
  const p = new OptionProblems();
  const ruleFiles = flags.rules ?? [];
  if (ruleFiles.length === 0) p.add('--rules', 'is required: one or more Prometheus rule files');
  const duration = (flag: string, value: string) => {
    const ms = parsePromDuration(value);
    if (ms === undefined) p.add(flag, `"${value}" is not allowed; expected ${DURATION_HINT}`);
    return ms;
  };
  const graceMs = duration('--grace', flags.grace ?? DEFAULT_GRACE);
  const intervalMs = duration('--evaluation-interval', flags.evaluationInterval ?? DEFAULT_EVALUATION_INTERVAL);
  if (intervalMs === 0) p.add('--evaluation-interval', `"${flags.evaluationInterval}" is not allowed; the interval must be above 0`);
  checkOutputFile(p, '--html', flags.html);
  p.throwIfAny();

  const truth = readGroundTruth(dir);
  const rules = loadRuleFiles(ruleFiles, { defaultIntervalMs: intervalMs! });
  if (rules.alerts.length === 0) throw new UsageError(`${ruleFiles.join(', ')}: no alerting rule (rules with alert:) to test`);
  let expectations: Expectation[] | undefined;
  if (flags.expect !== undefined) expectations = loadExpectations(flags.expect, rules.alerts.map((r) => r.id));
  const promtool = locatePrometheusBinary('promtool', flags.promtool, deps.env);
  const prometheus = locatePrometheusBinary('prometheus', flags.prometheus, deps.env);
  checkRulesWithPromtool(promtool, ruleFiles);

  const stages = new StageLine(deps.stderr, showProgress);
  let run;
  try {
    run = await evaluateRules({ dir, truth, rules, prometheus, promtool, clock: deps.clock, onStage: (s) => stages.show(s), keepWorkDir: flags.keepTsdb === true });
  } finally {
    stages.done();
  }
  const scored = scoredIncidents(truth.incidents, truth.range);
  const { report, scores } = buildReport({
    dataset: dir,
    range: truth.range,
    engine: {
      prometheus: shortVersion(binaryVersion(prometheus)),
      promtool: shortVersion(binaryVersion(promtool)),
      method: 'series backfilled into a TSDB with promtool; each rule expression as a range query at its group interval; for / keep_firing_for applied per label set',
    },
    ruleFiles,
    match: { graceMs: graceMs!, matchService: flags.matchService === true },
    series: run.series,
    evaluations: run.evaluations,
    scored,
    unscored: truth.incidents.filter((i) => !scored.includes(i)),
    timingsMs: { ...roundAll(run.timingsMs), total: Math.round(deps.clock.monotonic() - started) },
    warnings: run.warnings,
  });
  let final: AlertsReport = report;
  let exitCode = 0;
  if (expectations && flags.expect !== undefined) {
    const results = expectations.map((e) => checkExpectation(e, scores.get(e.rule)!));
    const ok = results.every((r) => r.ok);
    final = { ...report, expectations: { file: flags.expect, ok, results } };
    if (!ok) exitCode = 1;
  }
  if (flags.html !== undefined) writeFileAtomic(flags.html, formatAlertsHtml(final));
  return { report: final, exitCode };
}

/** "prometheus, version 2.42.0+ds (branch: ...)" -> "prometheus 2.42.0+ds". */
function shortVersion(line: string): string {
  const m = /^(\S+), version (\S+)/.exec(line);
  return m ? `${m[1]} ${m[2]}` : line;
}

function roundAll(t: Readonly<Record<string, number>>): Record<string, number> {
  return Object.fromEntries(Object.entries(t).map(([k, v]) => [k, Math.round(v)]));
}

/** The report as the terminal shows it, or as JSON. */
export function printAlertsTest(report: AlertsReport, json: boolean): string {
  return json ? `${JSON.stringify(report, null, 2)}\n` : formatAlertsTable(report);
}

// What `obsynth alerts test` reports, as one JSON-friendly object: the table, --json and the
// HTML page are all drawn from it.
import type { RuleEvaluation } from './evaluate-rules.js';
import type { ExpectationResult } from './expectations.js';
import { scoreRule, type MatchOptions, type RuleScore } from './matcher.js';
import type { TruthIncident } from './ground-truth.js';
import type { AlertRule } from './rule-files.js';

const iso = (ms: number) => new Date(ms).toISOString();

export interface FiringReport {
  readonly labels: Readonly<Record<string, string>>;
  readonly start: string;
  readonly end: string;
  /** Still firing at the dataset's last evaluation. */
  readonly open: boolean;
  readonly durationMs: number;
  /** Incidents it detects; empty: a false positive. */
  readonly incidents: readonly string[];
}

/** The rule as loaded, its scores, and its firings with the incidents they detect. */
export interface RuleReport extends Pick<AlertRule, 'id' | 'file' | 'group' | 'expr' | 'forMs' | 'keepFiringForMs' | 'intervalMs'>, Omit<RuleScore, 'id' | 'scoredFirings'> {
  /** The alert name. */
  readonly alert: string;
  readonly evaluations: number;
  /** Label sets its expression returned at least once. */
  readonly alerts: number;
  readonly firingIntervals: readonly FiringReport[];
}

export interface IncidentReport {
  readonly id: string;
  readonly type: string;
  readonly rootCause: string;
  readonly onset: string;
  readonly end: string;
  /** The end of its window: end + grace. */
  readonly windowEnd: string;
  readonly severity?: number;
  readonly detectedBy: ReadonlyArray<{ readonly rule: string; readonly latencyMs: number }>;
}

export interface TypeReport {
  readonly type: string;
  readonly incidents: number;
  /** Incidents some rule caught. */
  readonly caught: number;
  readonly rules: ReadonlyArray<{ readonly rule: string; readonly detected: number; readonly latencyMedianMs?: number; readonly latencyMaxMs?: number }>;
}

export interface AlertsReport {
  readonly dataset: string;
  readonly range: { readonly start: string; readonly end: string };
  readonly engine: { readonly prometheus: string; readonly promtool: string; readonly method: string };
  readonly ruleFiles: readonly string[];
  readonly graceMs: number;
  readonly matchService: boolean;
  readonly series: { readonly files: readonly string[]; readonly series: number; readonly samplesRead: number; readonly samplesBackfilled: number; readonly duplicates: number };
  readonly rules: readonly RuleReport[];
  readonly incidents: readonly IncidentReport[];
  /** Incidents with their onset outside the range, not scored. */
  readonly unscoredIncidents: readonly string[];
  readonly byType: readonly TypeReport[];
  readonly expectations?: { readonly file: string; readonly ok: boolean; readonly results: readonly ExpectationResult[] };
  readonly timingsMs: Readonly<Record<string, number>>;
  readonly warnings: readonly string[];
}

export interface BuildReportInput {
  readonly dataset: string;
  readonly range: { readonly start: number; readonly end: number };
  readonly engine: AlertsReport['engine'];
  readonly ruleFiles: readonly string[];
  readonly match: MatchOptions;
  readonly series: AlertsReport['series'];
  readonly evaluations: readonly RuleEvaluation[];
  readonly scored: readonly TruthIncident[];
  readonly unscored: readonly TruthIncident[];
  readonly timingsMs: Readonly<Record<string, number>>;
  readonly warnings: readonly string[];
}

/** Scores every rule; `scores` come back too, for the expectations. */
export function buildReport(input: BuildReportInput): { report: AlertsReport; scores: Map<string, RuleScore> } {
  const scores = new Map<string, RuleScore>();
  const rules = input.evaluations.map((ev): RuleReport => {
    const s = scoreRule({ id: ev.rule.id, firings: ev.firings }, input.scored, input.match);
    scores.set(ev.rule.id, s);
    return {
      id: ev.rule.id,
      alert: ev.rule.name,
      file: ev.rule.file,
      group: ev.rule.group,
      expr: ev.rule.expr,
      forMs: ev.rule.forMs,
      keepFiringForMs: ev.rule.keepFiringForMs,
      intervalMs: ev.rule.intervalMs,
      evaluations: ev.grid.count,
      alerts: ev.alerts,
      firings: s.firings,
      truePositives: s.truePositives,
      falsePositives: s.falsePositives,
      precision: s.precision,
      incidents: s.incidents,
      detected: s.detected,
      recall: s.recall,
      ...(s.latencyMedianMs !== undefined ? { latencyMedianMs: s.latencyMedianMs, latencyMaxMs: s.latencyMaxMs! } : {}),
      byType: s.byType,
      outcomes: s.outcomes,
      firingIntervals: s.scoredFirings.map((f) => ({ labels: f.labels, start: iso(f.start), end: iso(f.end), open: f.open, durationMs: f.end - f.start, incidents: f.incidents })),
    };
  });
  const incidents = input.scored.map((i): IncidentReport => {
    const detectedBy: Array<{ rule: string; latencyMs: number }> = [];
    for (const r of rules) {
      const o = r.outcomes.find((x) => x.incident === i.id);
      if (o?.detected) detectedBy.push({ rule: r.id, latencyMs: o.latencyMs! });
    }
    detectedBy.sort((a, b) => a.latencyMs - b.latencyMs || (a.rule < b.rule ? -1 : 1));
    return { id: i.id, type: i.type, rootCause: i.rootCause, onset: iso(i.onset), end: iso(i.end), windowEnd: iso(i.end + input.match.graceMs), ...(i.severity !== undefined ? { severity: i.severity } : {}), detectedBy };
  });
  const types = [...new Set(input.scored.map((i) => i.type))].sort();
  const byType = types.map((type): TypeReport => {
    const of = incidents.filter((i) => i.type === type);
    const perRule = rules
      .map((r) => {
        const t = r.byType.find((b) => b.type === type)!;
        return { rule: r.id, detected: t.detected, ...(t.latencyMedianMs !== undefined ? { latencyMedianMs: t.latencyMedianMs, latencyMaxMs: t.latencyMaxMs! } : {}) };
      })
      .filter((r) => r.detected > 0)
      .sort((a, b) => b.detected - a.detected || (a.latencyMedianMs ?? 0) - (b.latencyMedianMs ?? 0) || (a.rule < b.rule ? -1 : 1));
    return { type, incidents: of.length, caught: of.filter((i) => i.detectedBy.length > 0).length, rules: perRule };
  });
  const report: AlertsReport = {
    dataset: input.dataset,
    range: { start: iso(input.range.start), end: iso(input.range.end) },
    engine: input.engine,
    ruleFiles: input.ruleFiles,
    graceMs: input.match.graceMs,
    matchService: input.match.matchService,
    series: input.series,
    rules,
    incidents,
    unscoredIncidents: input.unscored.map((i) => i.id),
    byType,
    timingsMs: input.timingsMs,
    warnings: input.warnings,
  };
  return { report, scores };
}

// `--expect FILE`: which rules must catch which incident types, how fast, and how quietly — a
// CI gate. The file is a YAML list:
//
//   - rule: HighErrorRate
//     catches: [bad_deployment, db_pool_exhaustion]
//     max_latency: 10m          # every caught incident within this of its onset
//     min_recall: 1             # share of the type's incidents to catch (default 1: all)
//     max_false_positives: 0    # firings outside every incident window
import { z } from 'zod';
import { ConfigError, type Problem } from '../config/errors.js';
import { INCIDENT_TYPES } from '../config/schema.js';
import { parseYamlFile } from '../config/yaml-file.js';
import { DURATION_HINT, formatDuration, parsePromDuration } from './durations.js';
import type { RuleScore } from './matcher.js';

const duration = z.string().refine((s) => parsePromDuration(s) !== undefined, `must be ${DURATION_HINT}`);

const expectationSchema = z
  .strictObject({
    rule: z.string().min(1),
    catches: z.array(z.enum(INCIDENT_TYPES)).min(1).optional(),
    max_latency: duration.optional(),
    min_recall: z.number().min(0).max(1).optional(),
    max_false_positives: z.number().int().nonnegative().optional(),
  })
  .refine((e) => e.catches !== undefined || e.max_false_positives !== undefined, 'says nothing to check: give catches (incident types) and/or max_false_positives');

export const expectFileSchema = z.array(expectationSchema).min(1);

export interface Expectation {
  readonly rule: string;
  readonly catches: readonly string[];
  readonly maxLatencyMs?: number;
  readonly minRecall: number;
  readonly maxFalsePositives?: number;
}

/** Reads the file; a ConfigError (exit 2) listing every problem, unknown rule names included. */
export function loadExpectations(file: string, ruleIds: readonly string[]): Expectation[] {
  const problems: Problem[] = [];
  const parsed = parseYamlFile(file, expectFileSchema, problems);
  const out: Expectation[] = [];
  parsed.value?.forEach((e, i) => {
    if (!ruleIds.includes(e.rule)) {
      problems.push(parsed.source.problem([i, 'rule'], `"${e.rule}" is not an alerting rule of the rule files; allowed: ${ruleIds.join(' | ') || '(none: the rule files hold no alerting rule)'}`));
      return;
    }
    for (const key of ['max_latency', 'min_recall'] as const) {
      if (e[key] !== undefined && e.catches === undefined) problems.push(parsed.source.problem([i, key], 'applies to catches, which this expectation does not give'));
    }
    out.push({
      rule: e.rule,
      catches: e.catches ?? [],
      ...(e.max_latency !== undefined ? { maxLatencyMs: parsePromDuration(e.max_latency)! } : {}),
      minRecall: e.min_recall ?? 1,
      ...(e.max_false_positives !== undefined ? { maxFalsePositives: e.max_false_positives } : {}),
    });
  });
  if (problems.length > 0) throw new ConfigError(problems, 'invalid expect file');
  return out;
}

export interface ExpectationResult {
  readonly rule: string;
  /** What was expected, in words. */
  readonly expected: string;
  readonly ok: boolean;
  /** Why not, one line each. */
  readonly failures: readonly string[];
}

export function describeExpectation(e: Expectation): string {
  const parts: string[] = [];
  if (e.catches.length > 0) {
    const share = e.minRecall >= 1 ? 'every' : `at least ${Math.round(e.minRecall * 100)}% of the`;
    parts.push(`catches ${share} ${e.catches.join(', ')} incident${e.catches.length > 1 ? 's' : ''}${e.maxLatencyMs !== undefined ? ` within ${formatDuration(e.maxLatencyMs)}` : ''}`);
  }
  if (e.maxFalsePositives !== undefined) parts.push(`at most ${e.maxFalsePositives} false positive${e.maxFalsePositives === 1 ? '' : 's'}`);
  return parts.join('; ');
}

export function checkExpectation(e: Expectation, score: RuleScore): ExpectationResult {
  const failures: string[] = [];
  for (const type of e.catches) {
    const of = score.outcomes.filter((o) => o.type === type);
    if (of.length === 0) {
      failures.push(`the dataset has no ${type} incident to check it on (generate one with --incident ${type})`);
      continue;
    }
    const inTime = (o: (typeof of)[number]) => o.detected && (e.maxLatencyMs === undefined || o.latencyMs! <= e.maxLatencyMs);
    const caught = of.filter(inTime).length;
    if (caught / of.length + 1e-9 >= e.minRecall) continue;
    const missed = of.filter((o) => !o.detected).map((o) => `${o.incident} missed${o.firingAtOnset ? ' (already firing at its onset)' : ''}`);
    const slow = of.filter((o) => o.detected && !inTime(o)).map((o) => `${o.incident} caught after ${formatDuration(o.latencyMs!)} (max ${formatDuration(e.maxLatencyMs!)})`);
    const need = e.minRecall >= 1 ? 'all' : `${Math.round(e.minRecall * 100)}%`;
    failures.push(`caught ${caught} of ${of.length} ${type} incident${of.length > 1 ? 's' : ''} in time (needs ${need}): ${[...missed, ...slow].join('; ')}`);
  }
  if (e.maxFalsePositives !== undefined && score.falsePositives > e.maxFalsePositives) {
    failures.push(`fired ${score.falsePositives} time${score.falsePositives === 1 ? '' : 's'} outside every incident window (max ${e.maxFalsePositives})`);
  }
  return { rule: e.rule, expected: describeExpectation(e), ok: failures.length === 0, failures };
}

// Prometheus rule files (`groups:` of alerting and recording rules, the format `rule_files:`
// loads and prometheus-operator's PrometheusRule `spec` holds), checked the project's way: a
// strict schema so typos surface, every problem located (file:line:column key path); then
// checkRulesWithPromtool hands the PromQL itself to the real parser (`promtool check rules`).
import { execFileSync } from 'node:child_process';
import { z } from 'zod';
import { ConfigError, type Problem } from '../config/errors.js';
import { parseYamlFile, type SourceFile } from '../config/yaml-file.js';
import { DURATION_HINT, parsePromDuration } from './durations.js';

const duration = z.string().refine((s) => parsePromDuration(s) !== undefined, `must be ${DURATION_HINT}`);
// yaml.v3 reads any scalar into a string field, so Prometheus takes `severity: 1` too.
const labelValue = z.union([z.string(), z.number(), z.boolean()]).transform((v) => String(v));
const labelMap = z.record(z.string(), labelValue);

const ruleSchema = z.strictObject({
  alert: z.string().min(1).optional(),
  record: z.string().min(1).optional(),
  expr: z.union([z.string().min(1), z.number().transform((n) => String(n))]),
  for: duration.optional(),
  keep_firing_for: duration.optional(),
  labels: labelMap.nullish(),
  annotations: labelMap.nullish(),
});

const groupSchema = z.strictObject({
  name: z.string().min(1),
  interval: duration.optional(),
  limit: z.number().int().nonnegative().optional(),
  rules: z.array(ruleSchema).nullish(),
});

export const ruleFileSchema = z.strictObject({ groups: z.array(groupSchema).nullish() });

/** One alerting rule, with what its evaluation needs. */
export interface AlertRule {
  /** The alert name, or `name@group` when several rules share the name. */
  readonly id: string;
  readonly name: string;
  readonly file: string;
  readonly group: string;
  readonly expr: string;
  readonly forMs: number;
  readonly keepFiringForMs: number;
  /** The group's evaluation interval (or the default). */
  readonly intervalMs: number;
  readonly labels: Readonly<Record<string, string>>;
}

export interface LoadedRules {
  readonly files: readonly string[];
  readonly alerts: readonly AlertRule[];
  /** Recording rules per file (backfilled before the alerts are evaluated). */
  readonly recording: ReadonlyArray<{ readonly file: string; readonly count: number }>;
  /** Recording rules whose expression reads another recording rule's output. */
  readonly chainedRecording: readonly string[];
  /** The interval of groups without one. */
  readonly defaultIntervalMs: number;
}

export interface LoadRulesOptions {
  /** Evaluation interval of groups without `interval:` (Prometheus' global default is 1m). */
  readonly defaultIntervalMs: number;
}

/** Reads and checks every file; one ConfigError listing every problem (exit 2). */
export function loadRuleFiles(files: readonly string[], options: LoadRulesOptions): LoadedRules {
  const problems: Problem[] = [];
  const raw: Array<{ file: string; group: string; interval: number; rule: z.infer<typeof ruleSchema>; at: readonly PropertyKey[]; source: SourceFile }> = [];
  const recording: Array<{ file: string; count: number }> = [];
  const records: Array<{ name: string; expr: string }> = [];
  for (const file of files) {
    const before = problems.length;
    const parsed = parseYamlFile(file, ruleFileSchema, problems);
    if (!parsed.value) continue;
    const source = parsed.source;
    let recordCount = 0;
    const groupNames = new Set<string>();
    (parsed.value.groups ?? []).forEach((g, gi) => {
      if (groupNames.has(g.name)) problems.push(source.problem(['groups', gi, 'name'], `"${g.name}" is already the name of another group in this file; group names must be distinct`));
      groupNames.add(g.name);
      const interval = g.interval !== undefined ? parsePromDuration(g.interval)! : options.defaultIntervalMs;
      if (interval <= 0) problems.push(source.problem(['groups', gi, 'interval'], `"${g.interval}" is not allowed; the evaluation interval must be above 0`));
      (g.rules ?? []).forEach((rule, ri) => {
        const at = ['groups', gi, 'rules', ri] as const;
        if ((rule.alert === undefined) === (rule.record === undefined)) {
          problems.push(source.problem(at, 'needs exactly one of alert (an alerting rule) and record (a recording rule)'));
          return;
        }
        if (rule.record !== undefined) {
          for (const key of ['for', 'keep_firing_for', 'annotations'] as const) {
            if (rule[key] !== undefined && rule[key] !== null) problems.push(source.problem([...at, key], `is only allowed on alerting rules (this one records ${rule.record})`));
          }
          recordCount++;
          records.push({ name: rule.record, expr: rule.expr });
          return;
        }
        raw.push({ file, group: g.name, interval, rule, at, source });
      });
    });
    if (problems.length === before && recordCount > 0) recording.push({ file, count: recordCount });
  }
  if (problems.length > 0) throw new ConfigError(problems, 'invalid rule files');

  const uses = new Map<string, number>();
  for (const r of raw) uses.set(r.rule.alert!, (uses.get(r.rule.alert!) ?? 0) + 1);
  const ids = new Set<string>();
  const alerts = raw.map((r): AlertRule => {
    const name = r.rule.alert!;
    let id = uses.get(name)! > 1 ? `${name}@${r.group}` : name;
    for (let n = 2; ids.has(id); n++) id = `${name}@${r.group}#${n}`;
    ids.add(id);
    return {
      id,
      name,
      file: r.file,
      group: r.group,
      expr: r.rule.expr,
      forMs: r.rule.for !== undefined ? parsePromDuration(r.rule.for)! : 0,
      keepFiringForMs: r.rule.keep_firing_for !== undefined ? parsePromDuration(r.rule.keep_firing_for)! : 0,
      intervalMs: r.interval,
      labels: { ...(r.rule.labels ?? {}) },
    };
  });
  const recordNames = new Set(records.map((r) => r.name));
  const chainedRecording = records.filter((r) => [...r.expr.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)].some((m) => m[0] !== r.name && recordNames.has(m[0]))).map((r) => r.name);
  return { files, alerts, recording, chainedRecording, defaultIntervalMs: options.defaultIntervalMs };
}

/** `promtool check rules`: PromQL syntax, label names, templates; a ConfigError (exit 2) with its complaints, one per line. */
export function checkRulesWithPromtool(promtool: string, files: readonly string[]): void {
  const problems = promtoolProblems(promtool, files);
  if (problems.length > 0) throw new ConfigError(problems, 'invalid rule files');
}

function promtoolProblems(promtool: string, files: readonly string[]): Problem[] {
  const problems: Problem[] = [];
  for (const file of files) {
    try {
      execFileSync(promtool, ['check', 'rules', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
    } catch (err) {
      const e = err as { stdout?: string; stderr?: string; message: string };
      const lines = `${e.stdout ?? ''}\n${e.stderr ?? ''}`
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l !== '' && !/^Checking /.test(l) && l !== 'FAILED:' && !/^SUCCESS/.test(l));
      if (lines.length === 0) lines.push(e.message.split('\n')[0] ?? 'promtool check rules failed');
      for (const line of lines) problems.push({ file, message: `promtool check rules: ${line}` });
    }
  }
  return problems;
}

// Grafana-managed alert rules over the panel series, evaluated the way Grafana does: a rule
// fires once its condition has held for its pending period, and resolves when it stops holding.
// Evaluation is stateless (it re-reads the previous steps), so any window can be generated alone.
import type { IncidentActivity } from '../../model/incident.js';
import { SERIES, type Sample } from './panel-series.js';

export interface AlertRule {
  readonly name: string;
  readonly series: string;
  readonly op: '>' | '<';
  readonly threshold: number;
  /** Steps the condition must hold before firing (Grafana's "pending period"). */
  readonly forSteps: number;
  readonly severity: 'critical' | 'warning';
  readonly summary: string;
  /** Labels that identify an alert instance. */
  readonly by: readonly string[];
  /** Per-service thresholds where a service's normal differs (payments are slow by nature). */
  readonly serviceThresholds?: Readonly<Record<string, number>>;
}

export const ALERT_RULES: readonly AlertRule[] = [
  { name: 'HighErrorRate', series: SERIES.errorRatio, op: '>', threshold: 0.05, forSteps: 3, severity: 'critical', summary: 'error ratio above 5%', by: ['service'] },
  { name: 'HighLatencyP99', series: SERIES.latencyP99, op: '>', threshold: 2.5, forSteps: 5, severity: 'warning', summary: 'p99 latency above its budget (2.5s; payments 8s)', by: ['service'], serviceThresholds: { 'payment-service': 8 } },
  { name: 'MemoryNearLimit', series: SERIES.memoryRatio, op: '>', threshold: 0.9, forSteps: 2, severity: 'warning', summary: 'a pod uses more than 90% of its memory limit', by: ['service'] },
  { name: 'CPUThrottlingHigh', series: SERIES.throttledRatio, op: '>', threshold: 0.25, forSteps: 5, severity: 'warning', summary: 'more than 25% of CPU periods throttled', by: ['service'] },
  { name: 'NodeDiskAlmostFull', series: SERIES.nodeFilesystem, op: '>', threshold: 0.9, forSteps: 3, severity: 'critical', summary: 'node filesystem above 90%', by: ['node'] },
  { name: 'PostgresConnectionsHigh', series: SERIES.pgConnectionsRatio, op: '>', threshold: 0.85, forSteps: 3, severity: 'critical', summary: 'Postgres connections above 85% of max_connections', by: ['instance'] },
  { name: 'CacheHitRatioLow', series: SERIES.redisHitRatio, op: '<', threshold: 0.6, forSteps: 2, severity: 'warning', summary: 'cache hit ratio below 60%', by: ['instance'] },
  { name: 'QueueBacklog', series: SERIES.queueReady, op: '>', threshold: 5000, forSteps: 3, severity: 'warning', summary: 'more than 5000 messages waiting', by: ['queue'] },
  { name: 'DNSFailures', series: SERIES.dnsFailures, op: '>', threshold: 0.05, forSteps: 2, severity: 'critical', summary: 'more than 5% of DNS answers are SERVFAIL', by: ['server'] },
  { name: 'ProbeFailing', series: SERIES.probeSuccess, op: '<', threshold: 1, forSteps: 3, severity: 'critical', summary: 'blackbox probe failing', by: ['instance'] },
];

export interface AlertInstance {
  readonly rule: AlertRule;
  readonly key: string;
  readonly labels: Record<string, string>;
  readonly value: number;
  readonly cause?: IncidentActivity;
}

export function breaches(rule: AlertRule, value: number, service?: string): boolean {
  const threshold = (service !== undefined ? rule.serviceThresholds?.[service] : undefined) ?? rule.threshold;
  return rule.op === '>' ? value > threshold : value < threshold;
}

const RULES_BY_SERIES = new Map<string, AlertRule[]>();
for (const rule of ALERT_RULES) RULES_BY_SERIES.set(rule.series, [...(RULES_BY_SERIES.get(rule.series) ?? []), rule]);

/** Instances per step's samples: alert evaluation re-reads each step several times. */
const instancesOfSamples = new WeakMap<readonly Sample[], Map<string, AlertInstance>>();

/** The instances of every rule found in one step's samples, keyed by rule + identifying labels (in rule order). */
export function instancesOf(samples: readonly Sample[]): Map<string, AlertInstance> {
  const known = instancesOfSamples.get(samples);
  if (known) return known;
  const perRule = new Map<AlertRule, AlertInstance[]>();
  for (const s of samples) {
    const rules = RULES_BY_SERIES.get(s.labels.__name__);
    if (!rules) continue;
    for (const rule of rules) {
      const labels: Record<string, string> = {};
      for (const l of rule.by) labels[l] = s.labels[l] ?? '';
      const key = `${rule.name}/${rule.by.map((l) => labels[l]).join('/')}`;
      let list = perRule.get(rule);
      if (!list) perRule.set(rule, (list = []));
      list.push({ rule, key, labels, value: s.value, cause: s.cause });
    }
  }
  // Rule order first, then sample order: the order alerts are emitted in.
  const out = new Map<string, AlertInstance>();
  for (const rule of ALERT_RULES) for (const inst of perRule.get(rule) ?? []) out.set(inst.key, inst);
  instancesOfSamples.set(samples, out);
  return out;
}

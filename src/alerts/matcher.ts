// Scores firing intervals against the ground truth.
//
// A firing detects an incident when it starts inside the incident's window [onset, end + grace]
// (with matchService: and its `service` label, when it has one, names a service the incident
// reached). It is judged by its start: a firing that began before the onset was not set off by
// the incident (it is reported as `firing at onset` for that incident, and it is a false
// positive unless it started in another incident's window). Latency = firing start - onset.
// Precision = firings that detect some incident / all firings; recall = incidents detected /
// incidents. Incidents whose onset lies outside the dataset's range are not scored.
import type { Interval } from './firing.js';
import type { TruthIncident } from './ground-truth.js';

export interface RuleFirings {
  readonly id: string;
  readonly firings: ReadonlyArray<Interval & { readonly labels: Readonly<Record<string, string>> }>;
}

export interface MatchOptions {
  readonly graceMs: number;
  readonly matchService: boolean;
}

export interface ScoredFiring {
  readonly labels: Readonly<Record<string, string>>;
  readonly start: number;
  readonly end: number;
  readonly open: boolean;
  /** Incidents this firing detects (ids); empty for a false positive. */
  readonly incidents: readonly string[];
}

export interface IncidentOutcome {
  readonly incident: string;
  readonly type: string;
  readonly detected: boolean;
  /** First detecting firing start - onset (ms). */
  readonly latencyMs?: number;
  /** Labels of that first firing. */
  readonly firstLabels?: Readonly<Record<string, string>>;
  /** A firing of this rule that started before the onset was still going at the onset. */
  readonly firingAtOnset: boolean;
}

export interface TypeScore {
  readonly type: string;
  readonly incidents: number;
  readonly detected: number;
  readonly recall: number;
  readonly latencyMedianMs?: number;
  readonly latencyMaxMs?: number;
}

export interface RuleScore {
  readonly id: string;
  readonly firings: number;
  readonly truePositives: number;
  readonly falsePositives: number;
  /** null when the rule never fired. */
  readonly precision: number | null;
  readonly incidents: number;
  readonly detected: number;
  /** null when no incident was scored. */
  readonly recall: number | null;
  readonly latencyMedianMs?: number;
  readonly latencyMaxMs?: number;
  readonly byType: readonly TypeScore[];
  readonly outcomes: readonly IncidentOutcome[];
  readonly scoredFirings: readonly ScoredFiring[];
}

/** Incidents whose onset lies in [range.start, range.end). */
export function scoredIncidents(incidents: readonly TruthIncident[], range: { start: number; end: number }): TruthIncident[] {
  return incidents.filter((i) => i.onset >= range.start && i.onset < range.end);
}

export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const max = (values: readonly number[]) => (values.length === 0 ? undefined : values.reduce((a, b) => Math.max(a, b)));

function serviceMatches(labels: Readonly<Record<string, string>>, incident: TruthIncident, options: MatchOptions): boolean {
  if (!options.matchService) return true;
  const service = labels.service;
  return service === undefined || incident.targets.includes(service);
}

export function scoreRule(rule: RuleFirings, incidents: readonly TruthIncident[], options: MatchOptions): RuleScore {
  const scoredFirings: ScoredFiring[] = rule.firings.map((f) => ({
    labels: f.labels,
    start: f.start,
    end: f.end,
    open: f.open,
    incidents: incidents.filter((i) => f.start >= i.onset && f.start <= i.end + options.graceMs && serviceMatches(f.labels, i, options)).map((i) => i.id),
  }));
  const outcomes: IncidentOutcome[] = incidents.map((i) => {
    let first: ScoredFiring | undefined;
    for (const f of scoredFirings) if (f.incidents.includes(i.id) && (!first || f.start < first.start)) first = f;
    const firingAtOnset = rule.firings.some((f) => f.start < i.onset && f.end > i.onset && serviceMatches(f.labels, i, options));
    return first
      ? { incident: i.id, type: i.type, detected: true, latencyMs: first.start - i.onset, firstLabels: first.labels, firingAtOnset }
      : { incident: i.id, type: i.type, detected: false, firingAtOnset };
  });
  const tp = scoredFirings.filter((f) => f.incidents.length > 0).length;
  const latencies = outcomes.filter((o) => o.detected).map((o) => o.latencyMs!);
  const types = [...new Set(incidents.map((i) => i.type))].sort();
  const byType = types.map((type): TypeScore => {
    const of = outcomes.filter((o) => o.type === type);
    const lat = of.filter((o) => o.detected).map((o) => o.latencyMs!);
    const detected = lat.length;
    return { type, incidents: of.length, detected, recall: detected / of.length, ...latencyStats(lat) };
  });
  const detected = latencies.length;
  return {
    id: rule.id,
    firings: scoredFirings.length,
    truePositives: tp,
    falsePositives: scoredFirings.length - tp,
    precision: scoredFirings.length === 0 ? null : tp / scoredFirings.length,
    incidents: incidents.length,
    detected,
    recall: incidents.length === 0 ? null : detected / incidents.length,
    ...latencyStats(latencies),
    byType,
    outcomes,
    scoredFirings,
  };
}

function latencyStats(values: readonly number[]): { latencyMedianMs?: number; latencyMaxMs?: number } {
  if (values.length === 0) return {};
  return { latencyMedianMs: median(values)!, latencyMaxMs: max(values)! };
}

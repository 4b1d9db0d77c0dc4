// The state of a service or datastore at a moment: what every incident active there does to
// it, combined. Generators ask this instead of knowing about incidents one by one.
import type { Effects } from '../config/schema.js';
import type { AffectedTarget, Incident, IncidentActivity } from '../model/incident.js';
import { phaseAt, rawIntensity } from '../incidents/timeline.js';

export interface Condition {
  /** Added probability that a request here fails. */
  errorRate: number;
  latencyFactor: number;
  cpuFactor: number;
  /** Memory working set target as a share of the limit (0 = normal). */
  memoryFill: number;
  throttleRatio: number;
  diskFill: number;
  dbConnections: number;
  cacheMissRate: number;
  queueGrowthPerMin: number;
  rateLimited: number;
  trafficFactor: number;
  unavailable: number;
  /** Active incidents here, strongest first. */
  activities: IncidentActivity[];
}

export const NORMAL: Readonly<Condition> = Object.freeze({
  errorRate: 0,
  latencyFactor: 1,
  cpuFactor: 1,
  memoryFill: 0,
  throttleRatio: 0,
  diskFill: 0,
  dbConnections: 0,
  cacheMissRate: 0,
  queueGrowthPerMin: 0,
  rateLimited: 0,
  trafficFactor: 1,
  unavailable: 0,
  activities: [] as IncidentActivity[],
});

interface Entry {
  incident: Incident;
  target: AffectedTarget;
  effects: Effects;
}

export class ConditionModel {
  private readonly byTarget = new Map<string, Entry[]>();

  constructor(readonly incidents: readonly Incident[]) {
    for (const incident of incidents) {
      for (const target of incident.affected) {
        const effects = target.hops === 0 ? incident.effects.root : incident.effects.propagated;
        let list = this.byTarget.get(target.target);
        if (!list) this.byTarget.set(target.target, (list = []));
        list.push({ incident, target, effects });
      }
    }
  }

  /** Incident activity (intensity > 0) at a target; cheap when nothing is going on. */
  activities(target: string, t: number): IncidentActivity[] {
    const entries = this.byTarget.get(target);
    if (!entries) return NORMAL.activities;
    let out: IncidentActivity[] | undefined;
    for (const e of entries) {
      const local = t - e.target.delayMs;
      const raw = rawIntensity(e.incident, local);
      if (raw <= 0) continue;
      (out ??= []).push({ incident: e.incident, target: e.target, intensity: raw * e.target.weight * e.incident.severity, phase: phaseAt(e.incident, local)! });
    }
    if (!out) return NORMAL.activities;
    if (out.length > 1) out.sort((a, b) => b.intensity - a.intensity || a.incident.id.localeCompare(b.incident.id));
    return out;
  }

  at(target: string, t: number): Condition {
    const activities = this.activities(target, t);
    if (activities.length === 0) return NORMAL;
    const c: Condition = { ...NORMAL, activities };
    let ok = 1;
    let notLimited = 1;
    for (const a of activities) {
      const e = a.target.hops === 0 ? a.incident.effects.root : a.incident.effects.propagated;
      const k = a.intensity;
      if (e.error_rate) ok *= 1 - e.error_rate * k;
      if (e.rate_limited) notLimited *= 1 - e.rate_limited * k;
      if (e.latency_factor) c.latencyFactor *= 1 + (e.latency_factor - 1) * k;
      if (e.cpu_factor) c.cpuFactor *= 1 + (e.cpu_factor - 1) * k;
      if (e.traffic_factor) c.trafficFactor *= 1 + (e.traffic_factor - 1) * k;
      if (e.memory_fill) c.memoryFill = Math.max(c.memoryFill, e.memory_fill * Math.min(1, k / a.incident.severity));
      if (e.throttle_ratio) c.throttleRatio = Math.max(c.throttleRatio, e.throttle_ratio * k);
      if (e.disk_fill) c.diskFill = Math.max(c.diskFill, e.disk_fill * Math.min(1, k / a.incident.severity));
      if (e.db_connections) c.dbConnections = Math.max(c.dbConnections, e.db_connections * k);
      if (e.cache_miss_rate) c.cacheMissRate = Math.max(c.cacheMissRate, e.cache_miss_rate * k);
      if (e.queue_growth_per_min) c.queueGrowthPerMin += e.queue_growth_per_min * k;
      if (e.unavailable) c.unavailable = Math.max(c.unavailable, e.unavailable * k);
    }
    c.errorRate = 1 - ok;
    c.rateLimited = 1 - notLimited;
    return c;
  }

  /** Whether any incident touches this target during [start, end). */
  touches(target: string, start: number, end: number): boolean {
    const entries = this.byTarget.get(target);
    if (!entries) return false;
    return entries.some((e) => e.incident.onset + e.target.delayMs < end && e.incident.end + e.target.delayMs > start);
  }
}

// Rollouts and the pods they create. Normal releases happen on weekdays in working hours;
// incidents add their own (a broken release, its rollback, the fix for a leak). A service's
// pods at any moment follow from the last rollout before it, so any window can be answered
// without replaying history.
import type { Incident } from '../model/incident.js';
import type { Service, Topology } from '../model/topology.js';
import { hashInts, hashString, hex32, Rng } from '../random/rng.js';
import { DAY, dayOfWeek, HOUR, MINUTE, SECOND } from '../time/calendar.js';
import { calver, commitSha } from './releases.js';

export type RolloutReason = 'release' | 'bad_release' | 'rollback' | 'fix_release';

export interface Rollout {
  readonly service: string;
  readonly start: number;
  readonly version: string;
  readonly commit: string;
  /** pod-template-hash of the new ReplicaSet. */
  readonly revision: string;
  readonly reason: RolloutReason;
  readonly incidentId?: string;
  /** Time between replacing one pod and the next. */
  readonly stepMs: number;
}

export interface Pod {
  readonly name: string;
  readonly service: string;
  readonly namespace: string;
  readonly uid: string;
  readonly node: string;
  readonly ip: string;
  readonly revision: string;
  readonly version: string;
  readonly replica: number;
  /** When the pod was created. */
  readonly created: number;
  /** Container id (64 hex). */
  readonly containerId: string;
  readonly image: string;
  readonly imageDigest: string;
  /** Set for pods a CronJob's Job created (they have no ReplicaSet). */
  readonly job?: string;
}

/** The `revision` of Job pods: they belong to no ReplicaSet. */
export const JOB_REVISION = '';

const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

/** Kubernetes' SafeEncodeString alphabet applied to a hash (no vowels, no ambiguous digits). */
function safeEncode(hash: number, length: number, salt: number): string {
  let out = '';
  let h = hash >>> 0;
  for (let i = 0; i < length; i++) {
    if (i % 5 === 0) h = hashInts(hash, salt, i);
    out += ALPHANUMS[h % ALPHANUMS.length];
    h = Math.floor(h / ALPHANUMS.length);
  }
  return out;
}

const REGISTRY = '123456789012.dkr.ecr.us-east-1.amazonaws.com';

export class RolloutPlanner {
  private readonly dayCache = new Map<number, Rollout[]>();
  private readonly releaseCache = new Map<number, Rollout[]>();
  private readonly podCache = new Map<string, Pod[]>();
  private readonly brokenCache = new Map<string, { from: number; until: number; rollout: Rollout | undefined }>();
  private readonly stableCache = new Map<string, { from: number; until: number; rollout: Rollout }>();

  constructor(
    private readonly topology: Topology,
    private readonly seed: number,
    private readonly utcOffsetMinutes: number,
    /** Incidents by the UTC day of their onset. */
    private readonly incidentsOfDay: (day: number) => readonly Incident[],
    /** The longest an incident lasts: its rollouts (rollback, fix) start at most this long after its onset. */
    private readonly incidentSpanMs: number,
  ) {}

  /** Rollouts that start during a UTC day, every service, sorted by start. */
  rolloutsOfDay(day: number): Rollout[] {
    const cached = this.dayCache.get(day);
    if (cached) return cached;
    const out: Rollout[] = [...this.releasesOfDay(day)];
    // An incident that begins before midnight can be rolled back or fixed after it: its
    // rollouts belong to the day they start, or the rollouts in force there are misread.
    const from = day * DAY;
    for (let d = day - Math.ceil(this.incidentSpanMs / DAY); d <= day; d++) {
      for (const incident of this.incidentsOfDay(d)) {
        for (const r of this.incidentRollouts(incident)) if (r.start >= from && r.start < from + DAY) out.push(r);
      }
    }
    out.sort((a, b) => a.start - b.start || a.service.localeCompare(b.service));
    remember(this.dayCache, day, out, 1024);
    return out;
  }

  /** Ordinary releases of every service during a UTC day (no incident rollouts). */
  private releasesOfDay(day: number): Rollout[] {
    const cached = this.releaseCache.get(day);
    if (cached) return cached;
    const out: Rollout[] = [];
    for (const service of this.topology.services) out.push(...this.releases(service, day));
    out.sort((a, b) => a.start - b.start || a.service.localeCompare(b.service));
    remember(this.releaseCache, day, out, 1024);
    return out;
  }

  /** The last ordinary release before t (what a rollback returns to). */
  private lastRelease(service: string, t: number): Rollout {
    for (let d = Math.floor(t / DAY), n = 0; n < 60; d--, n++) {
      const day = this.releasesOfDay(d);
      for (let i = day.length - 1; i >= 0; i--) {
        const r = day[i]!;
        if (r.service === service && r.start <= t) return r;
      }
    }
    return this.initialRollout(service);
  }

  /** Rollouts of every service that start inside [start, end). */
  rolloutsIn(start: number, end: number): Rollout[] {
    const out: Rollout[] = [];
    for (let d = Math.floor(start / DAY); d <= Math.floor((end - 1) / DAY); d++) {
      for (const r of this.rolloutsOfDay(d)) if (r.start >= start && r.start < end) out.push(r);
    }
    return out;
  }

  /** The last rollout of a service that started at or before t (searching back up to 60 days). */
  lastRollout(service: string, t: number, predicate: (r: Rollout) => boolean = () => true): Rollout {
    for (let d = Math.floor(t / DAY), n = 0; n < 60; d--, n++) {
      const day = this.rolloutsOfDay(d);
      for (let i = day.length - 1; i >= 0; i--) {
        const r = day[i]!;
        if (r.service === service && r.start <= t && predicate(r)) return r;
      }
    }
    return this.initialRollout(service);
  }

  /** The release serving traffic at t: the last one that is not a broken release. */
  stableRollout(service: string, t: number): Rollout {
    // Asked for every request: remember the answer with the span of time it holds for.
    const hit = this.stableCache.get(service);
    if (hit && t >= hit.from && t < hit.until) return hit.rollout;
    const rollout = this.lastRollout(service, t, (r) => r.reason !== 'bad_release');
    const next = this.nextRolloutStart(service, t);
    this.stableCache.set(service, { from: rollout.start, until: next, rollout });
    return rollout;
  }

  /** Start of the first rollout of a service after t (any kind), or +Infinity within a day's look-ahead. */
  private nextRolloutStart(service: string, t: number): number {
    for (let d = Math.floor(t / DAY), n = 0; n < 2; d++, n++) {
      for (const r of this.rolloutsOfDay(d)) if (r.service === service && r.start > t) return r.start;
    }
    return Math.floor(t / DAY) * DAY + 2 * DAY;
  }

  /** The broken rollout in progress at t, if any (until its rollback). */
  brokenRollout(service: string, t: number): Rollout | undefined {
    const hit = this.brokenCache.get(service);
    if (hit && t >= hit.from && t < hit.until) return hit.rollout;
    const last = this.lastRollout(service, t);
    const rollout = last.reason === 'bad_release' ? last : undefined;
    this.brokenCache.set(service, { from: last.start, until: this.nextRolloutStart(service, t), rollout });
    return rollout;
  }

  /** Pods a rollout creates (one per replica). */
  podsOf(rollout: Rollout): Pod[] {
    const key = `${rollout.service}/${rollout.revision}/${rollout.start}`;
    const cached = this.podCache.get(key);
    if (cached) return cached;
    const service = this.topology.service(rollout.service);
    const replicas = rollout.reason === 'bad_release' ? 1 : service.config.replicas;
    const nodes = this.topology.nodes;
    const pods: Pod[] = [];
    for (let i = 0; i < replicas; i++) {
      const h = hashInts(this.seed, hashString(rollout.revision), rollout.start, i);
      const node = nodes[(h >>> 3) % nodes.length]!;
      const name = `${service.name}-${rollout.revision}-${safeEncode(h, 5, 7)}`;
      const uidHex = hex32(hashInts(h, 1)) + hex32(hashInts(h, 2)) + hex32(hashInts(h, 3)) + hex32(hashInts(h, 4));
      pods.push({
        name,
        service: service.name,
        namespace: service.namespace,
        uid: `${uidHex.slice(0, 8)}-${uidHex.slice(8, 12)}-4${uidHex.slice(13, 16)}-a${uidHex.slice(17, 20)}-${uidHex.slice(20, 32)}`,
        node: node.name,
        ip: `10.0.${(node.index % 3) + 1}${(h >>> 8) % 10}.${(h >>> 12) % 250 + 2}`,
        revision: rollout.revision,
        version: rollout.version,
        replica: i,
        created: rollout.start + i * rollout.stepMs,
        containerId: Array.from({ length: 8 }, (_, k) => hex32(hashInts(h, 10 + k))).join(''),
        image: `${REGISTRY}/shop/${service.name}:${rollout.version}`,
        imageDigest: `sha256:${Array.from({ length: 8 }, (_, k) => hex32(hashInts(hashString(rollout.version), k))).join('')}`,
      });
    }
    remember(this.podCache, key, pods, 2048);
    return pods;
  }

  /**
   * Pods that exist at t: the current stable ReplicaSet's pods that have been created, plus
   * the previous ReplicaSet's pods not yet replaced (mid-rollout), plus a broken surge pod.
   */
  podsAt(service: string, t: number): { serving: Pod[]; broken?: Pod } {
    const current = this.stableRollout(service, t);
    const pods = this.podsOf(current);
    const serving = pods.filter((p) => p.created <= t);
    if (serving.length < pods.length) {
      const previous = this.stableRollout(service, current.start - 1);
      const old = this.podsOf(previous);
      for (let i = serving.length; i < old.length; i++) serving.push(old[i]!);
    }
    const bad = this.brokenRollout(service, t);
    return bad ? { serving, broken: this.podsOf(bad)[0] } : { serving };
  }

  private initialRollout(service: string): Rollout {
    const start = Date.UTC(2026, 0, 5, 15, 0, 0);
    return this.rollout(service, start, 'release');
  }

  private rollout(service: string, start: number, reason: RolloutReason, incidentId?: string, version = calver(start)): Rollout {
    const revision = safeEncode(hashInts(this.seed, hashString(service), start, hashString(reason)), 10, 3);
    return {
      service,
      start,
      version,
      commit: commitSha(service, version),
      revision,
      reason,
      incidentId,
      stepMs: 25 * SECOND + (hashInts(start, 9) % 20) * SECOND,
    };
  }

  /** Weekday releases in working hours (09:30-17:30 shop time); fewer on weekends. */
  private releases(service: Service, day: number): Rollout[] {
    const rng = Rng.derive(this.seed, 'releases', day, service.name);
    const midday = day * DAY + 12 * HOUR;
    const dow = dayOfWeek(midday, this.utcOffsetMinutes);
    const weekend = dow === 0 || dow === 6;
    const count = rng.poisson(service.config.deploys_per_day * (weekend ? 0.1 : 7 / 5.2));
    const out: Rollout[] = [];
    const localMidnight = day * DAY - this.utcOffsetMinutes * MINUTE;
    for (let i = 0; i < count; i++) {
      const start = localMidnight + 9.5 * HOUR + Math.floor(rng.next() * 8 * 60) * MINUTE + rng.int(60) * SECOND;
      // Keep releases in the UTC day they were planned for, so days stay independent.
      if (Math.floor(start / DAY) !== day) continue;
      out.push(this.rollout(service.name, start, 'release'));
    }
    return out;
  }

  private incidentRollouts(incident: Incident): Rollout[] {
    const root = incident.rootCause;
    if (!this.topology.isService(root)) return [];
    if (incident.type === 'bad_deployment') {
      const previous = this.lastRelease(root, incident.onset - 1);
      const bad = this.rollout(root, incident.onset, 'bad_release', incident.id, incident.detail.badVersion);
      const rollback = { ...this.rollout(root, incident.recoveryStart, 'rollback', incident.id, previous.version), revision: previous.revision };
      return [bad, rollback];
    }
    if (incident.type === 'memory_leak') {
      return [this.rollout(root, incident.recoveryStart, 'fix_release', incident.id)];
    }
    return [];
  }
}

/** Map as a bounded cache: past the limit, the oldest entry goes. */
function remember<K, V>(map: Map<K, V>, key: K, value: V, limit: number): void {
  if (map.size >= limit) map.delete(map.keys().next().value as K);
  map.set(key, value);
}

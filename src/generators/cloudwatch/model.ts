// The shop's aggregate state at one moment, as AWS would measure it: request rates through the
// call graph, failure and latency distributions (mirroring requests.ts, so metrics agree with the
// individual requests that logs and traces show), pods and their resources. A Snap is built for
// one (scope, time) and memoises everything it computes, so the ~250 series of a period share
// one walk of the graph.
import type { IncidentActivity } from '../../model/incident.js';
import type { Condition } from '../../simulation/conditions.js';
import { INCIDENT_FAILURES, statusFor, type FailureClass } from '../../simulation/failures.js';
import { jobLoad } from '../../simulation/jobs.js';
import { baselineMemoryShare } from '../../simulation/pod-health.js';
import type { Pod } from '../../simulation/rollouts.js';
import type { Consumer, Endpoint } from '../../model/topology.js';
import { hashString, hashUnit } from '../../random/rng.js';
import { extremes, lnMean, mixtureMean, quantile, type LatencyComponent } from './distribution.js';
import type { Scope } from './scope.js';
import type { Statics } from './statics.js';

/** What a call looks like to its caller. */
export interface CallStats {
  /** Probability the call fails (span.failure set). */
  readonly fail: number;
  /** Share of those failures that are rate limiting (429). */
  readonly limited: number;
  /** Probability the call waits out a timeout somewhere. */
  readonly timeout: number;
  readonly meanMs: number;
  readonly sigma: number;
}

export interface EndpointStats extends CallStats {
  /** Shares of requests answered 5xx and 4xx (client errors included). */
  readonly f5: number;
  readonly f4: number;
}

export interface ServiceStats {
  /** HTTP requests plus consumed messages per second. */
  readonly rps: number;
  readonly f5: number;
  readonly f4: number;
  readonly meanMs: number;
  readonly components: readonly LatencyComponent[];
}

export interface PodStats {
  /** Pods the ReplicaSets run (the broken surge pod excluded). */
  readonly serving: readonly Pod[];
  /** Pods running and ready (serving minus those an incident took out). */
  readonly running: readonly Pod[];
  readonly broken?: Pod;
  /** Per running pod. */
  readonly cpuMilli: readonly number[];
  readonly memShare: readonly number[];
  readonly rxBps: readonly number[];
  readonly txBps: readonly number[];
  /** Per pod, broken one included. */
  readonly restarts: readonly number[];
}

export interface LatencySummary {
  readonly meanMs: number;
  readonly p99Ms: number;
  readonly minMs: number;
  readonly maxMs: number;
}

/** Things that do not depend on the scope, shared by the actual and baseline snaps of a moment. */
export class Moment {
  private readonly podCache = new Map<string, { serving: Pod[]; broken?: Pod }>();
  readonly rps: number;

  constructor(
    readonly st: Statics,
    readonly t: number,
  ) {
    this.rps = st.world.traffic.requestsPerSecond(t);
  }

  podsAt(service: string): { serving: Pod[]; broken?: Pod } {
    let p = this.podCache.get(service);
    if (!p) this.podCache.set(service, (p = this.st.world.rollouts.podsAt(service, this.t)));
    return p;
  }
}

const TIMEOUT_FAILURES: ReadonlySet<FailureClass> = new Set(['request_timeout', 'pool_timeout']);
const CLIENT_ERROR_SHARE = 0.018;
/** Chance a caller gives up on a failed dependency (requests.ts). */
const PROPAGATE = 0.9;

/** Shares of incident failures that are 429s and that add a timeout wait, weighted like requests.ts blames. */
function incidentMix(cond: Condition, datastore: boolean): { limited: number; timeout: number } {
  let total = 0;
  let limited = 0;
  let timeout = 0;
  for (const a of cond.activities) {
    const kinds = INCIDENT_FAILURES[a.incident.type];
    const kind = datastore || a.target.hops === 0 ? kinds.root : kinds.propagated;
    total += a.intensity;
    if (statusFor(kind) === 429) limited += a.intensity;
    if (datastore ? kind.endsWith('timeout') : TIMEOUT_FAILURES.has(kind)) timeout += a.intensity;
  }
  return total > 0 ? { limited: limited / total, timeout: timeout / total } : { limited: 0, timeout: datastore ? 1 : 0 };
}

export class Snap {
  private readonly conds = new Map<string, Condition>();
  private readonly endpoints = new Map<Endpoint | Consumer, EndpointStats>();
  private readonly datastores = new Map<string, CallStats>();
  private readonly services = new Map<string, ServiceStats>();
  private readonly podStats = new Map<string, PodStats>();
  private readonly memos = new Map<string, unknown>();
  private readonly latencies = new Map<string, LatencySummary>();
  private readonly strongestOf = new Map<readonly string[], IncidentActivity | null>();
  private jobDbFactor?: number;

  constructor(
    readonly moment: Moment,
    readonly scope: Scope,
  ) {}

  get t(): number {
    return this.moment.t;
  }

  get st(): Statics {
    return this.moment.st;
  }

  /** Edge requests per second before incident traffic factors. */
  get rps(): number {
    return this.moment.rps;
  }

  /** Memoises a derived quantity for this snap (series of one resource share it); `key` is a constant. */
  memo<T>(key: string, make: () => T): T {
    let v = this.memos.get(key) as T | undefined;
    if (v === undefined) this.memos.set(key, (v = make()));
    return v;
  }

  /** Latency of a service's requests: mean, p99 and the extremes a minute of them would show (ms). */
  latency(name: string): LatencySummary {
    return this.latencyOf(name, this.service(name));
  }

  /** The same for a population of requests given by its stats (memoised under `key`). */
  latencyOf(key: string, s: ServiceStats): LatencySummary {
    let l = this.latencies.get(key);
    if (l) return l;
    const { min, max } = extremes(s.components, Math.max(2, s.rps * 60));
    const p99 = quantile(s.components, 0.99);
    l = { meanMs: s.meanMs, p99Ms: p99, minMs: Math.min(min, s.meanMs), maxMs: Math.max(max, p99, s.meanMs) };
    this.latencies.set(key, l);
    return l;
  }

  /** The strongest incident activity at any of these targets (series share their target lists). */
  strongest(targets: readonly string[]): IncidentActivity | undefined {
    let best = this.strongestOf.get(targets);
    if (best !== undefined) return best ?? undefined;
    best = null;
    for (const target of targets) {
      const a = this.cond(target).activities[0];
      if (a && (!best || a.intensity > best.intensity)) best = a;
    }
    this.strongestOf.set(targets, best);
    return best ?? undefined;
  }

  /** Pods of a service; a broken release's pod only exists because of an incident, so not in the baseline. */
  podsAt(service: string): { serving: Pod[]; broken?: Pod } {
    const p = this.moment.podsAt(service);
    return this.scope.baseline && p.broken ? { serving: p.serving } : p;
  }

  cond(target: string): Condition {
    let c = this.conds.get(target);
    if (!c) this.conds.set(target, (c = this.scope.conditions.at(target, this.t)));
    return c;
  }

  /** Edge requests per second, retries and storms included. */
  edgeRps(): number {
    return this.rps * this.cond(this.st.world.topology.edge.name).trafficFactor;
  }

  /** Database load multiplier of the jobs running now. */
  jobDb(): number {
    return (this.jobDbFactor ??= jobLoad(this.scope.jobRuns, '', this.t).db);
  }

  jobCpu(service: string): number {
    return jobLoad(this.scope.jobRuns, service, this.t).cpu;
  }

  datastore(name: string): CallStats {
    let s = this.datastores.get(name);
    if (s) return s;
    const ds = this.st.world.topology.datastore(name);
    const c = this.cond(name);
    const rl = c.rateLimited;
    const pErr = 0.0002 + c.errorRate;
    const mix = incidentMix(c, true);
    const timeout = (1 - rl) * (0.0002 + c.errorRate * mix.timeout);
    const base = ds ? lnMean(ds.latency.medianMs, ds.latency.sigma) : 1;
    const fail = rl + (1 - rl) * Math.min(1, pErr);
    s = { fail, limited: fail > 0 ? (rl + (1 - rl) * c.errorRate * mix.limited) / fail : 0, timeout, meanMs: base * c.latencyFactor + timeout * 3000, sigma: ds?.latency.sigma ?? 0.5 };
    this.datastores.set(name, s);
    return s;
  }

  endpoint(e: Endpoint, depth = 0): EndpointStats {
    const cached = this.endpoints.get(e);
    if (cached) return cached;
    const c = this.cond(e.service);
    const ownMean = lnMean(e.latency.medianMs, e.latency.sigma) * c.latencyFactor;
    let pass = 1;
    let f5 = 0;
    let f4 = 0;
    let childMean = 0;
    let timeout = 0;
    for (const call of e.calls) {
      const q = call.probability;
      const isDs = call.targetKind === 'datastore';
      let child: CallStats;
      if (isDs) child = this.datastore(call.target);
      else if (call.endpoint && depth < 8) child = this.endpoint(call.endpoint, depth + 1);
      else continue;
      childMean += q * pass * child.meanMs;
      timeout += q * pass * child.timeout;
      // Cache reads degrade gracefully unless they time out.
      const exempt = isDs && call.operation === 'GET';
      const propagating = q * PROPAGATE * (exempt ? child.timeout : child.fail);
      if (isDs && !exempt) {
        f4 += pass * propagating * child.limited;
        f5 += pass * propagating * (1 - child.limited);
      } else f5 += pass * propagating;
      pass *= 1 - propagating;
    }
    const p = Math.min(1, e.errorRate + c.errorRate);
    const incShare = p > 0 ? c.errorRate / p : 0;
    const mix = incidentMix(c, false);
    // Everyday failures: validation and conflict answer 4xx, the other two 500.
    const own4 = p * (incShare * mix.limited + (1 - incShare) * 0.5);
    f4 += pass * own4;
    f5 += pass * (p - own4);
    timeout += pass * p * incShare * mix.timeout;
    const client = (1 - f4 - f5) * CLIENT_ERROR_SHARE;
    // The limiter in front answers before any work is done.
    const rl = c.rateLimited;
    const fail = rl + (1 - rl) * (f4 + f5);
    const stats: EndpointStats = {
      fail,
      limited: fail > 0 ? rl / fail : 0,
      timeout: (1 - rl) * timeout,
      meanMs: (1 - rl) * (ownMean + childMean) + rl * ownMean * 0.05,
      sigma: e.latency.sigma,
      f5: (1 - rl) * f5,
      f4: rl + (1 - rl) * (f4 + client),
    };
    this.endpoints.set(e, stats);
    return stats;
  }

  consumer(k: Consumer): EndpointStats {
    const cached = this.endpoints.get(k);
    if (cached) return cached;
    const c = this.cond(k.service);
    const ownMean = lnMean(k.latency.medianMs, k.latency.sigma) * c.latencyFactor;
    let pass = 1;
    let fail = 0;
    let childMean = 0;
    let timeout = 0;
    for (const call of k.calls) {
      const child = this.datastore(call.target);
      childMean += call.probability * pass * child.meanMs;
      timeout += call.probability * pass * child.timeout;
      fail += pass * call.probability * child.fail;
      pass *= 1 - call.probability * child.fail;
    }
    const p = Math.min(1, k.errorRate + c.errorRate);
    fail += pass * p;
    const stats: EndpointStats = { fail, limited: 0, timeout, meanMs: ownMean + childMean, sigma: k.latency.sigma, f5: fail, f4: 0 };
    this.endpoints.set(k, stats);
    return stats;
  }

  /** Messages per second a consumer takes off its queue (fewer while it lags; traffic-window.ts). */
  consumedPerSec(k: Consumer): number {
    return (this.edgeRps() * this.st.world.flow.queueRate(k.queue)) / Math.max(1, this.cond(k.service).latencyFactor * 0.5);
  }

  service(name: string): ServiceStats {
    let s = this.services.get(name);
    if (s) return s;
    const { flow, topology } = this.st.world;
    const svc = topology.service(name);
    const c = this.cond(name);
    const edgeRps = this.edgeRps();
    const components: LatencyComponent[] = [];
    let rps = 0;
    let f5 = 0;
    let f4 = 0;
    const add = (rate: number, e: EndpointStats): void => {
      if (rate <= 0) return;
      rps += rate;
      f5 += rate * e.f5;
      f4 += rate * e.f4;
      components.push({ weight: rate, meanMs: e.meanMs, sigma: e.sigma, timeout: e.timeout, timeoutLoMs: 1500, timeoutHiMs: 9000 });
    };
    for (const e of svc.endpoints) add(edgeRps * flow.endpointRate(name, e.route) * (name === topology.edge.name ? 1 : c.trafficFactor), this.endpoint(e));
    for (const k of svc.consumers) add(this.consumedPerSec(k), this.consumer(k));
    s = { rps, f5: rps > 0 ? f5 / rps : 0, f4: rps > 0 ? f4 / rps : 0, meanMs: mixtureMean(components), components };
    this.services.set(name, s);
    return s;
  }

  pods(name: string): PodStats {
    let s = this.podStats.get(name);
    if (s) return s;
    const st = this.st.services.get(name)!;
    const { serving, broken } = this.podsAt(name);
    const c = this.cond(name);
    const down = Math.min(serving.length, Math.round(c.unavailable * serving.length));
    const running = serving.slice(0, serving.length - down);
    const rpsPerPod = this.service(name).rps / Math.max(1, running.length);
    const jobCpu = this.jobCpu(name);
    const { podHealth } = this.st.world;
    const cpuMilli: number[] = [];
    const memShare: number[] = [];
    const rxBps: number[] = [];
    const txBps: number[] = [];
    for (const pod of running) {
      // Pods of one ReplicaSet are not equally busy (connection reuse, noisy neighbours).
      const spread = 0.85 + 0.3 * hashUnit(hashString(pod.name), 3);
      let cpu = (st.cpuIdleMilli + st.cpuPerRps * rpsPerPod) * spread * c.cpuFactor * jobCpu;
      cpu = Math.min(cpu, st.cpuLimitMilli);
      // A throttled container sits at its quota.
      if (c.throttleRatio > 0.05) cpu = Math.max(cpu, st.cpuLimitMilli * Math.min(0.99, 0.8 + 0.3 * c.throttleRatio));
      cpuMilli.push(cpu);
      memShare.push(podHealth.memoryShare(pod, this.t, this.scope.incidents, baselineMemoryShare(pod, this.t)));
      rxBps.push((rpsPerPod * 1400 + 3000) * spread);
      txBps.push((rpsPerPod * 3400 + 2500) * spread);
    }
    const all = broken ? [...serving, broken] : serving;
    const restarts = all.map((pod) => (this.scope.incidents.length === 0 ? 0 : podHealth.restartCount(pod, this.t, this.scope.incidents)));
    s = { serving, running, broken, cpuMilli, memShare, rxBps, txBps, restarts };
    this.podStats.set(name, s);
    return s;
  }
}

// The golden signals of every service at a moment, for the whole population of requests:
// rate, errors (including those passed on by dependencies), latency percentiles. Pure functions
// of time, so a panel or an alarm can re-read any past value. The request simulator draws
// individual requests from the same model; these are its expectations.
import type { Endpoint, Service } from '../model/topology.js';
import type { IncidentActivity } from '../model/incident.js';
import type { ConditionModel } from './conditions.js';
import type { World } from './world.js';

export interface RouteSignals {
  readonly endpoint: Endpoint;
  /** Requests per second. */
  readonly rate: number;
  /** Share of requests answered 5xx. */
  readonly errorRatio: number;
  /** Share answered 429. */
  readonly limitedRatio: number;
  /** Expected latency median (ms) and log-normal shape. */
  readonly medianMs: number;
  readonly sigma: number;
}

export interface ServiceSignals {
  readonly service: Service;
  readonly rate: number;
  readonly errorRatio: number;
  readonly limitedRatio: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly routes: readonly RouteSignals[];
  /** The incident that moves these signals most, if any. */
  readonly cause?: IncidentActivity;
}

const Z = { p50: 0, p95: 1.645, p99: 2.326 };

interface EndpointModel {
  fail: number;
  limited: number;
  medianMs: number;
  sigma: number;
}

/** Computes every service's signals at t (memoised within one call). */
export function goldenSignals(world: World, conditions: ConditionModel, t: number): Map<string, ServiceSignals> {
  const memo = new Map<Endpoint, EndpointModel>();
  const dsFail = (target: string): { fail: number; medianMs: number } => {
    const ds = world.topology.datastore(target)!;
    const c = conditions.at(target, t);
    return { fail: Math.min(1, 0.0002 + c.errorRate + c.rateLimited), medianMs: ds.latency.medianMs * c.latencyFactor };
  };
  const model = (e: Endpoint, depth: number): EndpointModel => {
    const hit = memo.get(e);
    if (hit) return hit;
    const c = conditions.at(e.service, t);
    let pass = 1 - c.rateLimited;
    let median = e.latency.medianMs * c.latencyFactor;
    for (const call of e.calls) {
      if (call.targetKind === 'service' && call.endpoint && depth < 8) {
        const m = model(call.endpoint, depth + 1);
        pass *= 1 - call.probability * (m.fail + m.limited) * 0.9;
        median += call.probability * m.medianMs;
      } else if (call.targetKind === 'datastore') {
        const d = dsFail(call.target);
        pass *= 1 - call.probability * d.fail * 0.9;
        median += call.probability * d.medianMs;
      }
    }
    const own = Math.min(1, e.errorRate + c.errorRate);
    const fail = Math.min(1, 1 - pass * (1 - own));
    const out = { fail: Math.max(0, fail - c.rateLimited), limited: c.rateLimited, medianMs: median, sigma: e.latency.sigma };
    memo.set(e, out);
    return out;
  };

  const rps = world.traffic.requestsPerSecond(t);
  const out = new Map<string, ServiceSignals>();
  for (const service of world.topology.services) {
    const cond = conditions.at(service.name, t);
    const routes: RouteSignals[] = [];
    let rate = 0;
    let errors = 0;
    let limited = 0;
    let medianSum = 0;
    let sigma = 0;
    for (const e of service.endpoints) {
      const m = model(e, 0);
      const r = rps * world.flow.endpointRate(service.name, e.route) * cond.trafficFactor;
      routes.push({ endpoint: e, rate: r, errorRatio: m.fail, limitedRatio: m.limited, medianMs: m.medianMs, sigma: m.sigma });
      rate += r;
      errors += r * m.fail;
      limited += r * m.limited;
      medianSum += r * m.medianMs;
      sigma += r * m.sigma;
    }
    // Queue consumers count as work too (one "request" per message).
    for (const consumer of service.consumers) {
      const r = rps * world.flow.queueRate(consumer.queue);
      const fail = Math.min(1, consumer.errorRate + cond.errorRate);
      rate += r;
      errors += r * fail;
      medianSum += r * consumer.latency.medianMs * cond.latencyFactor;
      sigma += r * consumer.latency.sigma;
    }
    const median = rate > 0 ? medianSum / rate : 0;
    const s = rate > 0 ? sigma / rate : 0.5;
    out.set(service.name, {
      service,
      rate,
      errorRatio: rate > 0 ? errors / rate : 0,
      limitedRatio: rate > 0 ? limited / rate : 0,
      p50Ms: median * Math.exp(Z.p50 * s),
      p95Ms: median * Math.exp(Z.p95 * s),
      p99Ms: median * Math.exp(Z.p99 * s),
      routes,
      cause: strongest(world, conditions, service, t),
    });
  }
  return out;
}

/** The strongest incident at this service or any dependency it calls (what moved its signals). */
function strongest(world: World, conditions: ConditionModel, service: Service, t: number): IncidentActivity | undefined {
  let best = conditions.activities(service.name, t)[0];
  for (const e of service.endpoints) {
    for (const call of e.calls) {
      const a = conditions.activities(call.target, t)[0];
      if (a && (!best || a.intensity > best.intensity)) best = a;
    }
  }
  return best && best.intensity >= 0.02 ? best : undefined;
}

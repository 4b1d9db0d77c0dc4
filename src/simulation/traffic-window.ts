// The individual requests and consumed messages of one window, drawn minute by minute from the
// traffic model (Poisson arrivals), the incident conditions and the call graph.
import { Rng } from '../random/rng.js';
import { MINUTE, SECOND, type TimeWindow } from '../time/calendar.js';
import type { ConditionModel } from './conditions.js';
import { queueDepth } from './queues.js';
import { MAX_REQUEST_MS, RequestSimulator, type RequestSim } from './requests.js';
import type { World } from './world.js';

/** How far before a window requests may start and still be running inside it. */
export const REQUEST_LOOKBACK_MS = Math.ceil(MAX_REQUEST_MS / MINUTE) * MINUTE + MINUTE;

/**
 * Requests running at some point in the window. Each epoch minute is drawn from its own random
 * stream, so a request that starts in one window and ends in the next is the same request in
 * both; each window keeps the records that fall inside it.
 */
export function simulateRequests(world: World, conditions: ConditionModel, window: TimeWindow): RequestSim[] {
  const { traffic, topology, flow, generation, options } = world;
  const sim = new RequestSimulator({
    topology,
    conditions,
    rollouts: world.rollouts,
    tracesSampleRate: generation.sources.sentry.traces_sample_rate,
  });
  const share = generation.traffic.traced_share * options.volumeMultiplier;
  const out: RequestSim[] = [];
  const times: number[] = [];
  const first = Math.floor((window.start - REQUEST_LOOKBACK_MS) / MINUTE) * MINUTE;
  for (let m = first; m < window.end; m += MINUTE) {
    const rng = Rng.derive(options.seed, 'requests', m);
    const span = MINUTE;
    const mid = m + span / 2;
    const rps = traffic.requestsPerSecond(mid);
    const edge = conditions.at(topology.edge.name, mid);
    const n = rng.poisson(rps * share * (span / SECOND) * edge.trafficFactor);
    times.length = 0;
    for (let i = 0; i < n; i++) times.push(m + Math.floor(rng.next() * span));
    times.sort((a, b) => a - b);
    for (const t of times) out.push(sim.edgeRequest(rng, t));

    // Consumers take messages at the rate they were published (less while they lag).
    for (const service of topology.services) {
      for (const consumer of service.consumers) {
        const publishedPerMin = rps * 60 * flow.queueRate(consumer.queue);
        const cond = conditions.at(service.name, mid);
        const k = rng.poisson(publishedPerMin * share * (span / MINUTE) / Math.max(1, cond.latencyFactor * 0.5));
        const depth = queueDepth(conditions, service.name, consumer.queue, mid, publishedPerMin);
        const consumePerMs = Math.max(publishedPerMin / MINUTE, 1e-6);
        for (let i = 0; i < k; i++) {
          const t = m + Math.floor(rng.next() * span);
          const ageMs = Math.round(rng.logNormal(35, 0.7) + depth / consumePerMs);
          out.push(sim.consume(rng, consumer, t, ageMs));
        }
      }
    }
  }
  out.sort((a, b) => a.start - b.start);
  return out.filter((r) => r.start < window.end && r.start + r.root.durationMs >= window.start);
}

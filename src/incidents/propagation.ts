// An incident travels from its root cause to the callers of the root, hop by hop, each hop
// later and weaker: the way a slow database shows up first in the service that queries it,
// then in the gateway in front of that service.
import type { ScenarioConfig } from '../config/schema.js';
import type { AffectedTarget } from '../model/incident.js';
import type { Topology } from '../model/topology.js';
import type { Rng } from '../random/rng.js';
import { SECOND } from '../time/calendar.js';

export function propagate(topology: Topology, root: string, propagation: ScenarioConfig['propagation'], rng: Rng): AffectedTarget[] {
  const affected: AffectedTarget[] = [{ target: root, hops: 0, delayMs: 0, weight: 1 }];
  const seen = new Set([root]);
  let frontier = [affected[0]!];
  const [minDelay, maxDelay] = propagation.delay_secs;
  for (let hop = 1; hop <= propagation.max_hops && frontier.length > 0; hop++) {
    const next: AffectedTarget[] = [];
    for (const from of frontier) {
      for (const caller of topology.callersOf(from.target)) {
        if (seen.has(caller)) continue;
        seen.add(caller);
        const delayMs = from.delayMs + Math.round(rng.between(minDelay, maxDelay) * SECOND);
        const reached: AffectedTarget = { target: caller, hops: hop, delayMs, weight: from.weight * propagation.attenuation };
        next.push(reached);
        affected.push(reached);
      }
    }
    frontier = next;
  }
  return affected;
}

// Queue depth as a pure function of time: a small working backlog plus whatever incidents
// (consumers falling behind) have piled up since they started here.
import { hashString, smoothNoise } from '../random/rng.js';
import { MINUTE } from '../time/calendar.js';
import type { ConditionModel } from './conditions.js';

export function queueDepth(conditions: ConditionModel, consumer: string, queue: string, t: number, messagesPerMin: number): number {
  const base = Math.max(0, messagesPerMin * 0.02 * (1 + 0.6 * smoothNoise(hashString(queue), t, 7 * MINUTE)));
  let backlog = 0;
  for (const a of conditions.activities(consumer, t)) {
    const growth = (a.target.hops === 0 ? a.incident.effects.root : a.incident.effects.propagated).queue_growth_per_min;
    if (!growth) continue;
    const elapsedMin = (t - (a.incident.onset + a.target.delayMs)) / MINUTE;
    backlog += growth * a.intensity * Math.max(0, elapsedMin);
  }
  return Math.round(base + backlog);
}

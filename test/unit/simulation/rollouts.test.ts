import { describe, expect, it } from 'vitest';
import { DAY, MINUTE, SECOND } from '../../../src/time/calendar.js';
import { makeWorld } from '../../support/world.js';

// A memory leak that begins late in the evening is fixed after midnight: its fix release
// starts on the next UTC day, although the incident belongs to the day of its onset.
const MIDNIGHT = Date.UTC(2026, 10, 25);
const ONSET = MIDNIGHT - 20 * MINUTE;

function leakWorld() {
  const world = makeWorld({ start: MIDNIGHT - 2 * 60 * MINUTE, end: MIDNIGHT + 4 * 60 * MINUTE, placed: [{ type: 'memory_leak', at: ONSET, target: 'order-service' }] });
  const incident = world.placedIncidents[0]!;
  const fix = world.rollouts.rolloutsIn(incident.onset, incident.onset + DAY).find((r) => r.incidentId === incident.id && r.reason === 'fix_release');
  return { world, incident, fix };
}

describe('RolloutPlanner', () => {
  it('files an incident rollout under the day it starts, not the day of the incident', () => {
    const { world, incident, fix } = leakWorld();
    expect(incident.recoveryStart).toBeGreaterThan(MIDNIGHT + 10 * MINUTE);
    expect(fix).toBeDefined();
    expect(fix!.start).toBe(incident.recoveryStart);
    const day = Math.floor(MIDNIGHT / DAY);
    expect(world.rollouts.rolloutsOfDay(day).filter((r) => r.incidentId === incident.id)).toEqual([fix]);
    expect(world.rollouts.rolloutsOfDay(day - 1).filter((r) => r.incidentId === incident.id)).toEqual([]);
    // A window of the next day sees the rollout start (it is what ScalingReplicaSet events come from).
    expect(world.rollouts.rolloutsIn(MIDNIGHT, MIDNIGHT + DAY)).toContainEqual(fix);
  });

  it('answers which pods run at a time the same way whatever it was asked before', () => {
    const { world: fresh, fix } = leakWorld();
    const after = fix!.start + 10 * MINUTE;
    const expected = fresh.rollouts.podsAt('order-service', after).serving.map((p) => p.name);
    expect(expected.every((name) => name.includes(fix!.revision))).toBe(true);

    // Asked first after midnight but before the fix, then after it: the answer must not be the
    // release that was running before the fix.
    const { world } = leakWorld();
    for (let t = MIDNIGHT + MINUTE; t < after; t += 30 * SECOND) world.rollouts.podsAt('order-service', t);
    expect(world.rollouts.podsAt('order-service', after).serving.map((p) => p.name)).toEqual(expected);
  });
});

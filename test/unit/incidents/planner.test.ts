import { describe, expect, it } from 'vitest';
import { rawIntensity, phaseAt } from '../../../src/incidents/timeline.js';
import { INCIDENT_TYPES } from '../../../src/config/schema.js';
import { DAY, HOUR, MINUTE } from '../../../src/time/calendar.js';
import { defaultConfig, makeWorld } from '../../support/world.js';

const DAY0 = Date.UTC(2026, 10, 24) / DAY;

describe('IncidentPlanner', () => {
  it('plans about the configured number of incidents per day, the same for the same seed', () => {
    const world = makeWorld({ incidentsPerDay: 50 });
    const counts = [0, 1, 2, 3, 4, 5, 6].map((d) => world.planner.planDay(DAY0 + d).length);
    const mean = counts.reduce((a, b) => a + b, 0) / counts.length;
    expect(mean).toBeGreaterThan(40);
    expect(mean).toBeLessThan(60);
    const again = makeWorld({ incidentsPerDay: 50 });
    expect(again.planner.planDay(DAY0).map((i) => [i.id, i.type, i.rootCause, i.onset])).toEqual(world.planner.planDay(DAY0).map((i) => [i.id, i.type, i.rootCause, i.onset]));
    expect(makeWorld({ incidentsPerDay: 50, seed: 43 }).planner.planDay(DAY0).map((i) => i.onset)).not.toEqual(world.planner.planDay(DAY0).map((i) => i.onset));
  });

  it('plans a day the same whatever window asks for it', () => {
    const a = makeWorld({ incidentsPerDay: 50, start: DAY0 * DAY, end: DAY0 * DAY + HOUR });
    const b = makeWorld({ incidentsPerDay: 50, start: (DAY0 - 3) * DAY, end: (DAY0 + 2) * DAY });
    const window = { start: DAY0 * DAY + 6 * HOUR, end: DAY0 * DAY + 7 * HOUR };
    expect(a.incidentsFor(window).map((i) => i.id)).toEqual(b.incidentsFor(window).map((i) => i.id));
  });

  it('keeps phases in order and inside the configured duration range', () => {
    const world = makeWorld({ incidentsPerDay: 50 });
    const scenarios = defaultConfig().incidents.scenarios;
    for (const i of world.planner.planDay(DAY0)) {
      expect(i.onset).toBeLessThanOrEqual(i.peak);
      expect(i.peak).toBeLessThanOrEqual(i.recoveryStart);
      expect(i.recoveryStart).toBeLessThan(i.end);
      const [min, max] = scenarios[i.type]!.duration_mins;
      expect(i.end - i.onset).toBeGreaterThanOrEqual(min * MINUTE - 1);
      expect(i.end - i.onset).toBeLessThanOrEqual(max * MINUTE + 1);
      expect(scenarios[i.type]!.targets).toContain(i.rootCause);
    }
  });

  it('propagates from the root to its callers, later and weaker at each hop', () => {
    const world = makeWorld();
    const incident = world.planner.place({ type: 'cascading_failure', at: DAY0 * DAY + 10 * HOUR, target: 'postgres' }, 0);
    const [root, ...rest] = incident.affected;
    expect(root).toMatchObject({ target: 'postgres', hops: 0, delayMs: 0, weight: 1 });
    expect(rest.length).toBeGreaterThan(2);
    for (const a of rest) {
      expect(world.topology.callersOf(incident.affected.find((x) => x.hops === a.hops - 1 && world.topology.callersOf(x.target).includes(a.target))!.target)).toContain(a.target);
      expect(a.delayMs).toBeGreaterThan(0);
      expect(a.weight).toBeLessThan(1);
    }
    // The gateway is reached last: it is furthest from the database.
    const gateway = incident.affected.find((a) => a.target === 'api-gateway');
    expect(gateway).toBeDefined();
    expect(gateway!.hops).toBeGreaterThanOrEqual(2);
    expect(gateway!.delayMs).toBeGreaterThan(incident.affected.find((a) => a.target === 'order-service')!.delayMs);
  });

  it('spreads one incident of every type over a window for --all-incidents', () => {
    const world = makeWorld();
    const placed = world.planner.spreadAllTypes({ start: DAY0 * DAY, end: DAY0 * DAY + 12 * HOUR });
    expect(placed.map((p) => p.type).sort()).toEqual([...INCIDENT_TYPES].sort());
    for (const p of placed) expect(p.at).toBeGreaterThanOrEqual(DAY0 * DAY);
  });
});

describe('timeline', () => {
  const world = makeWorld();
  it('rises gradually, holds at the peak and falls for gradual incidents', () => {
    const i = world.planner.place({ type: 'db_pool_exhaustion', at: DAY0 * DAY }, 0);
    expect(rawIntensity(i, i.onset - 1)).toBe(0);
    const early = rawIntensity(i, i.onset + (i.peak - i.onset) * 0.25);
    const late = rawIntensity(i, i.onset + (i.peak - i.onset) * 0.75);
    expect(early).toBeGreaterThan(0);
    expect(late).toBeGreaterThan(early);
    expect(rawIntensity(i, (i.peak + i.recoveryStart) / 2)).toBe(1);
    expect(rawIntensity(i, i.recoveryStart + (i.end - i.recoveryStart) * 0.5)).toBeCloseTo(0.5, 1);
    expect(rawIntensity(i, i.end)).toBe(0);
    expect(phaseAt(i, i.onset + 1)).toBe('onset');
    expect(phaseAt(i, i.peak + 1)).toBe('peak');
    expect(phaseAt(i, i.recoveryStart + 1)).toBe('recovery');
  });
  it('jumps for sudden incidents and drops at once for immediate recovery', () => {
    const i = world.planner.place({ type: 'network_partition', at: DAY0 * DAY }, 0);
    expect(rawIntensity(i, i.onset + 30_000)).toBe(1);
    expect(rawIntensity(i, i.recoveryStart + 1)).toBe(0);
  });
});

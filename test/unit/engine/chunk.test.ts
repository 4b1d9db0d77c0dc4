import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateChunk, type ChunkOutput } from '../../../src/engine/chunk.js';
import { allGenerators } from '../../../src/generators/registry.js';
import type { FileRecord } from '../../../src/model/record.js';
import { HOUR, MINUTE } from '../../../src/time/calendar.js';
import { makeWorld, runRange, runWindow } from '../../support/world.js';

const T0 = Date.UTC(2026, 10, 24, 14, 0, 0);

describe('generateChunk', () => {
  it('is a pure function of seed, configuration and window', () => {
    const a = generateChunk(makeWorld({ incidentsPerDay: 50 }), allGenerators(), { start: T0, end: T0 + 10 * MINUTE });
    const b = generateChunk(makeWorld({ incidentsPerDay: 50 }), allGenerators(), { start: T0, end: T0 + 10 * MINUTE });
    expect(digests(a)).toEqual(digests(b));
    const c = generateChunk(makeWorld({ incidentsPerDay: 50, seed: 7 }), allGenerators(), { start: T0, end: T0 + 10 * MINUTE });
    expect(digests(c)[1]).not.toEqual(digests(a)[1]);
  });

  it('gives the same window the same records whatever was generated before it in the same world', () => {
    const world = makeWorld({ incidentsPerDay: 50 });
    const first = generateChunk(world, allGenerators(), { start: T0 + 20 * MINUTE, end: T0 + 30 * MINUTE });
    generateChunk(world, allGenerators(), { start: T0, end: T0 + 10 * MINUTE });
    const again = generateChunk(world, allGenerators(), { start: T0 + 20 * MINUTE, end: T0 + 30 * MINUTE });
    expect(digests(again)).toEqual(digests(first));
  });

  it('gives a window the same records whatever windows were made before it, across midnight', () => {
    // Rollouts of incidents that begin before midnight (a rollback, a leak's fix) start after it.
    const midnight = Date.UTC(2026, 10, 25);
    const options = {
      start: midnight - HOUR,
      end: midnight + 90 * MINUTE,
      incidentsPerDay: 50,
      placed: [
        { type: 'memory_leak' as const, at: midnight - 20 * MINUTE, target: 'order-service' },
        { type: 'bad_deployment' as const, at: midnight - 10 * MINUTE, target: 'payment-service' },
      ],
    };
    const windows = Array.from({ length: 15 }, (_, i) => ({ start: options.start + i * 10 * MINUTE, end: options.start + (i + 1) * 10 * MINUTE }));
    const inOrder = makeWorld(options);
    const expected = windows.map((w) => digests(generateChunk(inOrder, allGenerators(), w)));
    // A worker can be handed a window after midnight first: here one between the rollback and the fix.
    const other = makeWorld(options);
    const order = [9, ...windows.keys()].filter((i, n) => n === 0 || i !== 9);
    const got = new Map(order.map((i) => [i, digests(generateChunk(other, allGenerators(), windows[i]!))]));
    windows.forEach((w, i) => expect(got.get(i), `window at ${new Date(w.start).toISOString()}`).toEqual(expected[i]));
  });

  it('writes every kind in arrival order: timestamps ascend except declared late arrivals and clock skew', () => {
    const { records, labels } = runWindow(makeWorld({ incidentsPerDay: 50 }), T0, T0 + 10 * MINUTE);
    expect(records.size).toBeGreaterThanOrEqual(8);
    for (const [kind, list] of records) {
      const lab = labels.get(kind)!;
      expect(lab.map((l) => l.id)).toEqual(list.map((r) => r.id));
      let maxArrival = -Infinity;
      list.forEach((r, i) => {
        const late = lab[i]!.late_ms ?? 0;
        const arrival = r.timestamp + late;
        // Duplicates repeat a record a little later; everything else arrives in order.
        if (!lab[i]!.duplicate) expect(arrival).toBeGreaterThanOrEqual(maxArrival - 1);
        maxArrival = Math.max(maxArrival, arrival);
        expect(r.kind).toBe(kind);
      });
    }
  });

  it('keeps records inside the window (up to the configured clock skew)', () => {
    const world = makeWorld({ incidentsPerDay: 50 });
    const skew = world.generation.realism.clock_skew.max_ms;
    const { records } = runWindow(world, T0, T0 + 10 * MINUTE);
    for (const list of records.values()) {
      for (const r of list) {
        expect(r.timestamp).toBeGreaterThanOrEqual(T0 - skew);
        expect(r.timestamp).toBeLessThan(T0 + 10 * MINUTE + skew);
      }
    }
  });

  it('shares one trace id between the gateway access log, service logs and Sentry', () => {
    const { records } = runWindow(makeWorld(), T0, T0 + 10 * MINUTE);
    const logs = records.get('kubernetes_log')!;
    const gatewayTraces = new Set(logs.filter((r) => r.service === 'api-gateway' && r.trace_id).map((r) => r.trace_id));
    const serviceTraces = new Set(logs.filter((r) => r.service !== 'api-gateway' && r.trace_id).map((r) => r.trace_id));
    const sentryTraces = new Set((records.get('sentry_transaction') ?? []).map((r) => r.trace_id));
    const both = [...sentryTraces].filter((t) => gatewayTraces.has(t) && serviceTraces.has(t));
    expect(both.length).toBeGreaterThan(50);
  });

  it('raises error lines in the window of an incident and labels them with its id', () => {
    const quietWorld = makeWorld({ incidentsPerDay: 0 });
    const at = T0 + 5 * MINUTE;
    const busyWorld = makeWorld({ incidentsPerDay: 0, placed: [{ type: 'db_pool_exhaustion', at, target: 'order-service' }] });
    const errorsIn = (world: typeof quietWorld) => {
      const chunks = runRange(world, T0, T0 + HOUR);
      let errors = 0;
      let labelled = 0;
      for (const c of chunks) {
        const recs = c.records.get('kubernetes_log') ?? [];
        const labs = c.labels.get('kubernetes_log') ?? [];
        recs.forEach((r: FileRecord, i) => {
          if (r.service === 'order-service' && /ERROR|"level":"ERROR"/.test((r.body as { log: string }).log)) {
            errors++;
            if (labs[i]!.incident_id) labelled++;
          }
        });
      }
      return { errors, labelled };
    };
    const quiet = errorsIn(quietWorld);
    const busy = errorsIn(busyWorld);
    expect(busy.errors).toBeGreaterThan(quiet.errors * 3 + 10);
    expect(busy.labelled / busy.errors).toBeGreaterThan(0.5);
    expect(quiet.labelled).toBe(0);
  });

  it('shows each incident in at least three sources, and in all four where its signature says so', () => {
    const start = T0;
    const end = T0 + 6 * HOUR;
    const world = makeWorld({ start, end, incidentsPerDay: 0, placed: world0Spread(start, end) });
    const seen = new Map<string, Set<string>>();
    for (let t = start; t < end; t += 10 * MINUTE) {
      const c = runWindow(world, t, t + 10 * MINUTE);
      for (const [id, perSource] of Object.entries(c.output.incidentStats)) {
        const s = seen.get(id) ?? new Set<string>();
        for (const src of Object.keys(perSource)) s.add(src);
        seen.set(id, s);
      }
    }
    const incidents = world.incidentsOfRun();
    expect(incidents).toHaveLength(12);
    for (const i of incidents) {
      const sources = seen.get(i.id) ?? new Set();
      expect(sources.size, `${i.type} (${i.id}) showed in ${[...sources].join(', ')}`).toBeGreaterThanOrEqual(3);
      const promised = (['kubernetes', 'sentry', 'cloudwatch', 'grafana'] as const).filter((s) => i.signature[s].length > 0);
      for (const s of promised) expect(sources.has(s), `${i.type} promised ${s}`).toBe(true);
    }
  });
});

/** sha256 of each kind's records and labels (comparing megabytes with toEqual is slow). */
function digests(out: ChunkOutput): string[] {
  return out.kinds.flatMap((k) => [k.kind, createHash('sha256').update(k.records).digest('hex'), createHash('sha256').update(k.labels).digest('hex')]);
}

function world0Spread(start: number, end: number) {
  return makeWorld({ start, end }).planner.spreadAllTypes({ start, end });
}


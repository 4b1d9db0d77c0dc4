// The label of one (window, entity) row: which incident is active there, by incidents.json's
// affected targets shifted by their propagation delay, or by the incidents the window's records
// are labelled with; the one closest to its root wins.
import { describe, expect, it } from 'vitest';
import type { GroundTruthIncident } from '../../../src/export/dataset-input.js';
import { windowLabel } from '../../../src/export/windows.js';

const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 24, 14, 0, 0);

function incident(id: string, type: string, rootCause: string, onsetMin: number, endMin: number, affected: Array<[target: string, hops: number, delayMin: number, weight?: number]>): GroundTruthIncident {
  const onset = T0 + onsetMin * MIN;
  const end = T0 + endMin * MIN;
  // Peak a third of the way in, recovery from two thirds.
  return {
    id,
    type,
    rootCause,
    onset,
    peak: onset + (end - onset) / 3,
    recoveryStart: onset + ((end - onset) * 2) / 3,
    end,
    affected: affected.map(([target, hops, delayMin, weight]) => ({ target, hops, delayMs: delayMin * MIN, weight: weight ?? 1 / (hops + 1) })),
  };
}

const leak = incident('inc-1', 'memory_leak', 'order-service', 10, 40, [
  ['order-service', 0, 0],
  ['api-gateway', 1, 2],
]);
const pool = incident('inc-2', 'db_pool_exhaustion', 'payment-service', 20, 30, [
  ['payment-service', 0, 0],
  ['order-service', 1, 1],
  ['api-gateway', 2, 3],
]);
const win = (fromMin: number, toMin = fromMin + 1) => [T0 + fromMin * MIN, T0 + toMin * MIN] as const;

describe('windowLabel', () => {
  it('is normal before onset, after the end and at entities the incident does not reach', () => {
    expect(windowLabel([leak], 'order-service', ...win(9)).label).toBe('normal');
    expect(windowLabel([leak], 'order-service', ...win(40)).label).toBe('normal');
    expect(windowLabel([leak], 'user-service', ...win(20)).label).toBe('normal');
    const n = windowLabel([leak], 'order-service', ...win(5));
    expect([n.phase, n.incidentId, n.rootCause, n.hops, n.active]).toEqual([null, null, null, null, '']);
  });

  it('labels the root cause from onset with the type, id, root cause and hop 0', () => {
    const l = windowLabel([leak], 'order-service', ...win(10));
    expect(l).toMatchObject({ label: 'memory_leak', incidentId: 'inc-1', rootCause: 'order-service', hops: 0, phase: 'onset', active: 'inc-1' });
  });

  it('shifts a caller by its propagation delay, the end included', () => {
    // api-gateway is reached 2 minutes later: [12, 42).
    expect(windowLabel([leak], 'api-gateway', ...win(11)).label).toBe('normal');
    expect(windowLabel([leak], 'api-gateway', ...win(12))).toMatchObject({ label: 'memory_leak', hops: 1, rootCause: 'order-service' });
    expect(windowLabel([leak], 'api-gateway', ...win(41)).label).toBe('memory_leak');
    expect(windowLabel([leak], 'api-gateway', ...win(42)).label).toBe('normal');
  });

  it('gives the phase at the middle of the covered part, in the root cause time', () => {
    // leak: onset 10, peak 20, recovery 30, end 40.
    expect(windowLabel([leak], 'order-service', ...win(15)).phase).toBe('onset');
    expect(windowLabel([leak], 'order-service', ...win(25)).phase).toBe('peak');
    expect(windowLabel([leak], 'order-service', ...win(35)).phase).toBe('recovery');
    // At the caller, minute 27 is minute 25 of the root: peak; minute 33 is 31: recovery.
    expect(windowLabel([leak], 'api-gateway', ...win(27)).phase).toBe('peak');
    expect(windowLabel([leak], 'api-gateway', ...win(33)).phase).toBe('recovery');
  });

  it('prefers the incident closest to its root and lists every active one', () => {
    // order-service is the root of the leak and one hop from the pool exhaustion.
    expect(windowLabel([pool, leak], 'order-service', ...win(25))).toMatchObject({ incidentId: 'inc-1', hops: 0, active: 'inc-1;inc-2' });
    // api-gateway: one hop from the leak, two from the pool exhaustion.
    expect(windowLabel([pool, leak], 'api-gateway', ...win(25))).toMatchObject({ incidentId: 'inc-1', hops: 1, active: 'inc-1;inc-2' });
    // payment-service: only the pool exhaustion.
    expect(windowLabel([pool, leak], 'payment-service', ...win(25))).toMatchObject({ incidentId: 'inc-2', rootCause: 'payment-service', hops: 0, active: 'inc-2' });
  });

  it('labels an entity the call graph does not list from its records, after any listed incident', () => {
    const seen = new Map([['inc-2', 4]]);
    expect(windowLabel([pool, leak], 'postgres', ...win(25), seen)).toMatchObject({ label: 'db_pool_exhaustion', incidentId: 'inc-2', rootCause: 'payment-service', hops: null, active: 'inc-2' });
    // A listed incident wins over one known from records only.
    expect(windowLabel([pool, leak], 'order-service', ...win(12), new Map([['inc-2', 50]]))).toMatchObject({ incidentId: 'inc-1', hops: 0, active: 'inc-1;inc-2' });
    // Among incidents known from records only, the one with most records.
    expect(windowLabel([pool, leak], 'postgres', ...win(25), new Map([['inc-1', 1], ['inc-2', 3]]))).toMatchObject({ incidentId: 'inc-2', active: 'inc-1;inc-2' });
    // Records naming no incident of incidents.json change nothing.
    expect(windowLabel([pool, leak], 'postgres', ...win(25), new Map([['inc-9', 7]])).label).toBe('normal');
  });
});

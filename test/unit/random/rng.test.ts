import { describe, expect, it } from 'vitest';
import { deriveSeed, hashUnit, Rng, smoothNoise } from '../../../src/random/rng.js';

describe('Rng', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const xs = Array.from({ length: 5 }, () => a.nextUint32());
    expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.nextUint32())).not.toEqual(xs);
  });

  it('derives independent streams by name', () => {
    expect(deriveSeed(1, 'chunk', 1000, 'requests')).not.toBe(deriveSeed(1, 'chunk', 1000, 'sentry'));
    expect(deriveSeed(1, 'chunk', 1000, 'requests')).toBe(deriveSeed(1, 'chunk', 1000, 'requests'));
  });

  it('draws uniform floats, normals and Poisson counts with the right moments', () => {
    const r = new Rng(7);
    const n = 20000;
    let sum = 0;
    let sumN = 0;
    let sumN2 = 0;
    let sumP = 0;
    for (let i = 0; i < n; i++) {
      const u = r.next();
      expect(u).toBeGreaterThanOrEqual(0);
      expect(u).toBeLessThan(1);
      sum += u;
      const z = r.normal();
      sumN += z;
      sumN2 += z * z;
      sumP += r.poisson(3.5);
    }
    expect(sum / n).toBeCloseTo(0.5, 1);
    expect(sumN / n).toBeCloseTo(0, 1);
    expect(sumN2 / n).toBeCloseTo(1, 1);
    expect(sumP / n).toBeCloseTo(3.5, 1);
  });

  it('makes ids of the right shape', () => {
    const r = new Rng(1);
    expect(r.hex(16)).toMatch(/^[0-9a-f]{32}$/);
    expect(r.hex(8)).toMatch(/^[0-9a-f]{16}$/);
    expect(r.uuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('hash noise is a pure function of its key and stays in range', () => {
    expect(hashUnit(5, 1_700_000_000_000)).toBe(hashUnit(5, 1_700_000_000_000));
    expect(hashUnit(5, 1_700_000_000_000)).not.toBe(hashUnit(5, 1_700_000_060_000));
    for (let t = 0; t < 1e6; t += 7919) {
      const v = smoothNoise(3, t, 60_000);
      expect(v).toBeGreaterThanOrEqual(-1);
      expect(v).toBeLessThanOrEqual(1);
    }
  });
});

// One CloudWatch time series (namespace, metric name, dimensions, unit) and how its value is
// made: a clean model value from a Snap, then noise that is a pure function of (series, time),
// so any window (and the alarm evaluator re-reading the past) sees the same datapoint.
import type { StandardUnit } from '@aws-sdk/client-cloudwatch';
import type { IncidentActivity } from '../../model/incident.js';
import { hashNormal, hashString, hashUnit, smoothNoise } from '../../random/rng.js';
import { MINUTE } from '../../time/calendar.js';
import type { LatencySummary, Snap } from './model.js';

/** A period's population statistics, in the series' unit. */
export interface StatSample {
  readonly count: number;
  readonly mean: number;
  readonly min: number;
  readonly max: number;
  readonly p99: number;
}

export type Sample = number | StatSample;

export type NoiseKind = 'count' | 'gauge' | 'level' | 'none';

export interface SeriesSpec {
  readonly namespace: string;
  readonly metricName: string;
  /** Dimension name/value pairs, in the order the service publishes them. */
  readonly dimensions: ReadonlyArray<readonly [string, string]>;
  readonly unit: StandardUnit;
  /** The resource the record is about (service name, ALB, DB instance, cache node, bucket). */
  readonly resource: string;
  /** Services and datastores whose incidents can move this series. */
  readonly targets: readonly string[];
  /** Clean value for the period [T, T + periodSec) from a snap of its middle. */
  readonly model: (snap: Snap, periodSec: number) => Sample | undefined;
  /** count: Poisson counts; gauge: relative wander; level: gauge rounded to integers. */
  readonly noise?: NoiseKind;
  /** Relative amplitude of gauge noise. */
  readonly jitter?: number;
  readonly decimals?: number;
  readonly max?: number;
  /** Not published when zero (ALB error counts). */
  readonly sparse?: boolean;
  /** Published once a day at 00:00 UTC (S3 storage metrics). */
  readonly daily?: boolean;
  /** How far from the incident-free value a datapoint must be to count as moved. */
  readonly visibleRel?: number;
  readonly visibleAbs?: number;
  /** Share noise with another series (same quantity published under other dimensions). */
  readonly noiseKey?: string;
}

export interface Series extends SeriesSpec {
  readonly key: string;
  readonly hash: number;
  readonly dims: Array<{ Name: string; Value: string }>;
  readonly noise: NoiseKind;
  readonly decimals: number;
}

export interface Point {
  readonly value?: number;
  readonly stats?: { SampleCount: number; Sum: number; Minimum: number; Maximum: number };
  /** p99 of the period, for ExtendedStatistic alarms (not published: StatisticValues cannot carry it). */
  readonly p99?: number;
}

const DEFAULT_DECIMALS: Partial<Record<StandardUnit, number>> = {
  Count: 0,
  Bytes: 0,
  'Bytes/Second': 1,
  'Count/Second': 3,
  Percent: 3,
  Seconds: 6,
  Milliseconds: 3,
};

export function defineSeries(spec: SeriesSpec): Series {
  const key = `${spec.namespace}|${spec.metricName}|${spec.dimensions.map(([k, v]) => `${k}=${v}`).join(',')}`;
  const noise = spec.noise ?? (spec.unit === 'Count' ? 'count' : 'gauge');
  return {
    ...spec,
    key,
    hash: hashString(spec.noiseKey ?? key),
    dims: spec.dimensions.map(([Name, Value]) => ({ Name, Value })),
    noise,
    decimals: spec.decimals ?? DEFAULT_DECIMALS[spec.unit] ?? 3,
  };
}

/** A Poisson count whose randomness is the uniform u (inverse CDF; normal z beyond mean 30). */
export function poissonOf(mean: number, u: number, z: number): number {
  if (mean <= 0) return 0;
  if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * z));
  let k = 0;
  let p = Math.exp(-mean);
  let cdf = p;
  while (cdf < u && k < 200) {
    k++;
    p *= mean / k;
    cdf += p;
  }
  return k;
}

function round(v: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(v * f) / f;
}

/** The datapoint of a series for the period starting at T (undefined: nothing published). */
export function pointOf(series: Series, clean: Sample | undefined, T: number): Point | undefined {
  if (clean === undefined) return undefined;
  const idx = Math.floor(T / 1000);
  const h = series.hash;
  if (typeof clean === 'number') {
    let v: number;
    switch (series.noise) {
      case 'count':
        v = poissonOf(clean, hashUnit(h, idx, 1), hashNormal(h, idx, 2));
        break;
      case 'none':
        v = clean;
        break;
      default: {
        const wander = 0.65 * smoothNoise(h, T, 11 * MINUTE) + 0.35 * (hashNormal(h, idx) / 1.7);
        v = clean * (1 + (series.jitter ?? 0.03) * wander);
        if (series.noise === 'level') v = Math.round(v);
      }
    }
    v = Math.max(0, series.max !== undefined ? Math.min(series.max, v) : v);
    v = round(v, series.decimals);
    if (series.sparse && v === 0) return undefined;
    return { value: v };
  }
  // Request populations vary by Poisson; a population of pods is what it is.
  const count = series.noise === 'count' ? poissonOf(clean.count, hashUnit(h, idx, 1), hashNormal(h, idx, 2)) : Math.round(clean.count);
  if (count <= 0) return undefined;
  const jitter = series.noise === 'none' ? 0 : 1;
  const drift = 1 + jitter * 0.03 * (hashNormal(h, idx, 3) / 1.7);
  const cap = series.max ?? Infinity;
  const mean = Math.min(cap, clean.mean * drift);
  const d = series.decimals;
  const f = 10 ** d;
  if (count === 1) {
    const v = round(mean, d);
    return { stats: { SampleCount: 1, Sum: v, Minimum: v, Maximum: v }, p99: v };
  }
  // Floor the minimum and ceil the maximum so rounding never breaks Minimum <= mean <= Maximum.
  const min = Math.floor(Math.min(mean, clean.min * (1 + jitter * 0.08 * (hashNormal(h, idx, 4) / 1.7))) * f + 1e-9) / f;
  const max = Math.min(cap, Math.ceil(Math.max(mean, clean.max * (1 + jitter * 0.1 * (hashNormal(h, idx, 5) / 1.7))) * f - 1e-9) / f);
  const sum = Math.min(max * count, Math.max(min * count, round(mean * count, d)));
  return { stats: { SampleCount: count, Sum: sum, Minimum: min, Maximum: max }, p99: Math.min(max, Math.max(min, round(clean.p99 * drift, d))) };
}

/** Population statistics of per-member values (pods of a service). */
export function statsOf(values: readonly number[]): StatSample | undefined {
  if (values.length === 0) return undefined;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { count: values.length, mean: sum / values.length, min, max, p99: max };
}

/** Whether an incident moved the clean value visibly away from what an ordinary day had. */
export function moved(series: Series, actual: Sample | undefined, baseline: Sample | undefined): boolean {
  if (actual === undefined || baseline === undefined) return actual !== baseline;
  const rel = series.visibleRel ?? 0.1;
  const abs = series.visibleAbs ?? 0;
  const far = (a: number, b: number, r: number, counts: boolean): boolean =>
    Math.abs(a - b) > Math.max(r * Math.abs(b), abs, counts ? 3 * Math.sqrt(Math.abs(b)) + 1 : 0);
  const meanOf = (x: Sample): number => (typeof x === 'number' ? x : x.mean);
  if (typeof actual === 'number' || typeof baseline === 'number') return far(meanOf(actual), meanOf(baseline), rel, series.noise === 'count');
  return far(actual.mean, baseline.mean, Math.max(rel, 0.15), false) || far(actual.p99, baseline.p99, Math.max(rel, 0.2), false) || far(actual.count, baseline.count, Math.max(rel, 0.2), true);
}

/** The strongest incident activity at any of the series' targets. */
export function strongest(series: Series, snap: Snap): IncidentActivity | undefined {
  return snap.strongest(series.targets);
}

/** A period's latency statistics from a latency summary (ms), scaled to the series' unit. */
export function latencySample(l: LatencySummary, count: number, scale: number): StatSample | undefined {
  if (!(count > 0)) return undefined;
  return { count, mean: l.meanMs * scale, p99: l.p99Ms * scale, min: l.minMs * scale, max: l.maxMs * scale };
}

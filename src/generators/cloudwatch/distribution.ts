// Latency of a population of requests as a mixture of log-normal components (one per endpoint),
// each with a share of timeouts that add a few seconds. Metrics need its mean, its p99 (for
// ExtendedStatistic alarms) and the extremes a period's sample would show (Minimum, Maximum).

export interface LatencyComponent {
  /** Share of the population (any scale; normalised when used). */
  readonly weight: number;
  /** Mean duration without timeouts, ms. */
  readonly meanMs: number;
  readonly sigma: number;
  /** Share of this component's requests that wait out a timeout. */
  readonly timeout: number;
  /** Extra wait of a timeout: uniform in [lo, hi] ms. */
  readonly timeoutLoMs: number;
  readonly timeoutHiMs: number;
}

/** Standard normal CDF (Abramowitz-Stegun 7.1.26 on erf, |error| < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + y) : 0.5 * (1 - y);
}

/** Mean of a log-normal from its median and sigma. */
export function lnMean(medianMs: number, sigma: number): number {
  return medianMs * Math.exp((sigma * sigma) / 2);
}

/** The q-quantile (0 < q < 1) of the mixture, ms. */
export function quantile(components: readonly LatencyComponent[], q: number): number {
  // Flatten once: the bisection evaluates the CDF a couple of dozen times.
  const n = components.length;
  const w = new Float64Array(n);
  const lnMed = new Float64Array(n);
  const inv = new Float64Array(n);
  let total = 0;
  let lo = Infinity;
  let hi = 0;
  for (let i = 0; i < n; i++) {
    const c = components[i]!;
    if (c.weight <= 0 || !(c.meanMs > 0)) continue;
    w[i] = c.weight;
    total += c.weight;
    lnMed[i] = Math.log(c.meanMs) - (c.sigma * c.sigma) / 2;
    inv[i] = 1 / c.sigma;
    lo = Math.min(lo, lnMed[i]! - 6 * c.sigma);
    hi = Math.max(hi, lnMed[i]! + 6 * c.sigma, c.timeout > 0 ? Math.log(c.meanMs + c.timeoutHiMs) : 0);
  }
  if (total <= 0) return 0;
  const cdf = (x: number): number => {
    const lx = Math.log(x);
    let p = 0;
    for (let i = 0; i < n; i++) {
      if (w[i] === 0) continue;
      const c = components[i]!;
      const body = normalCdf((lx - lnMed[i]!) * inv[i]!);
      if (c.timeout <= 0) {
        p += w[i]! * body;
        continue;
      }
      // A timed-out request takes its usual time plus the wait; approximate its usual time by the mean.
      const span = c.timeoutHiMs - c.timeoutLoMs;
      const waited = span > 0 ? Math.min(1, Math.max(0, (x - c.meanMs - c.timeoutLoMs) / span)) : x >= c.meanMs + c.timeoutLoMs ? 1 : 0;
      p += w[i]! * ((1 - c.timeout) * body + c.timeout * waited);
    }
    return p / total;
  };
  // Bisection on log(x): the CDF is monotone; 26 halvings of the bracket are well below noise.
  for (let i = 0; i < 26; i++) {
    const mid = (lo + hi) / 2;
    if (cdf(Math.exp(mid)) < q) lo = mid;
    else hi = mid;
  }
  return Math.exp((lo + hi) / 2);
}

/** Mean of the mixture, ms. */
export function mixtureMean(components: readonly LatencyComponent[]): number {
  let total = 0;
  let sum = 0;
  for (const c of components) {
    if (c.weight <= 0) continue;
    total += c.weight;
    sum += c.weight * (c.meanMs + c.timeout * (c.timeoutLoMs + c.timeoutHiMs) / 2);
  }
  return total > 0 ? sum / total : 0;
}

/** Inverse standard normal CDF (Acklam's rational approximation, relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const q = Math.min(1 - 1e-12, Math.max(1e-12, p));
  if (q < 0.02425) {
    const r = Math.sqrt(-2 * Math.log(q));
    return (((((c[0]! * r + c[1]!) * r + c[2]!) * r + c[3]!) * r + c[4]!) * r + c[5]!) / ((((d[0]! * r + d[1]!) * r + d[2]!) * r + d[3]!) * r + 1);
  }
  if (q > 1 - 0.02425) return -normalQuantile(1 - q);
  const r = q - 0.5;
  const s = r * r;
  return ((((((a[0]! * s + a[1]!) * s + a[2]!) * s + a[3]!) * s + a[4]!) * s + a[5]!) * r) / (((((b[0]! * s + b[1]!) * s + b[2]!) * s + b[3]!) * s + b[4]!) * s + 1);
}

/**
 * The smallest and largest of n draws from the mixture, approximately: each component's own
 * extreme quantile for the number of draws it gets (cheap; exact enough for Minimum/Maximum).
 */
export function extremes(components: readonly LatencyComponent[], n: number): { min: number; max: number } {
  let total = 0;
  for (const c of components) total += Math.max(0, c.weight);
  let min = Infinity;
  let max = 0;
  for (const c of components) {
    if (c.weight <= 0 || !(c.meanMs > 0)) continue;
    const draws = (n * c.weight) / total;
    if (draws < 0.5) continue;
    const z = normalQuantile(1 - 0.5 / draws);
    const median = c.meanMs / Math.exp((c.sigma * c.sigma) / 2);
    min = Math.min(min, median * Math.exp(-z * c.sigma));
    max = Math.max(max, median * Math.exp(z * c.sigma));
    if (c.timeout * draws >= 0.5) max = Math.max(max, c.meanMs + c.timeoutHiMs * Math.min(1, 0.5 + c.timeout * draws * 0.1));
  }
  return min === Infinity ? { min: 0, max: 0 } : { min, max };
}

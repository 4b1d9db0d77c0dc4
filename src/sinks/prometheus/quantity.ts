// Kubernetes resource quantities ("253m", "122116163n", "131209Ki", "1.5Gi", "1e3") as numbers.

const SUFFIX: Readonly<Record<string, number>> = {
  '': 1,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
  Pi: 1024 ** 5,
  Ei: 1024 ** 6,
};

/** The quantity's value in base units (cores, bytes); NaN when it is not a quantity. */
export function parseQuantity(q: string): number {
  const m = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:[eE]([+-]?\d+))?([a-zA-Z]*)$/.exec(q.trim());
  if (!m) return Number.NaN;
  const factor = SUFFIX[m[3]!];
  if (factor === undefined || (m[2] !== undefined && m[3] !== '')) return Number.NaN;
  const value = Number(m[1]) * (m[2] !== undefined ? 10 ** Number(m[2]) : 1);
  // n and m suffixes: divide instead of multiplying by a fraction, to keep integers exact.
  if (factor < 1) return value / Math.round(1 / factor);
  return value * factor;
}

// Durations the way Prometheus writes them (`1h30m`, `90s`, `0m`), for rule files, --grace and
// the expect file, and back again for reports.

const UNITS: ReadonlyArray<readonly [string, number]> = [
  ['y', 365 * 24 * 3600_000],
  ['w', 7 * 24 * 3600_000],
  ['d', 24 * 3600_000],
  ['h', 3600_000],
  ['m', 60_000],
  ['s', 1000],
  ['ms', 1],
];

// Prometheus' model.ParseDuration: units from largest to smallest, each at most once, integers.
const PATTERN = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;

/** Milliseconds, or undefined when `text` is not a Prometheus duration. `0` alone is allowed. */
export function parsePromDuration(text: string): number | undefined {
  const s = text.trim();
  if (s === '0') return 0;
  if (s === '') return undefined;
  const m = PATTERN.exec(s);
  if (!m) return undefined;
  let total = 0;
  UNITS.forEach(([, ms], i) => {
    const n = m[i + 1];
    if (n !== undefined) total += Number(n) * ms;
  });
  return total;
}

export const DURATION_HINT = 'a duration like 30s, 10m, 1h30m (units ms, s, m, h, d, w, y)';

/** `1h5m`, `45s`, `0s` (rounded to the second); milliseconds only when below a second. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(Math.round(ms));
  if (rest < 1000) return `${sign}${rest}ms`;
  rest = Math.round(rest / 1000) * 1000; // reports round to the second
  let out = '';
  for (const [unit, size] of UNITS.slice(2, 6)) {
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return sign + out;
}

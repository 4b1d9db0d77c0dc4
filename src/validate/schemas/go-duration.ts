// Go's time.Duration text: parsing what time.ParseDuration accepts, and printing it the way
// Duration.String() does ("1m0s", "20.048s", "500ms"). metav1.Duration fields such as a
// PodMetrics window are serialised with String(), so anything else did not come from Go.

const UNIT_NS: Readonly<Record<string, number>> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** Nanoseconds, or undefined when the text is not a Go duration. */
export function parseGoDuration(text: string): number | undefined {
  if (!/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(text)) return undefined;
  let ns = 0;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) ns += Number(m[1]) * UNIT_NS[m[2]!]!;
  return Math.round(ns);
}

/** Duration.String() for a non-negative whole number of nanoseconds. */
export function formatGoDuration(ns: number): string {
  if (ns === 0) return '0s';
  if (ns < 1e9) {
    // Sub-second: the largest unit that keeps an integer part (ns, µs, ms), trailing zeros dropped.
    const [unit, size] = ns < 1e3 ? ['ns', 1] : ns < 1e6 ? ['µs', 1e3] : ['ms', 1e6];
    return `${trimFraction(ns, size as number)}${unit}`;
  }
  const hours = Math.floor(ns / 3600e9);
  const minutes = Math.floor((ns % 3600e9) / 60e9);
  const secondsNs = ns % 60e9;
  const seconds = `${trimFraction(secondsNs, 1e9)}s`;
  if (hours > 0) return `${hours}h${minutes}m${seconds}`;
  if (minutes > 0) return `${minutes}m${seconds}`;
  return seconds;
}

function trimFraction(value: number, size: number): string {
  const whole = Math.floor(value / size);
  const frac = value % size;
  if (frac === 0) return String(whole);
  const digits = String(size).length - 1;
  return `${whole}.${String(frac).padStart(digits, '0').replace(/0+$/, '')}`;
}

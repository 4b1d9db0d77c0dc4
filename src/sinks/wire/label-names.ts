// Prometheus naming rules, shared by the Prometheus and Loki sinks (Loki stream labels follow
// Prometheus' label rules): label names [a-zA-Z_][a-zA-Z0-9_]*, metric names
// [a-zA-Z_:][a-zA-Z0-9_:]*. Anything else is replaced by "_", and a leading digit gets one in
// front, the way Prometheus' own relabelling and most exporters sanitise.

export const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
export const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/** A valid Prometheus label name made from any string. */
export function sanitizeLabelName(name: string): string {
  if (LABEL_NAME.test(name)) return name;
  const out = name.replace(/[^a-zA-Z0-9_]/g, '_');
  return out === '' ? '_' : /^[0-9]/.test(out) ? `_${out}` : out;
}

/** A valid Prometheus metric name made from any string (colons are allowed). */
export function sanitizeMetricName(name: string): string {
  if (METRIC_NAME.test(name)) return name;
  const out = name.replace(/[^a-zA-Z0-9_:]/g, '_');
  return out === '' ? '_' : /^[0-9]/.test(out) ? `_${out}` : out;
}

export type LabelPairs = Array<readonly [string, string]>;

/**
 * Label pairs ready for the wire: names sanitised, empty values dropped (Prometheus and Loki
 * treat an empty label as absent), sorted by name, and no name twice (two names that sanitise
 * alike, like "a.b" and "a_b", keep the first in the input's order).
 */
export function normalizeLabels(labels: Iterable<readonly [string, string]>, metricName?: string): LabelPairs {
  const out = new Map<string, string>();
  if (metricName !== undefined) out.set('__name__', sanitizeMetricName(metricName));
  for (const [rawName, value] of labels) {
    if (value === '' || rawName === '__name__') continue;
    const name = sanitizeLabelName(rawName);
    if (!out.has(name)) out.set(name, value);
  }
  return [...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * The label set as Prometheus and Loki print it: {a="x", b="y"}, names sorted, values quoted
 * (JSON's escapes are also valid Go string escapes, which both parsers read).
 */
export function labelsString(pairs: LabelPairs): string {
  let out = '{';
  for (let i = 0; i < pairs.length; i++) {
    const [name, value] = pairs[i]!;
    if (i > 0) out += ', ';
    out += `${name}=${JSON.stringify(value)}`;
  }
  return `${out}}`;
}

/** Parses a label set printed as {a="x", b="y"} (the form servers quote in error messages). */
export function parseLabelsString(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const re = /([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    let value = m[2]!;
    try {
      value = JSON.parse(`"${value}"`) as string;
    } catch {
      // A Go escape JSON does not know (\x41, \a): keep the text as printed.
    }
    out.set(m[1]!, value);
  }
  return out;
}

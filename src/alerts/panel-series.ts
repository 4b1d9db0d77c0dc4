// A dataset's metric series: the Grafana panel series records (`grafana_series`, one
// Prometheus-style sample per line: {metric: {__name__, ...labels}, value: [unix secs, "text"]}),
// gathered per series in time order, duplicates dropped. Shared by `obsynth alerts test` and
// scripts/promtool-series.mjs (through dist/).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../config/errors.js';
import { MANIFEST } from '../sinks/file/dataset-layout.js';
import { listFiles, parseDataPath } from '../validate/dataset-plan.js';
import { LineReader } from '../validate/line-reader.js';

export interface SeriesSamples {
  readonly name: string;
  /** Every label, `__name__` included. */
  readonly labels: Readonly<Record<string, string>>;
  /** Unix seconds, ascending, distinct. */
  readonly times: number[];
  /** The values as obsynth wrote them (Prometheus float text), same order. */
  readonly values: string[];
}

export interface ReadSeriesOptions {
  /** Keep only these metric names (all when undefined). */
  readonly names?: ReadonlySet<string>;
  /** Called after each file with the samples read so far. */
  readonly onFile?: (file: string, samples: number) => void;
}

export interface PanelSeries {
  /** By series key (`name{a="1",b="2"}`, labels sorted). */
  readonly series: Map<string, SeriesSamples>;
  readonly files: readonly string[];
  /** Sample lines read (before dropping duplicates). */
  readonly samples: number;
  /** Lines that were the same series and time as an earlier one. */
  readonly duplicates: number;
}

/** `name{a="x",b="y"}` with the labels sorted: one key per series. */
export function seriesKey(metric: Readonly<Record<string, string>>): string {
  const name = metric.__name__ ?? '';
  const body = Object.keys(metric)
    .filter((k) => k !== '__name__')
    .sort()
    .map((k) => `${k}=${JSON.stringify(metric[k])}`)
    .join(',');
  return `${name}{${body}}`;
}

/** The panel series files of a dataset, relative to it, in day order (from the manifest, else the disk). */
export function panelSeriesFiles(dir: string): string[] {
  let listed: string[] | undefined;
  const manifestPath = join(dir, MANIFEST);
  if (existsSync(manifestPath)) {
    try {
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { files?: Array<{ path?: unknown; kind?: unknown; role?: unknown }> };
      listed = (manifest.files ?? []).filter((f) => f.kind === 'grafana_series' && f.role === 'records' && typeof f.path === 'string').map((f) => f.path as string);
    } catch {
      listed = undefined;
    }
  }
  const onDisk = listFiles(dir).filter((p) => {
    const d = parseDataPath(p);
    return d?.kind === 'grafana_series' && d.role === 'records';
  });
  const files = listed && listed.length > 0 ? listed.filter((p) => existsSync(join(dir, p))) : onDisk;
  return [...files].sort();
}

const FLOAT = /^[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|Inf|inf|NaN)$/;

/** Reads every panel series sample of the dataset. */
export async function readPanelSeries(dir: string, options: ReadSeriesOptions = {}): Promise<PanelSeries> {
  const files = panelSeriesFiles(dir);
  if (files.length === 0) {
    throw new UsageError(`${dir} has no Grafana panel series (grafana/panel_series.jsonl[.gz]): generate the dataset with the grafana source (--sources grafana or all)`);
  }
  const series = new Map<string, SeriesSamples>();
  let samples = 0;
  for (const rel of files) {
    const path = join(dir, rel);
    const reader = new LineReader(path, rel.endsWith('.gz'));
    try {
      for (let line = await reader.next(); line !== undefined; line = await reader.next()) {
        if (line === '') continue;
        const where = `${rel}:${reader.line}`;
        let record: { body?: { metric?: Record<string, string>; value?: [number, string] } };
        try {
          record = JSON.parse(line) as typeof record;
        } catch {
          throw new UsageError(`${join(dir, where)}: not a JSON line (run obsynth validate on the dataset)`);
        }
        const metric = record.body?.metric;
        const value = record.body?.value;
        if (!metric || typeof metric.__name__ !== 'string' || !Array.isArray(value) || typeof value[0] !== 'number' || typeof value[1] !== 'string' || !FLOAT.test(value[1])) {
          throw new UsageError(`${join(dir, where)}: not a panel series sample ({metric: {__name__, ...}, value: [unix seconds, "number"]}); run obsynth validate on the dataset`);
        }
        samples++;
        if (options.names && !options.names.has(metric.__name__)) continue;
        const key = seriesKey(metric);
        let s = series.get(key);
        if (!s) series.set(key, (s = { name: metric.__name__, labels: { ...metric }, times: [], values: [] }));
        s.times.push(value[0]);
        s.values.push(value[1]);
      }
      if (reader.error) throw new UsageError(`${path}: cannot be read after line ${reader.line}: ${reader.error.message} (run obsynth validate on the dataset)`);
    } finally {
      reader.close();
    }
    options.onFile?.(rel, samples);
  }
  let duplicates = 0;
  for (const s of series.values()) duplicates += sortAndDedupe(s);
  return { series, files, samples, duplicates };
}

/** Puts a series in time order (late arrivals) and keeps the first sample of each time; returns how many were dropped. */
export function sortAndDedupe(s: SeriesSamples): number {
  let sorted = true;
  for (let i = 1; i < s.times.length && sorted; i++) if (s.times[i]! < s.times[i - 1]!) sorted = false;
  if (!sorted) {
    const order = s.times.map((_, i) => i).sort((a, b) => s.times[a]! - s.times[b]! || a - b);
    const times = order.map((i) => s.times[i]!);
    const values = order.map((i) => s.values[i]!);
    for (let i = 0; i < order.length; i++) {
      s.times[i] = times[i]!;
      s.values[i] = values[i]!;
    }
  }
  let w = 0;
  for (let r = 0; r < s.times.length; r++) {
    if (w > 0 && s.times[r] === s.times[w - 1]) continue;
    s.times[w] = s.times[r]!;
    s.values[w] = s.values[r]!;
    w++;
  }
  const dropped = s.times.length - w;
  s.times.length = w;
  s.values.length = w;
  return dropped;
}

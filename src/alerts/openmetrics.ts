// Series -> OpenMetrics text, the input of `promtool tsdb create-blocks-from openmetrics`:
// one family after another (the format wants a family's samples together), each series in time
// order, timestamps in seconds, `# EOF` at the end (promtool refuses a file without it).
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { SeriesSamples } from './panel-series.js';

const escapeLabelValue = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/** `name{a="x",b="y"}` as OpenMetrics writes a sample's name and labels (labels sorted). */
export function openMetricsSeries(labels: Readonly<Record<string, string>>): string {
  const name = labels.__name__ ?? '';
  const body = Object.keys(labels)
    .filter((k) => k !== '__name__')
    .sort()
    .map((k) => `${k}="${escapeLabelValue(labels[k]!)}"`)
    .join(',');
  return body === '' ? name : `${name}{${body}}`;
}

/** OpenMetrics float text for a value as the dataset holds it (`Inf` -> `+Inf`). */
function omValue(v: string): string {
  if (/^[+]?(inf|Inf)$/.test(v)) return '+Inf';
  if (/^-(inf|Inf)$/.test(v)) return '-Inf';
  return v;
}

/** The whole text, for small inputs and tests. */
export function toOpenMetrics(series: Iterable<SeriesSamples>): string {
  const out: string[] = [];
  for (const chunk of openMetricsChunks(series)) out.push(chunk);
  return out.join('');
}

function* openMetricsChunks(series: Iterable<SeriesSamples>): Generator<string> {
  const byName = new Map<string, SeriesSamples[]>();
  for (const s of series) {
    let list = byName.get(s.name);
    if (!list) byName.set(s.name, (list = []));
    list.push(s);
  }
  for (const name of [...byName.keys()].sort()) {
    yield `# TYPE ${name} unknown\n`;
    const list = byName.get(name)!.map((s) => ({ s, head: openMetricsSeries(s.labels) })).sort((a, b) => (a.head < b.head ? -1 : a.head > b.head ? 1 : 0));
    for (const { s, head } of list) {
      let buf = '';
      for (let i = 0; i < s.times.length; i++) {
        buf += `${head} ${omValue(s.values[i]!)} ${s.times[i]}\n`;
        if (buf.length > 1 << 16) {
          yield buf;
          buf = '';
        }
      }
      if (buf !== '') yield buf;
    }
  }
  yield '# EOF\n';
}

/** Writes the file; returns the samples and bytes written. */
export async function writeOpenMetrics(path: string, series: Iterable<SeriesSamples>): Promise<{ samples: number; bytes: number }> {
  const list = [...series];
  const out = createWriteStream(path);
  const failed = once(out, 'error').then(([err]) => {
    throw err as Error;
  });
  failed.catch(() => undefined);
  try {
    for (const chunk of openMetricsChunks(list)) {
      if (!out.write(chunk)) await Promise.race([once(out, 'drain'), failed]);
    }
    out.end();
    await Promise.race([once(out, 'finish'), failed]);
  } finally {
    out.destroy();
  }
  return { samples: list.reduce((n, s) => n + s.times.length, 0), bytes: out.bytesWritten };
}

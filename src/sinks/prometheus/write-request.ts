// Records as remote-write samples, and samples as a WriteRequest (remote write 1.0):
//   WriteRequest { repeated TimeSeries timeseries = 1; }
//   TimeSeries   { repeated Label labels = 1; repeated Sample samples = 2; }
//   Label        { string name = 1; string value = 2; }
//   Sample       { double value = 1; int64 timestamp = 2; }   // timestamp in ms
// Labels are sorted by name (with __name__ among them) and each series' samples by time, as
// Prometheus requires; the body is snappy-compressed (block format).
import { compressSync } from 'snappy';
import type { RecordKind } from '../../model/record.js';
import type { Rejection, ReplayRecord } from '../sink.js';
import { labelsString, normalizeLabels, type LabelPairs } from '../wire/label-names.js';
import { cloudwatchSamples, nodeSamples, parsePromValue, podSamples, type SampleDraft } from './metric-names.js';
import { ProtobufWriter } from '../wire/protobuf-writer.js';

export const PROMETHEUS_KINDS = ['grafana_series', 'kubernetes_pod_metrics', 'kubernetes_node_metrics', 'cloudwatch_metric'] as const satisfies readonly RecordKind[];

export interface Series {
  readonly labels: LabelPairs;
  readonly key: string;
}

export interface PromSample {
  readonly seq: number;
  readonly series: Series;
  /** Epoch ms. */
  readonly timestamp: number;
  readonly value: number;
}

/** The samples of one record, with their (rebased) times. */
export function recordSamples(r: ReplayRecord): Array<SampleDraft & { timestamp: number }> {
  const rec = r.record;
  switch (rec.kind) {
    case 'grafana_series': {
      const { __name__: name, ...labels } = rec.body.metric;
      return [{ name, labels: Object.entries(labels), value: parsePromValue(rec.body.value[1]), timestamp: Math.round(rec.body.value[0] * 1000) + r.shiftMs }];
    }
    case 'kubernetes_pod_metrics':
      return podSamples(rec.body, rec.service).map((s) => ({ ...s, timestamp: r.time }));
    case 'kubernetes_node_metrics':
      return nodeSamples(rec.body).map((s) => ({ ...s, timestamp: r.time }));
    case 'cloudwatch_metric':
      return cloudwatchSamples(rec.body).map((s) => {
        const at = s.timestamp ? Date.parse(s.timestamp) : Number.NaN;
        return { ...s, timestamp: Number.isFinite(at) ? at + r.shiftMs : r.time };
      });
    default:
      return [];
  }
}

export interface BuiltSamples {
  readonly samples: PromSample[];
  /** Records refused before sending (a second, different value for a series at the same time). */
  readonly rejected: Rejection[];
}

/**
 * The batch's samples, labels normalised (extra labels added unless the series has them). Two
 * samples of one series at one time: the same value is sent once; a different value is refused
 * here, as Prometheus would ("duplicate sample for timestamp").
 */
export function buildSamples(batch: readonly ReplayRecord[], extraLabels: ReadonlyArray<readonly [string, string]>): BuiltSamples {
  const seriesByRaw = new Map<string, Series>();
  const seen = new Map<Series, Map<number, number>>();
  const samples: PromSample[] = [];
  const rejected = new Map<number, string>();
  for (const r of batch) {
    for (const d of recordSamples(r)) {
      const raw = `${d.name}\u0002${d.labels.map(([k, v]) => `${k}\u0000${v}`).join('\u0001')}`;
      let series = seriesByRaw.get(raw);
      if (!series) {
        const labels = normalizeLabels([...d.labels, ...extraLabels], d.name);
        series = { labels, key: labelsString(labels) };
        seriesByRaw.set(raw, series);
      }
      let times = seen.get(series);
      if (!times) seen.set(series, (times = new Map()));
      const before = times.get(d.timestamp);
      if (before !== undefined) {
        if (!Object.is(before, d.value) && !(Number.isNaN(before) && Number.isNaN(d.value))) {
          rejected.set(r.seq, 'prometheus: duplicate sample for timestamp (another record of this batch has this series and time)');
        }
        continue;
      }
      times.set(d.timestamp, d.value);
      samples.push({ seq: r.seq, series, timestamp: d.timestamp, value: d.value });
    }
  }
  return { samples, rejected: [...rejected].map(([seq, reason]) => ({ seq, reason })) };
}

/** WriteRequest bytes for these samples: grouped by series, each series' samples by time. */
export function encodeWriteRequest(samples: readonly PromSample[], writer = new ProtobufWriter()): Buffer {
  return Buffer.from(writeWriteRequest(samples, writer));
}

function writeWriteRequest(samples: readonly PromSample[], writer: ProtobufWriter): Buffer {
  const bySeries = new Map<Series, PromSample[]>();
  for (const s of samples) {
    const list = bySeries.get(s.series);
    if (list) list.push(s);
    else bySeries.set(s.series, [s]);
  }
  writer.reset();
  for (const [series, list] of bySeries) {
    if (list.length > 1) list.sort((a, b) => a.timestamp - b.timestamp);
    const ts = writer.begin(1);
    for (const [name, value] of series.labels) {
      const label = writer.begin(1);
      writer.string(1, name);
      writer.string(2, value);
      writer.end(label);
    }
    for (const s of list) {
      const sample = writer.begin(2);
      writer.double(1, s.value);
      writer.uint(2, s.timestamp);
      writer.end(sample);
    }
    writer.end(ts);
  }
  return writer.view();
}

/** The remote-write body: WriteRequest compressed with snappy's block format. */
export function writeRequestBody(samples: readonly PromSample[], writer = new ProtobufWriter()): Buffer {
  return compressSync(writeWriteRequest(samples, writer));
}

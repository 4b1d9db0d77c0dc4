import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { RECORD_KINDS, type RecordKind } from '../../../src/model/record.js';
import { DatasetSource } from '../../../src/replay/dataset-source.js';
import { recordsOf, RUN_LENGTH, type StreamedRecord } from '../../../src/replay/record-stream.js';

const T0 = Date.UTC(2026, 10, 23);

/**
 * A hand-made dataset of two kinds: container logs (gzipped in two members, long enough to span
 * many decompressed chunks) and CloudWatch metrics (plain JSON Lines, some lines laid out with
 * other key orders, CRLF endings and blank lines).
 */
function dataset(): { dir: string; lines: Map<RecordKind, string[]> } {
  const dir = mkdtempSync(join(tmpdir(), 'obsynth-dataset-source-'));
  mkdirSync(join(dir, 'kubernetes'));
  mkdirSync(join(dir, 'cloudwatch'));
  const logs = Array.from({ length: 3000 }, (_, i) => `{"id":"kl-${i}","kind":"kubernetes_log","timestamp":${T0 + i * 7},"service":"s","body":{"log":"${'x'.repeat(i % 300)}"}}`);
  const metrics = Array.from({ length: 1000 }, (_, i) =>
    i % 5 === 0 ? `{"timestamp":${T0 + i * 21},"kind":"cloudwatch_metric","id":"cm-${i}","body":{}}` : `{"id":"cm-${i}","kind":"cloudwatch_metric","timestamp":${T0 + i * 21},"body":{}}`,
  );
  const half = 1500;
  writeFileSync(join(dir, 'kubernetes/container_logs.jsonl.gz'), Buffer.concat([gzipSync(logs.slice(0, half).join('\n') + '\n'), gzipSync(logs.slice(half).join('\n') + '\n')]));
  writeFileSync(join(dir, 'cloudwatch/metrics.jsonl'), metrics.map((l, i) => (i % 7 === 0 ? `${l}\r\n\n` : `${l}\n`)).join(''));
  const manifest = {
    range: { start: new Date(T0).toISOString(), end: new Date(T0 + 3600_000).toISOString() },
    files: [
      { path: 'cloudwatch/metrics.jsonl', kind: 'cloudwatch_metric', role: 'records', records: metrics.length },
      { path: 'kubernetes/container_logs.jsonl.gz', kind: 'kubernetes_log', role: 'records', records: logs.length },
    ],
  };
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
  return { dir, lines: new Map<RecordKind, string[]>([['kubernetes_log', logs], ['cloudwatch_metric', metrics]]) };
}

async function collect(source: DatasetSource, wanted: RecordKind[], after = 0): Promise<{ runs: number[]; records: StreamedRecord[] }> {
  const runs: number[] = [];
  const records: StreamedRecord[] = [];
  for await (const run of source.runs(new Set(wanted), after)) {
    runs.push(run.length);
    records.push(...run);
  }
  return { runs, records };
}

describe('DatasetSource', () => {
  it('merges the kinds in timestamp order (ties in kind order), numbering every record, in runs', async () => {
    const { dir, lines } = dataset();
    const { runs, records } = await collect(new DatasetSource(dir), ['kubernetes_log', 'cloudwatch_metric']);
    expect(records).toHaveLength(4000);
    expect(records.map((r) => r.seq)).toEqual(Array.from({ length: 4000 }, (_, i) => i + 1));
    for (const n of runs) expect(n).toBeGreaterThan(0);
    expect(Math.max(...runs)).toBeLessThanOrEqual(RUN_LENGTH);
    const order = (k: RecordKind) => RECORD_KINDS.indexOf(k);
    for (let i = 1; i < records.length; i++) {
      const [a, b] = [records[i - 1]!, records[i]!];
      expect(a.timestamp < b.timestamp || (a.timestamp === b.timestamp && order(a.kind) <= order(b.kind)), `record ${b.seq}`).toBe(true);
    }
    // Each record is its line, whole, with the kind and time its envelope names.
    const seen = new Map<RecordKind, string[]>();
    for (const r of records) {
      const text = r.bytes!.toString('utf8');
      expect(r.record).toEqual(JSON.parse(text));
      expect([r.kind, r.timestamp]).toEqual([r.record.kind, r.record.timestamp]);
      (seen.get(r.kind) ?? seen.set(r.kind, []).get(r.kind)!).push(text);
    }
    expect(seen).toEqual(lines);
  });

  it('resumes after a seq, and reads only the kinds asked for', async () => {
    const { dir, lines } = dataset();
    const source = new DatasetSource(dir);
    const all = await collect(source, ['kubernetes_log', 'cloudwatch_metric']);
    const resumed = await collect(source, ['kubernetes_log', 'cloudwatch_metric'], 2500);
    expect(resumed.records.map((r) => r.bytes!.toString())).toEqual(all.records.slice(2500).map((r) => r.bytes!.toString()));
    expect(resumed.records[0]!.seq).toBe(2501);
    const metrics: StreamedRecord[] = [];
    for await (const r of recordsOf(source, new Set(['cloudwatch_metric']))) metrics.push(r);
    expect(metrics.map((r) => r.bytes!.toString())).toEqual(lines.get('cloudwatch_metric'));
    expect(metrics.map((r) => r.seq)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
  });
});

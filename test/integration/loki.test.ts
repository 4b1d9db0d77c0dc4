// The loki sink against a real server started natively: VictoriaLogs, which takes Loki's push
// API (protobuf + snappy, and JSON) and answers LogsQL queries (Grafana Loki itself is AGPL and
// not installed here). A short generated history is replayed with runReplay and every entry is
// read back: its line, its time to the nanosecond, its stream labels and structured metadata.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FileRecord } from '../../src/model/record.js';
import { GeneratedSource } from '../../src/replay/generated-source.js';
import { rebaseRecord } from '../../src/replay/rebase-body.js';
import { DEFAULT_BATCH } from '../../src/replay/channel.js';
import { runReplay } from '../../src/replay/replay.js';
import { InMemorySink } from '../../src/sinks/in-memory/in-memory-sink.js';
import { lokiSinkSchema } from '../../src/sinks/loki/config.js';
import { LOKI_SINK } from '../../src/sinks/loki/definition.js';
import { LOKI_KINDS, renderKubernetesEvent, renderSentryError } from '../../src/sinks/loki/entries.js';
import { DEFAULT_RETRY } from '../../src/sinks/retrying.js';
import { systemClock } from '../../src/time/clock.js';
import { startVictoriaLogs, type VictoriaLogsServer } from '../support/backends.js';
import { defaultConfig } from '../support/world.js';

const START = Date.UTC(2026, 10, 24, 14, 0, 0);
const RUN = { seed: 11, start: START, end: START + 5 * 60_000, sources: ['kubernetes', 'sentry', 'cloudwatch'] as const, volumeMultiplier: 0.5, incidentsPerDay: 0, placed: [] };

/** An RFC 3339 time with up to nine fraction digits as "seconds.nanoseconds". */
function exactTime(iso: string): string {
  const m = /^(.*?)(?:\.(\d{1,9}))?Z$/.exec(iso)!;
  return `${Date.parse(`${m[1]}Z`) / 1000}.${(m[2] ?? '').padEnd(9, '0')}`;
}
const msTime = (ms: number) => `${Math.floor(ms / 1000)}.${String(ms % 1000).padStart(3, '0')}000000`;
const secondsTime = (t: number) => {
  const micros = Math.round(t * 1e6);
  return `${Math.floor(micros / 1e6)}.${String(micros % 1e6).padStart(6, '0')}000`;
};

interface Expected {
  line: string;
  time: string;
  kind: string;
  fields: Record<string, string>;
}

/** What each record should become in Loki, worked out from the records themselves. */
function expectedEntries(received: readonly { record: FileRecord; shiftMs: number }[]): Expected[] {
  const out: Expected[] = [];
  for (const { record, shiftMs } of received) {
    const r = rebaseRecord(record, shiftMs);
    switch (r.kind) {
      case 'kubernetes_log':
        out.push({
          line: r.body.log,
          time: exactTime(r.body.time),
          kind: r.kind,
          fields: { service: r.service, namespace: r.body.kubernetes.namespace_name, source: 'kubernetes', pod: r.body.kubernetes.pod_name, node: r.body.kubernetes.host, container: r.body.kubernetes.container_name, stream: r.body.stream, ...(r.trace_id ? { trace_id: r.trace_id } : {}) },
        });
        break;
      case 'cloudwatch_log':
        for (const e of r.body.logEvents ?? []) out.push({ line: e.message ?? '', time: msTime(e.timestamp!), kind: r.kind, fields: { service: r.service, source: 'cloudwatch', log_group: r.body.logGroupName!, log_stream: r.body.logStreamName! } });
        break;
      case 'sentry_error':
        out.push({ line: renderSentryError(r.body), time: secondsTime(r.body.timestamp!), kind: r.kind, fields: { service: r.service, source: 'sentry', event_id: r.body.event_id! } });
        break;
      case 'kubernetes_event':
        out.push({ line: renderKubernetesEvent(r.body), time: exactTime(r.body.eventTime), kind: r.kind, fields: { service: r.service, source: 'kubernetes', reason: r.body.reason! } });
        break;
      default:
        throw new Error(`unexpected ${r.kind}`);
    }
  }
  return out;
}

describe('loki sink -> VictoriaLogs (Loki push API)', () => {
  let vl: VictoriaLogsServer;
  beforeAll(async () => {
    vl = await startVictoriaLogs();
  });
  afterAll(async () => {
    await vl?.stop();
  });

  for (const encoding of ['protobuf', 'json'] as const) {
    it(`replays a generated history (${encoding}) and reads back every entry, time, label and metadata`, async () => {
      const run = `loki-${encoding}-${process.pid}`;
      // disable_message_parsing: VictoriaLogs would otherwise split JSON lines into fields.
      const config = lokiSinkSchema.parse({ type: 'loki', endpoint: `${vl.lokiPushUrl}?disable_message_parsing=1`, encoding, labels: { obsynth_run: run } });
      const loki = await LOKI_SINK.create(config, { name: 'loki', kinds: [...LOKI_KINDS], clock: systemClock, timeoutMs: 30_000, env: {} });
      const memory = new InMemorySink('memory', [...LOKI_KINDS]);
      const source = new GeneratedSource(defaultConfig(), RUN, 0);
      const report = await runReplay(
        source,
        [loki, memory].map((sink) => ({ sink, batch: { ...DEFAULT_BATCH, maxRecords: 500 }, retry: DEFAULT_RETRY })),
        { speed: 'max', rebase: 'end', dryRun: false, restart: true },
        { clock: systemClock },
      );
      expect(report.complete).toBe(true);
      const sent = report.sinks.find((s) => s.name === 'loki')!;
      expect(sent.error).toBeUndefined();
      expect(sent.rejected).toBe(0);
      expect(sent.delivered).toBe(memory.received.length);
      const kinds = new Set(memory.received.map((r) => r.record.kind));
      expect(kinds).toContain('kubernetes_log');
      expect(kinds).toContain('cloudwatch_log');

      const expected = expectedEntries(memory.received);
      const rows = await vl.query(`{obsynth_run="${run}"}`);
      expect(rows).toHaveLength(expected.length);
      // Same multiset of (time, line), to the nanosecond.
      const key = (time: string, line: string) => `${time} ${line}`;
      const got = rows.map((r) => key(exactTime(r['_time']!), r['_msg'] ?? '')).sort();
      expect(got).toEqual(expected.map((e) => key(e.time, e.line)).sort());

      // Labels and metadata: look each expected entry up by its time and line.
      const byKey = new Map(rows.map((r) => [key(exactTime(r['_time']!), r['_msg'] ?? ''), r]));
      for (const e of expected) {
        const row = byKey.get(key(e.time, e.line))!;
        expect(row['kind']).toBe(e.kind);
        for (const [k, v] of Object.entries(e.fields)) expect(row[k], `${k} of ${e.line.slice(0, 80)}`).toBe(v);
        // Stream labels are the low-cardinality ones only.
        const streamLabels = [...row['_stream']!.matchAll(/(\w+)=/g)].map((m) => m[1]);
        expect(streamLabels.every((l) => ['kind', 'level', 'namespace', 'obsynth_run', 'service', 'source'].includes(l!)), row['_stream']).toBe(true);
      }
      // Levels were detected for most Kubernetes lines (stack-trace continuation lines have none).
      const k8s = rows.filter((r) => r['kind'] === 'kubernetes_log');
      expect(k8s.filter((r) => r['level']).length / k8s.length).toBeGreaterThan(0.8);
    });
  }

  it('passes its healthcheck (an empty push) against VictoriaLogs', async () => {
    const sink = await LOKI_SINK.create(lokiSinkSchema.parse({ type: 'loki', endpoint: `${vl.url}/insert` }), { name: 'loki', kinds: [...LOKI_KINDS], clock: systemClock, timeoutMs: 10_000, env: {} });
    await sink.healthcheck();
  });
});

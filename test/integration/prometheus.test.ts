// The prometheus sink against a real Prometheus started natively (Debian's 2.42, remote-write
// receiver on, 30-day out-of-order window): a short generated history is replayed with runReplay
// and read back with PromQL — every panel sample by value and time, pod, node and CloudWatch
// series by name, the total sample count — then the same through a proxy answering 429 with
// Retry-After first: the replay waits, retries and loses nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FileRecord } from '../../src/model/record.js';
import { DEFAULT_BATCH } from '../../src/replay/channel.js';
import { GeneratedSource } from '../../src/replay/generated-source.js';
import { runReplay, type ReplayReport } from '../../src/replay/replay.js';
import { InMemorySink } from '../../src/sinks/in-memory/in-memory-sink.js';
import { prometheusSinkSchema } from '../../src/sinks/prometheus/config.js';
import { PROMETHEUS_SINK } from '../../src/sinks/prometheus/definition.js';
import { buildSamples, PROMETHEUS_KINDS } from '../../src/sinks/prometheus/write-request.js';
import { DEFAULT_RETRY } from '../../src/sinks/retrying.js';
import type { ReplayRecord } from '../../src/sinks/sink.js';
import { systemClock } from '../../src/time/clock.js';
import { startPrometheus, type PrometheusServer } from '../support/backends.js';
import { startFaultProxy } from '../support/fault-proxy.js';
import { defaultConfig } from '../support/world.js';

const START = Date.UTC(2026, 10, 24, 14, 0, 0);
const RUN = { seed: 5, start: START, end: START + 5 * 60_000, sources: ['kubernetes', 'cloudwatch', 'grafana'] as const, volumeMultiplier: 0.5, incidentsPerDay: 0, placed: [] };

interface RawSeries {
  metric: Record<string, string>;
  values: Array<[number, string]>;
}

/** Raw samples: an instant query of a range selector returns them as stored. */
async function rawSamples(prom: PrometheusServer, selector: string, at: number): Promise<RawSeries[]> {
  const params = new URLSearchParams({ query: `${selector}[30m]`, time: String(at / 1000) });
  const res = await fetch(`${prom.url}/api/v1/query`, { method: 'POST', body: params });
  const body = (await res.json()) as { status: string; data: { resultType: string; result: RawSeries[] } };
  expect(body.status).toBe('success');
  expect(body.data.resultType).toBe('matrix');
  return body.data.result;
}

async function replayTo(endpoint: string, run: string): Promise<{ report: ReplayReport; received: ReplayRecord[] }> {
  const config = prometheusSinkSchema.parse({ type: 'prometheus', endpoint, labels: { obsynth_run: run } });
  const sink = await PROMETHEUS_SINK.create(config, { name: 'prometheus', kinds: [...PROMETHEUS_KINDS], clock: systemClock, timeoutMs: 30_000, env: {} });
  const memory = new InMemorySink('memory', [...PROMETHEUS_KINDS]);
  const report = await runReplay(
    new GeneratedSource(defaultConfig(), RUN, 0),
    [sink, memory].map((s) => ({ sink: s, batch: { ...DEFAULT_BATCH, maxRecords: 500 }, retry: { ...DEFAULT_RETRY, initialBackoffMs: 50 } })),
    { speed: 'max', rebase: 'end', dryRun: false, restart: true },
    { clock: systemClock },
  );
  return { report, received: memory.received };
}

const kib = (q: string) => Number(q.replace(/Ki$/, '')) * 1024;

describe('prometheus sink -> Prometheus (remote write 1.0)', () => {
  let prom: PrometheusServer;
  beforeAll(async () => {
    prom = await startPrometheus();
  });
  afterAll(async () => {
    await prom?.stop();
  });

  it('replays a generated history and reads back every sample with its value and time', async () => {
    const run = `prom-${process.pid}`;
    const { report, received } = await replayTo(prom.remoteWriteUrl, run);
    expect(report.complete).toBe(true);
    const sent = report.sinks.find((s) => s.name === 'prometheus')!;
    expect(sent.error).toBeUndefined();
    expect(sent.rejectedByReason).toEqual({});
    expect(sent.delivered).toBe(received.length);
    const at = Math.max(...received.map((r) => r.time)) + 1000;

    // Every Grafana panel sample, by its own labels, value and (rebased) time.
    const panels = received.filter((r) => r.record.kind === 'grafana_series');
    expect(panels.length).toBeGreaterThan(100);
    const stored = new Map<string, string>();
    for (const s of await rawSamples(prom, `{obsynth_run="${run}"}`, at)) {
      const { obsynth_run: _run, ...labels } = s.metric;
      const key = JSON.stringify(Object.entries(labels).sort());
      for (const [t, v] of s.values) stored.set(`${key}@${Math.round(t * 1000)}`, v);
    }
    for (const r of panels) {
      const rec = r.record as Extract<FileRecord, { kind: 'grafana_series' }>;
      const key = JSON.stringify(Object.entries(rec.body.metric).sort());
      const value = stored.get(`${key}@${rec.body.value[0] * 1000 + r.shiftMs}`);
      expect(value, `${key} at ${rec.body.value[0]}`).toBeDefined();
      expect(Number(value)).toBeCloseTo(Number(rec.body.value[1]), 9);
    }

    // Pod memory by pod and container (metrics-server quantities to bytes), at the record's time.
    const pods = received.filter((r) => r.record.kind === 'kubernetes_pod_metrics');
    expect(pods.length).toBeGreaterThan(10);
    const memory = await rawSamples(prom, `container_memory_working_set_bytes{obsynth_run="${run}", job="kubelet"}`, at);
    const memAt = new Map(memory.flatMap((s) => s.values.map(([t, v]) => [`${s.metric['pod']}/${s.metric['container']}@${Math.round(t * 1000)}`, Number(v)] as const)));
    for (const r of pods) {
      const rec = r.record as Extract<FileRecord, { kind: 'kubernetes_pod_metrics' }>;
      for (const c of rec.body.containers) expect(memAt.get(`${rec.body.metadata.name}/${c.name}@${r.time}`)).toBe(kib(c.usage.memory));
    }
    const ready = await prom.query(`count(kube_node_status_condition{obsynth_run="${run}", condition="Ready", status="true"} == 1)`, at);
    expect(Number(ready[0]?.value[1])).toBeGreaterThan(0);

    // CloudWatch metrics under YACE names, dimensions as labels.
    const requests = await rawSamples(prom, `aws_applicationelb_request_count_sum{obsynth_run="${run}"}`, at);
    expect(requests.length).toBeGreaterThan(0);
    expect(Object.keys(requests[0]!.metric)).toContain('dimension_LoadBalancer');

    // And nothing more or less than what was sent.
    const expectedCount = buildSamples(received, [['obsynth_run', run]]).samples.length;
    const all = await rawSamples(prom, `{obsynth_run="${run}"}`, at);
    expect(all.reduce((n, s) => n + s.values.length, 0)).toBe(expectedCount);
  });

  it('waits out 429 + Retry-After from a throttling proxy and loses nothing', async () => {
    const proxy = await startFaultProxy(prom.url, { status: 429, count: 4, retryAfterSecs: 1 });
    try {
      const run = `prom-fault-${process.pid}`;
      const { report, received } = await replayTo(`${proxy.url}/api/v1/write`, run);
      expect(report.complete).toBe(true);
      const sent = report.sinks.find((s) => s.name === 'prometheus')!;
      expect(proxy.stats.failed).toBe(4);
      expect(sent.retries).toBeGreaterThanOrEqual(2);
      expect(sent.rejected).toBe(0);
      expect(sent.delivered).toBe(received.length);
      const at = Math.max(...received.map((r) => r.time)) + 1000;
      const all = await rawSamples(prom, `{obsynth_run="${run}"}`, at);
      expect(all.reduce((n, s) => n + s.values.length, 0)).toBe(buildSamples(received, [['obsynth_run', run]]).samples.length);
    } finally {
      await proxy.close();
    }
  });

  it('reports samples older than the out-of-order window as rejected, with the reason, and stores the rest', async () => {
    const strict = await startPrometheus({ outOfOrderTimeWindow: '10m' });
    try {
      const config = prometheusSinkSchema.parse({ type: 'prometheus', endpoint: strict.remoteWriteUrl });
      const sink = await PROMETHEUS_SINK.create(config, { name: 'prometheus', kinds: ['grafana_series'], clock: systemClock, timeoutMs: 10_000, env: {} });
      await sink.healthcheck();
      const now = Math.floor(systemClock.now() / 1000) * 1000;
      const rec = (ms: number, v: string): ReplayRecord => ({ seq: ms, time: ms, shiftMs: 0, record: { id: `g${ms}`, kind: 'grafana_series', timestamp: ms, service: 's', body: { metric: { __name__: 'obsynth_age_test', service: 's' }, value: [ms / 1000, v] } } });
      expect(await sink.write([rec(now, '1')])).toEqual({ status: 'success' });
      const old = rec(now - 3 * 3_600_000, '2');
      const recent = rec(now - 60_000, '3');
      const result = await sink.write([old, recent]);
      expect(result).toEqual({ status: 'success', rejected: [{ seq: old.seq, reason: expect.stringMatching(/^prometheus: (too old sample|out of bounds)/) }] });
      const stored = await rawSamples(strict, 'obsynth_age_test', now + 1000);
      expect(stored[0]!.values.map(([t, v]) => [Math.round(t * 1000), v])).toEqual([
        [now - 60_000, '3'],
        [now, '1'],
      ]);
    } finally {
      await strict.stop();
    }
  });
});

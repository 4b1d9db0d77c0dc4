import { uncompressSync } from 'snappy';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadSinks } from '../../../../src/sinks/load-sinks.js';
import { prometheusSinkSchema } from '../../../../src/sinks/prometheus/config.js';
import { PrometheusSink, sampleErrorReason, SPLIT_BUDGET } from '../../../../src/sinks/prometheus/prometheus-sink.js';
import { FakeClock } from '../../../support/fake-clock.js';
import { decodeWriteRequest, fakeFetch, replay, type FakeAnswer, type FakeCall } from '../loki/support.js';
import { panel, T0 } from './fixtures.js';

// The replayed history lies in the past of the sink's clock (a day of it here).
const clock = new FakeClock(T0 + 86_400_000);

afterEach(() => {
  vi.unstubAllGlobals();
});

function sink(answer: (call: FakeCall, i: number) => FakeAnswer, config: Record<string, unknown> = {}) {
  const f = fakeFetch(answer);
  vi.stubGlobal('fetch', f.fetch);
  return { sink: new PrometheusSink(prometheusSinkSchema.parse({ type: 'prometheus', ...config }), { name: 'prometheus', clock, timeoutMs: 5000 }), calls: f.calls };
}

/**
 * Prometheus' remote-write 1.0 handler in miniature: one transaction per request, so one sample
 * older than `minTime` rolls the whole request back with 400 "out of bounds".
 */
function prometheusLike(minTime: number) {
  const stored: Array<{ series: string; timestamp: number; value: number }> = [];
  const answer = (call: FakeCall): FakeAnswer => {
    if (call.method === 'GET') return { status: 200, body: 'Prometheus Server is Ready.\n' };
    const req = decodeWriteRequest(uncompressSync(call.body) as Buffer);
    const all = req.timeseries.flatMap((ts) => ts.samples.map((s) => ({ series: ts.labels.map((l) => `${l.name}=${l.value}`).join(','), ...s })));
    if (all.some((s) => s.timestamp < minTime)) return { status: 400, body: 'out of bounds\n' };
    stored.push(...all);
    return { status: 204 };
  };
  return { stored, answer };
}

describe('prometheus sink', () => {
  it('defaults to the local Prometheus write URL (--to prometheus) and sends remote write 1.0 headers', async () => {
    const [configured] = await loadSinks({ to: 'prometheus', env: {}, clock });
    expect([...configured!.sink.kinds].sort()).toEqual(['cloudwatch_metric', 'grafana_series', 'kubernetes_node_metrics', 'kubernetes_pod_metrics']);
    const { sink: s, calls } = sink(() => ({ status: 204 }), { auth: { bearer_token: 'tok' } });
    expect(await s.write([replay(panel(T0, '1'))])).toEqual({ status: 'success' });
    expect(calls[0]!.url).toBe('http://localhost:9090/api/v1/write');
    expect(calls[0]!.headers).toMatchObject({
      'content-type': 'application/x-protobuf',
      'content-encoding': 'snappy',
      'x-prometheus-remote-write-version': '0.1.0',
      authorization: 'Bearer tok',
    });
  });

  it('isolates the samples Prometheus refuses (whole-request rollback) and stores all the others', async () => {
    const minTime = T0 + 30 * 60_000;
    const prom = prometheusLike(minTime);
    const { sink: s } = sink(prom.answer);
    const batch = Array.from({ length: 60 }, (_, i) => replay(panel(T0 + i * 60_000, String(i))));
    const result = await s.write(batch);
    const old = batch.filter((r) => r.time < minTime);
    expect(result.status).toBe('success');
    const rejected = result.status === 'success' ? [...(result.rejected ?? [])].sort((a, b) => a.seq - b.seq) : [];
    expect(rejected).toEqual(old.map((r) => ({ seq: r.seq, reason: 'prometheus: out of bounds (older than the head block allows, or too far ahead of now)' })));
    expect(prom.stored.map((x) => x.timestamp).sort((a, b) => a - b)).toEqual(batch.filter((r) => r.time >= minTime).map((r) => r.time));
    // An age limit is found by a binary search: about log2(n) requests, not one per sample.
    expect(s.lastRequests).toBeLessThanOrEqual(Math.ceil(Math.log2(batch.length)) + 2);
  });

  it('finds a whole batch too old in log2(n) requests', async () => {
    const prom = prometheusLike(Number.POSITIVE_INFINITY);
    const { sink: s } = sink(prom.answer);
    const batch = Array.from({ length: 500 }, (_, i) => replay(panel(T0 - 86_400_000 + i * 1000, String(i))));
    const result = await s.write(batch);
    const rejected = result.status === 'success' ? (result.rejected ?? []) : [];
    expect(rejected.map((r) => r.seq).sort((a, b) => a - b)).toEqual(batch.map((r) => r.seq));
    expect(prom.stored).toEqual([]);
    expect(s.lastRequests).toBeLessThanOrEqual(Math.ceil(Math.log2(batch.length)) + 2);
  });

  it('isolates scattered refusals (duplicates) by halving, and refuses a part whole once the split budget is spent', async () => {
    // Every fourth sample clashes with a value Prometheus already has.
    const clash = (t: number) => Math.round((t - T0) / 1000) % 4 === 0;
    const answer = (call: FakeCall): FakeAnswer => {
      const req = decodeWriteRequest(uncompressSync(call.body) as Buffer);
      return req.timeseries.some((ts) => ts.samples.some((x) => clash(x.timestamp))) ? { status: 400, body: 'duplicate sample for timestamp' } : { status: 204 };
    };
    const small = Array.from({ length: 16 }, (_, i) => replay(panel(T0 + i * 1000, String(i))));
    const a = sink(answer);
    const r1 = await a.sink.write(small);
    const rej1 = r1.status === 'success' ? (r1.rejected ?? []) : [];
    expect(rej1.map((r) => r.seq).sort((x, y) => x - y)).toEqual(small.filter((r) => clash(r.time)).map((r) => r.seq));
    expect(rej1.every((r) => r.reason === 'prometheus: duplicate sample for timestamp (another value at the same time)')).toBe(true);

    const big = Array.from({ length: 400 }, (_, i) => replay(panel(T0 + i * 1000, String(i))));
    const b = sink(answer);
    const r2 = await b.sink.write(big);
    const rej2 = r2.status === 'success' ? (r2.rejected ?? []) : [];
    // Every clashing sample is reported; some good ones are reported with their part, flagged so.
    for (const r of big.filter((x) => clash(x.time))) expect(rej2.some((x) => x.seq === r.seq)).toBe(true);
    expect(rej2.some((r) => r.reason.includes('split budget spent'))).toBe(true);
    // Parts already split off are still sent once each after the budget is spent: + log2(n).
    expect(b.sink.lastRequests).toBeLessThanOrEqual(SPLIT_BUDGET + Math.ceil(Math.log2(big.length)) + 1);
  });

  it('retries throttling and gateway errors, fails other statuses whole', async () => {
    expect(await sink(() => ({ status: 429, headers: { 'retry-after': '3' } })).sink.write([replay(panel(T0, '1'))])).toMatchObject({ status: 'retryable', retryAfterMs: 3000 });
    expect(await sink(() => ({ status: 503 })).sink.write([replay(panel(T0, '1'))])).toMatchObject({ status: 'retryable' });
    const bad = await sink(() => ({ status: 400, body: 'snappy: corrupt input' })).sink.write([replay(panel(T0, '1'))]);
    expect(bad).toMatchObject({ status: 'failure', error: { message: 'HTTP 400: snappy: corrupt input' } });
  });

  it('knows Prometheus\' per-sample refusals', () => {
    expect(sampleErrorReason(400, 'out of bounds\n')).toMatch(/^prometheus: out of bounds/);
    expect(sampleErrorReason(400, 'out of order sample')).toMatch(/out of order sample/);
    expect(sampleErrorReason(400, 'duplicate sample for timestamp')).toMatch(/duplicate sample/);
    expect(sampleErrorReason(500, 'too old sample')).toMatch(/too old sample/);
    expect(sampleErrorReason(400, 'snappy: corrupt input')).toBeUndefined();
    expect(sampleErrorReason(503, 'out of bounds')).toBeUndefined();
  });

  it('healthcheck: /-/ready when the URL is Prometheus\', then an empty WriteRequest that must be accepted', async () => {
    const ok = sink((call) => (call.method === 'GET' ? { status: 200, body: 'Prometheus Server is Ready.' } : { status: 204 }), { endpoint: 'http://prom:9090/api/v1/write' });
    await ok.sink.healthcheck();
    expect(ok.calls.map((c) => `${c.method} ${c.url}`)).toEqual(['GET http://prom:9090/-/ready', 'POST http://prom:9090/api/v1/write']);
    expect(decodeWriteRequest(uncompressSync(ok.calls[1]!.body) as Buffer).timeseries).toEqual([]);
    const starting = sink(() => ({ status: 503, body: 'Service Unavailable' }));
    await expect(starting.sink.healthcheck()).rejects.toThrow(/-\/ready answered HTTP 503: Service Unavailable/);
    const noReceiver = sink((call) => (call.method === 'GET' ? { status: 200 } : { status: 404, body: 'remote write receiver needs to be enabled with --web.enable-remote-write-receiver' }));
    await expect(noReceiver.sink.healthcheck()).rejects.toThrow(/HTTP 404: remote write receiver needs to be enabled/);
    const other = sink((call) => (call.method === 'GET' ? { status: 404 } : { status: 204 }), { endpoint: 'http://mimir/api/v1/push' });
    await other.sink.healthcheck();
    expect(other.calls.map((c) => c.method)).toEqual(['POST']);
  });
});

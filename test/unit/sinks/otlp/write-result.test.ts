// WriteResult classification: each answer a receiver can give, played by a loopback capture
// server, becomes the right success / retryable / failure, with nothing retried inside the SDK.
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { writeWithRetry } from '../../../../src/sinks/retrying.js';
import { resolveOtlpSettings, type OtlpSinkConfig } from '../../../../src/sinks/otlp/config.js';
import { OTLP_KINDS } from '../../../../src/sinks/otlp/definition.js';
import { LOG_RECORDS_PER_REQUEST, OtlpSink } from '../../../../src/sinks/otlp/otlp-sink.js';
import type { WriteResult } from '../../../../src/sinks/sink.js';
import { fixedClock, kubernetesLog, podMetrics, replay, startCaptureServer, type Answer, type CaptureServer } from './support.js';

const servers: CaptureServer[] = [];
const sinks: OtlpSink[] = [];
afterEach(async () => {
  await Promise.all(sinks.splice(0).map((s) => s.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function setup(answer: (path: string, n: number) => Answer, extra: Partial<OtlpSinkConfig> = {}, timeoutMs = 5000): Promise<{ server: CaptureServer; sink: OtlpSink }> {
  const server = await startCaptureServer((req, n) => answer(req.path, n));
  servers.push(server);
  const sink = new OtlpSink('otlp', resolveOtlpSettings({ type: 'otlp', endpoint: server.url, ...extra }, {}), OTLP_KINDS, { clock: fixedClock(), timeoutMs });
  sinks.push(sink);
  return { server, sink };
}

const logBatch = () => [replay(kubernetesLog('a', 'level=INFO msg=1')), replay(kubernetesLog('b', 'level=ERROR msg=2', { ms: 2 }))];

describe('otlp sink WriteResult', () => {
  it('200 is success, after exactly one request', async () => {
    const { server, sink } = await setup(() => ({ status: 200 }));
    expect(await sink.write(logBatch())).toEqual({ status: 'success' });
    expect(server.requests).toHaveLength(1);
  });

  it('sends records as the lines the source read, and rejects a line that is not JSON with its reason', async () => {
    const { server, sink } = await setup(() => ({ status: 200 }));
    const good = replay(kubernetesLog('a', 'level=INFO msg=from-the-line'));
    // What a dataset source hands over: the bytes of the line, parsed only if someone asks.
    const fromLine = { ...good, kind: good.record.kind, bytes: Buffer.from(JSON.stringify(good.record)) };
    const broken = { ...replay(kubernetesLog('b', 'level=INFO msg=2')), kind: 'kubernetes_log' as const, bytes: Buffer.from('{"id":"b","kind":"kubernetes_log",') };
    const result = await sink.write([fromLine, broken]);
    expect(result.status).toBe('success');
    expect((result as Extract<WriteResult, { status: 'success' }>).rejected).toEqual([{ seq: broken.seq, reason: expect.stringMatching(/^record is not valid JSON: /) }]);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.body.includes(Buffer.from('msg=from-the-line'))).toBe(true);
  });

  it.each([429, 502, 503, 504])('%i is retryable, with Retry-After honoured, and the SDK does not retry it', async (status) => {
    const { server, sink } = await setup(() => ({ status, headers: { 'retry-after': '7' }, body: 'slow down' }));
    const result = await sink.write(logBatch());
    expect(result.status).toBe('retryable');
    expect((result as Extract<WriteResult, { status: 'retryable' }>).retryAfterMs).toBe(7000);
    expect((result as Extract<WriteResult, { status: 'retryable' }>).error.message).toContain(`HTTP ${status}`);
    expect(server.requests).toHaveLength(1);
  });

  it('a Retry-After HTTP date is read against the injected clock', async () => {
    const now = Date.UTC(2026, 10, 29, 12, 0, 0);
    const server = await startCaptureServer(() => ({ status: 503, headers: { 'retry-after': new Date(now + 30_000).toUTCString() } }));
    servers.push(server);
    const sink = new OtlpSink('otlp', resolveOtlpSettings({ type: 'otlp', endpoint: server.url }, {}), OTLP_KINDS, { clock: fixedClock(now), timeoutMs: 5000 });
    sinks.push(sink);
    expect(await sink.write(logBatch())).toMatchObject({ status: 'retryable', retryAfterMs: 30_000 });
  });

  it.each([400, 401, 404, 408, 413, 500])('%i is a failure naming the URL and the body', async (status) => {
    const { server, sink } = await setup(() => ({ status, body: 'bad request: invalid time' }));
    const result = await sink.write(logBatch());
    // A refused signal rejects its records (reported, not lost silently); the batch is settled.
    expect(result.status).toBe('success');
    const rejected = (result as Extract<WriteResult, { status: 'success' }>).rejected!;
    expect(rejected.map((r) => r.reason)).toEqual([expect.stringContaining(`HTTP ${status} from ${server.url}/v1/logs: bad request: invalid time`), expect.anything()]);
    expect(rejected).toHaveLength(2);
  });

  it('a connection refused is retryable (transport error)', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const sink = new OtlpSink('otlp', resolveOtlpSettings({ type: 'otlp', endpoint: `http://127.0.0.1:${port}` }, {}), OTLP_KINDS, { clock: fixedClock(), timeoutMs: 2000 });
    sinks.push(sink);
    const result = await sink.write(logBatch());
    expect(result.status).toBe('retryable');
    expect((result as { error: Error }).error.message).toMatch(/ECONNREFUSED/);
  });

  it('a dropped connection and a timeout are retryable', async () => {
    const dropped = await setup(() => ({ status: 200, drop: true }));
    expect((await dropped.sink.write(logBatch())).status).toBe('retryable');
    const slow = await setup(() => ({ status: 200, delayMs: 2000 }), {}, 200);
    const result = await slow.sink.write(logBatch());
    expect(result.status).toBe('retryable');
    expect((result as { error: Error }).error.message).toMatch(/within 200 ms/);
  });

  it('a partial success rejects as many records as the receiver says', async () => {
    const { sink } = await setup(() => ({ status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ partialSuccess: { rejectedLogRecords: '1', errorMessage: 'too old' } }) }), { encoding: 'json' });
    const batch = logBatch();
    const result = await sink.write(batch);
    expect(result).toEqual({ status: 'success', rejected: [{ seq: batch[1]!.seq, reason: expect.stringMatching(/logs partially rejected \(1 of 2 log records; OTLP does not say which\): too old/) }] });
  });

  it('a mixed batch retries only the signal that failed, so nothing is sent twice', async () => {
    // Logs succeed at once; metrics answer 503 twice, then 200.
    let metricsCalls = 0;
    const { server, sink } = await setup((path) => (path === '/v1/metrics' && ++metricsCalls <= 2 ? { status: 503, headers: { 'retry-after': '0' } } : { status: 200 }));
    const batch = [...logBatch(), replay(podMetrics('p'))];
    const retries: number[] = [];
    const result = await writeWithRetry(sink, batch, { initialBackoffMs: 1, maxBackoffMs: 2, multiplier: 2, deadlineMs: 60_000 }, fixedClock(), { onRetry: (n) => retries.push(n) });
    expect(result).toEqual({ status: 'success' });
    expect(retries).toEqual([1, 2]);
    expect(server.requests.filter((r) => r.path === '/v1/logs')).toHaveLength(1);
    expect(server.requests.filter((r) => r.path === '/v1/metrics')).toHaveLength(3);
  });

  it('a large batch goes out as several requests; a retry resends only the one that failed', async () => {
    const n = LOG_RECORDS_PER_REQUEST;
    const failing = `l-${n + n / 5}`;
    let failedOnce = false;
    const server = await startCaptureServer((req) => {
      if (!failedOnce && req.body.includes(Buffer.from(failing))) {
        failedOnce = true;
        return { status: 503, headers: { 'retry-after': '0' } };
      }
      return { status: 200 };
    });
    servers.push(server);
    const sink = new OtlpSink('otlp', resolveOtlpSettings({ type: 'otlp', endpoint: server.url }, {}), OTLP_KINDS, { clock: fixedClock(), timeoutMs: 5000 });
    sinks.push(sink);
    const size = 2 * n + (2 * n) / 5;
    const batch = Array.from({ length: size }, (_, i) => replay(kubernetesLog(`l-${i}`, `level=INFO msg=${i}`, { ms: i % 999 })));
    const result = await writeWithRetry(sink, batch, { initialBackoffMs: 1, maxBackoffMs: 2, multiplier: 2, deadlineMs: 60_000 }, fixedClock());
    expect(result).toEqual({ status: 'success' });
    const holding = (uid: string) => server.requests.filter((r) => r.body.includes(Buffer.from(uid))).length;
    // n + n + 0.4n records; the second request failed once and was sent again, alone.
    expect(server.requests).toHaveLength(4);
    expect([holding('l-0'), holding(`l-${n - 1}`), holding(`l-${n}`), holding(failing), holding(`l-${2 * n}`), holding(`l-${size - 1}`)]).toEqual([1, 1, 2, 2, 1, 1]);
  });

  it('gzip compresses the body and says so', async () => {
    const { server, sink } = await setup(() => ({ status: 200 }), { compression: 'gzip', headers: { 'x-scope-orgid': 'tenant-1' } });
    expect(await sink.write(logBatch())).toEqual({ status: 'success' });
    expect(server.requests[0]!.headers['content-encoding']).toBe('gzip');
    expect(server.requests[0]!.headers['x-scope-orgid']).toBe('tenant-1');
    expect(server.requests[0]!.body.includes(Buffer.from('level=ERROR msg=2'))).toBe(true);
  });

  it('write after close is a failure; close twice is fine', async () => {
    const { sink } = await setup(() => ({ status: 200 }));
    await sink.close();
    await sink.close();
    expect((await sink.write(logBatch())).status).toBe('failure');
  });
});

describe('otlp sink healthcheck', () => {
  it('posts an empty export request to each endpoint in use', async () => {
    const { server, sink } = await setup(() => ({ status: 200 }));
    await sink.healthcheck();
    expect(server.requests.map((r) => [r.path, r.body.length, r.headers['content-type']])).toEqual([
      ['/v1/logs', 0, 'application/x-protobuf'],
      ['/v1/metrics', 0, 'application/x-protobuf'],
    ]);
  });

  it('sends {} in JSON and only to the signals in use', async () => {
    const { server, sink } = await setup(() => ({ status: 200 }), { encoding: 'json', signals: ['metrics'] });
    await sink.healthcheck();
    expect(server.requests.map((r) => [r.path, r.body.toString()])).toEqual([['/v1/metrics', '{}']]);
  });

  it('fails fast with the URL and the status', async () => {
    const { server, sink } = await setup((path) => (path === '/v1/logs' ? { status: 404, body: '404 page not found' } : { status: 200 }));
    await expect(sink.healthcheck()).rejects.toThrow(`POST ${server.url}/v1/logs answered HTTP 404: 404 page not found`);
  });

  it('fails fast with the URL and the transport error', async () => {
    const sink = new OtlpSink('otlp', resolveOtlpSettings({ type: 'otlp', endpoint: 'http://127.0.0.1:9' }, {}), OTLP_KINDS, { clock: fixedClock(), timeoutMs: 2000 });
    sinks.push(sink);
    await expect(sink.healthcheck()).rejects.toThrow(/POST http:\/\/127\.0\.0\.1:9\/v1\/logs failed: .*ECONNREFUSED/);
  });
});

import { uncompressSync } from 'snappy';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../../../../src/config/errors.js';
import { loadSinks } from '../../../../src/sinks/load-sinks.js';
import { pushUrl, lokiSinkSchema } from '../../../../src/sinks/loki/config.js';
import { LokiSink } from '../../../../src/sinks/loki/loki-sink.js';
import { FakeClock } from '../../../support/fake-clock.js';
import { k8sLog, T0 } from './fixtures.js';
import { decodePushRequest, fakeFetch, replay, type FakeAnswer } from './support.js';

const clock = new FakeClock(T0);
const rfc = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function sink(answer: (i: number) => FakeAnswer, config: Record<string, unknown> = {}) {
  const f = fakeFetch((_call, i) => answer(i));
  vi.stubGlobal('fetch', f.fetch);
  const parsed = lokiSinkSchema.parse({ type: 'loki', endpoint: 'http://loki:3100/', tenant: 'team-a', auth: { username: 'u', password: 'p' }, ...config });
  return { sink: new LokiSink(parsed, { name: 'loki', clock, timeoutMs: 5000 }), calls: f.calls };
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('loki sink config', () => {
  it('defaults to protobuf with structured metadata, and takes logcli environment variables for --to loki', async () => {
    const [configured] = await loadSinks({ to: 'loki', env: { LOKI_ADDR: 'http://logs:3100', LOKI_ORG_ID: 'acme', LOKI_BEARER_TOKEN: 't0k' }, clock });
    expect(configured!.sink.name).toBe('loki');
    expect([...configured!.sink.kinds].sort()).toEqual(['cloudwatch_log', 'kubernetes_event', 'kubernetes_log', 'sentry_error']);
    const parsed = lokiSinkSchema.parse({ type: 'loki', endpoint: 'http://logs:3100' });
    expect(parsed).toMatchObject({ encoding: 'protobuf', structured_metadata: true });
    expect(await loadSinks({ to: 'loki', env: {}, clock })).toHaveLength(1);
  });

  it('refuses bad endpoints, label names and unknown keys, each named', async () => {
    const bad = lokiSinkSchema.safeParse({ type: 'loki', endpoint: 'loki:3100', labels: { 'bad-name': 'x' }, encoding: 'avro' });
    expect(bad.success).toBe(false);
    const paths = bad.error!.issues.map((i) => i.path.join('.')).sort();
    expect(paths).toEqual(['encoding', 'endpoint', 'labels.bad-name']);
    await expect(loadSinks({ to: 'loki', env: { LOKI_ADDR: 'nope' }, clock })).rejects.toThrow(ConfigError);
  });

  it('builds the push URL from a base URL or takes the push URL as given', () => {
    expect(pushUrl('http://loki:3100')).toBe('http://loki:3100/loki/api/v1/push');
    expect(pushUrl('http://vl:9428/insert/')).toBe('http://vl:9428/insert/loki/api/v1/push');
    expect(pushUrl('http://gw/loki/api/v1/push')).toBe('http://gw/loki/api/v1/push');
  });
});

describe('loki sink', () => {
  it('pushes snappy protobuf with the tenant and auth headers', async () => {
    const { sink: s, calls } = sink(() => ({ status: 204 }));
    const r = replay(k8sLog(T0, '{"level":"INFO","msg":"ok"}'));
    expect(await s.write([r])).toEqual({ status: 'success' });
    const [call] = calls;
    expect(call!.url).toBe('http://loki:3100/loki/api/v1/push');
    expect(call!.method).toBe('POST');
    expect(call!.headers).toMatchObject({ 'content-type': 'application/x-protobuf', 'x-scope-orgid': 'team-a', authorization: `Basic ${Buffer.from('u:p').toString('base64')}` });
    expect(call!.headers['content-encoding']).toBeUndefined();
    const decoded = decodePushRequest(uncompressSync(call!.body) as Buffer);
    expect(decoded.streams[0]!.entries[0]!.line).toBe('{"level":"INFO","msg":"ok"}');
  });

  it('pushes JSON when asked', async () => {
    const { sink: s, calls } = sink(() => ({ status: 204 }), { encoding: 'json' });
    await s.write([replay(k8sLog(T0, '{"level":"INFO","msg":"ok"}'))]);
    expect(calls[0]!.headers['content-type']).toBe('application/json');
    expect(JSON.parse(calls[0]!.body.toString()).streams[0].values[0][1]).toBe('{"level":"INFO","msg":"ok"}');
  });

  it('turns a 400 that names entries into per-record rejections, and one that names none into a failure', async () => {
    const old = replay(k8sLog(T0 - 8 * 86_400_000, 'time=x level=INFO msg=old'));
    const fine = replay(k8sLog(T0, 'time=x level=INFO msg=fine'));
    const body = `entry for stream '{kind="kubernetes_log", level="info", namespace="shop", service="api-gateway", service_name="api-gateway", source="kubernetes"}' has timestamp too old: ${rfc(old.time)}, oldest acceptable timestamp is: ${rfc(T0 - 7 * 86_400_000)}`;
    const a = sink(() => ({ status: 400, body }));
    expect(await a.sink.write([old, fine])).toEqual({ status: 'success', rejected: [{ seq: old.seq, reason: expect.stringContaining('greater_than_max_sample_age') }] });
    const b = sink(() => ({ status: 400, body: 'error at least one label pair is required per stream' }));
    const result = await b.sink.write([fine]);
    expect(result.status).toBe('failure');
    expect(result.status === 'failure' && result.error.message).toMatch(/HTTP 400: error at least one label pair/);
  });

  it('retries throttling with its Retry-After and transport errors', async () => {
    const a = sink(() => ({ status: 429, body: 'Ingestion rate limit exceeded', headers: { 'retry-after': '7' } }));
    expect(await a.sink.write([replay(k8sLog(T0, 'x'))])).toMatchObject({ status: 'retryable', retryAfterMs: 7000 });
    vi.stubGlobal('fetch', async () => {
      throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
    });
    const parsed = lokiSinkSchema.parse({ type: 'loki', endpoint: 'http://loki:3100' });
    expect(await new LokiSink(parsed, { name: 'loki', clock, timeoutMs: 1000 }).write([replay(k8sLog(T0, 'x'))])).toMatchObject({ status: 'retryable' });
  });

  it('healthcheck pushes an empty request: 2xx and Loki 3\'s 422 "at least one valid stream" pass, the rest fail', async () => {
    const ok = sink(() => ({ status: 204 }));
    await ok.sink.healthcheck();
    expect([...ok.calls[0]!.body]).toEqual([0]);
    await sink(() => ({ status: 422, body: 'error at least one valid stream is required for ingestion' })).sink.healthcheck();
    await expect(sink(() => ({ status: 401, body: 'no org id' })).sink.healthcheck()).rejects.toThrow(/HTTP 401: no org id/);
    await expect(sink(() => ({ status: 404, body: '404 page not found' })).sink.healthcheck()).rejects.toThrow(/HTTP 404/);
  });

  it('healthcheck names the URL and the transport error when nothing answers', async () => {
    vi.stubGlobal('fetch', async () => {
      throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
    });
    const s = new LokiSink(lokiSinkSchema.parse({ type: 'loki', endpoint: 'http://127.0.0.1:1' }), { name: 'loki', clock, timeoutMs: 1000 });
    await expect(s.healthcheck()).rejects.toThrow('http://127.0.0.1:1/loki/api/v1/push could not be reached: ECONNREFUSED');
  });

  it('refuses writes after close (close is idempotent)', async () => {
    const { sink: s } = sink(() => ({ status: 204 }));
    await s.close();
    await s.close();
    expect((await s.write([replay(k8sLog(T0, 'x'))])).status).toBe('failure');
  });
});

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../../src/config/errors.js';
import { loadSinks } from '../../../../src/sinks/load-sinks.js';
import { otlpSinkSchema, parseHeaderList, resolveOtlpSettings, signalUrl } from '../../../../src/sinks/otlp/config.js';
import { OtlpSink } from '../../../../src/sinks/otlp/otlp-sink.js';
import { sinkType } from '../../../../src/sinks/registry.js';
import { fixedClock } from './support.js';

const resolve = (block: Record<string, unknown>, env: NodeJS.ProcessEnv = {}) => resolveOtlpSettings(otlpSinkSchema.parse({ type: 'otlp', ...block }), env);

describe('otlp sink config', () => {
  it('defaults to http://localhost:4318 with protobuf, no compression, both signals', () => {
    expect(resolve({})).toEqual({
      endpoints: { logs: 'http://localhost:4318/v1/logs', metrics: 'http://localhost:4318/v1/metrics' },
      headers: { logs: {}, metrics: {} },
      compression: 'none',
      encoding: 'protobuf',
      signals: ['logs', 'metrics'],
      resourceAttributes: {},
      workers: 2,
      batchesInFlight: 2,
    });
    expect(resolve({ workers: 1, batches_in_flight: 1 })).toMatchObject({ workers: 1, batchesInFlight: 1 });
    expect(() => otlpSinkSchema.parse({ type: 'otlp', workers: 0 })).toThrow();
  });

  it('takes the standard OTEL_EXPORTER_OTLP_* variables', () => {
    const s = resolve(
      {},
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otlp.example.com/otlp/',
        OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://metrics.example.com:9090/api/v1/otlp/v1/metrics',
        OTEL_EXPORTER_OTLP_HEADERS: 'Authorization=Basic%20dXNlcjpwYXNz, X-Scope-OrgID=tenant-1',
        OTEL_EXPORTER_OTLP_LOGS_HEADERS: 'x-scope-orgid=logs-tenant',
        OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      },
    );
    expect(s.endpoints).toEqual({ logs: 'https://otlp.example.com/otlp/v1/logs', metrics: 'http://metrics.example.com:9090/api/v1/otlp/v1/metrics' });
    expect(s.headers.metrics).toEqual({ authorization: 'Basic dXNlcjpwYXNz', 'x-scope-orgid': 'tenant-1' });
    expect(s.headers.logs).toEqual({ authorization: 'Basic dXNlcjpwYXNz', 'x-scope-orgid': 'logs-tenant' });
    expect(s.compression).toBe('gzip');
    expect(s.encoding).toBe('json');
  });

  it('lets the block win over the environment', () => {
    const s = resolve(
      { endpoint: 'http://collector:4318', logs_endpoint: 'http://logs:3100/otlp/v1/logs', headers: { 'X-Token': 'abc' }, compression: 'none', encoding: 'protobuf', signals: ['logs'] },
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://ignored:1', OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://ignored:2/v1/metrics', OTEL_EXPORTER_OTLP_HEADERS: 'a=b', OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip' },
    );
    expect(s.endpoints).toEqual({ logs: 'http://logs:3100/otlp/v1/logs', metrics: 'http://collector:4318/v1/metrics' });
    expect(s.headers.logs).toEqual({ 'x-token': 'abc' });
    expect(s.compression).toBe('none');
    expect(s.signals).toEqual(['logs']);
  });

  it('reports every bad variable at once, naming it', () => {
    let error: unknown;
    try {
      resolve({}, { OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_COMPRESSION: 'zstd', OTEL_EXPORTER_OTLP_HEADERS: 'novalue' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const messages = (error as ConfigError).problems.map((p) => p.message);
    expect(messages).toHaveLength(4);
    expect(messages.join('\n')).toMatch(/OTEL_EXPORTER_OTLP_ENDPOINT: "collector:4318" is not an http/);
    expect(messages.join('\n')).toMatch(/OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" is not supported; allowed: http\/protobuf \| http\/json/);
    expect(messages.join('\n')).toMatch(/OTEL_EXPORTER_OTLP_COMPRESSION: "zstd" is not allowed/);
    expect(messages.join('\n')).toMatch(/OTEL_EXPORTER_OTLP_HEADERS: "novalue" is not a header/);
  });

  it('is a strict schema', () => {
    expect(otlpSinkSchema.safeParse({ type: 'otlp', endpont: 'http://x' }).success).toBe(false);
    expect(otlpSinkSchema.safeParse({ type: 'otlp', endpoint: 'ftp://x' }).success).toBe(false);
    expect(otlpSinkSchema.safeParse({ type: 'otlp', signals: ['traces'] }).success).toBe(false);
    expect(otlpSinkSchema.safeParse({ type: 'otlp', compression: 'zstd' }).success).toBe(false);
  });

  it('builds URLs and header lists as the OTLP exporter spec says', () => {
    expect(signalUrl('http://a:4318', 'logs')).toBe('http://a:4318/v1/logs');
    expect(signalUrl('http://a:4318/', 'metrics')).toBe('http://a:4318/v1/metrics');
    expect(parseHeaderList('a=1,b = x%3Dy ,,', 'H', [])).toEqual({ a: '1', b: 'x=y' });
  });
});

describe('otlp in the sink registry', () => {
  it('is found by --to otlp with the environment applied', async () => {
    const [configured] = await loadSinks({ to: 'otlp', env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:14318' }, clock: fixedClock() });
    const sink = configured!.sink as OtlpSink;
    expect(sink).toBeInstanceOf(OtlpSink);
    expect(sink.name).toBe('otlp');
    expect(sink.settings.endpoints.logs).toBe('http://127.0.0.1:14318/v1/logs');
    expect([...sink.kinds].sort()).toEqual(
      ['cloudwatch_log', 'cloudwatch_metric', 'grafana_series', 'kubernetes_log', 'kubernetes_node_metrics', 'kubernetes_pod_metrics', 'sentry_error'].sort(),
    );
    expect(sinkType('otlp')!.kinds).not.toContain('kubernetes_event');
  });

  it('takes a sinks file block; signals narrow the kinds; conflicts are reported with the block', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'obsynth-otlp-'));
    const file = join(dir, 'sinks.yaml');
    writeFileSync(file, ['sinks:', '  - type: otlp', '    name: collector', '    endpoint: http://127.0.0.1:4318', '    signals: [metrics]', '    batch: { max_records: 500 }', ''].join('\n'));
    const [configured] = await loadSinks({ file, env: {}, clock: fixedClock() });
    expect([...configured!.sink.kinds].sort()).toEqual(['cloudwatch_metric', 'grafana_series', 'kubernetes_node_metrics', 'kubernetes_pod_metrics']);
    expect(configured!.batch.maxRecords).toBe(500);
    expect((configured!.sink as OtlpSink).signals).toEqual(['metrics']);

    writeFileSync(file, ['sinks:', '  - type: otlp', '    signals: [logs]', '    kinds: [cloudwatch_metric]', '    endpoit: http://x', ''].join('\n'));
    await expect(loadSinks({ file, env: {}, clock: fixedClock() })).rejects.toThrow(/unknown key\(s\) "endpoit"/);
    writeFileSync(file, ['sinks:', '  - type: otlp', '    signals: [logs]', '    kinds: [cloudwatch_metric]', ''].join('\n'));
    await expect(loadSinks({ file, env: {}, clock: fixedClock() })).rejects.toThrow(/kinds cloudwatch_metric need signal\(s\) that signals \[logs\] leave out/);
  });
});

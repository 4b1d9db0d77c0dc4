// Smoke test of the real backends the integration tests use (test/support/backends.ts): each
// one starts from its cached binary, accepts data over its own protocol, and gives it back.
// Binaries: `bash test/backends/install-all.sh` (.ci/run does it). Nothing here is skipped.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  promRemoteWrite,
  readCollectorFile,
  startOtelCollector,
  startPrometheus,
  startVictoriaLogs,
  waitForCollectorFile,
  type OtelCollector,
  type PrometheusServer,
  type VictoriaLogsServer,
} from '../support/backends.js';

// One unique value per run, so a reused data dir could never satisfy a read-back.
const runId = `smoke-${process.pid}-${Date.now().toString(36)}`;
const nowMs = Date.now();
const HOUR_MS = 3_600_000;
const msToNanos = (ms: number): string => `${BigInt(ms) * 1_000_000n}`;

interface OtlpAnyValue {
  stringValue?: string;
}
interface OtlpLogsRequest {
  resourceLogs: Array<{
    resource?: { attributes?: Array<{ key: string; value: OtlpAnyValue }> };
    scopeLogs: Array<{ logRecords: Array<{ timeUnixNano: string; body?: OtlpAnyValue; attributes?: Array<{ key: string; value: OtlpAnyValue }> }> }>;
  }>;
}
interface OtlpMetricsRequest {
  resourceMetrics: Array<{
    scopeMetrics: Array<{ metrics: Array<{ name: string; gauge?: { dataPoints: Array<{ timeUnixNano: string; asDouble?: number }> } }> }>;
  }>;
}

describe('OpenTelemetry Collector (OTLP/HTTP in, file exporter out)', () => {
  let collector: OtelCollector;
  beforeAll(async () => {
    collector = await startOtelCollector();
  });
  afterAll(async () => {
    await collector?.stop();
  });

  it('writes a posted OTLP/JSON log record, with its own (old) timestamp, to the logs file', async () => {
    const timeUnixNano = msToNanos(nowMs - 6 * HOUR_MS);
    const request: OtlpLogsRequest = {
      resourceLogs: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'checkout' } }] },
          scopeLogs: [
            {
              logRecords: [
                {
                  timeUnixNano,
                  body: { stringValue: `payment declined ${runId}` },
                  attributes: [{ key: 'obsynth.run', value: { stringValue: runId } }],
                },
              ],
            },
          ],
        },
      ],
    };
    const response = await fetch(`${collector.otlpHttpUrl}/v1/logs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(request),
    });
    expect(response.status, await response.text()).toBe(200);

    const lines = await waitForCollectorFile<OtlpLogsRequest>(collector.logsFile, (l) => JSON.stringify(l).includes(runId));
    const records = lines.flatMap((l) => l.resourceLogs.flatMap((r) => r.scopeLogs.flatMap((s) => s.logRecords)));
    const record = records.find((r) => r.body?.stringValue === `payment declined ${runId}`);
    expect(record?.timeUnixNano).toBe(timeUnixNano);
    const resource = lines[0]?.resourceLogs[0]?.resource;
    expect(resource?.attributes).toContainEqual({ key: 'service.name', value: { stringValue: 'checkout' } });
  });

  it('writes posted OTLP/JSON metrics to the metrics file, not to the logs file', async () => {
    const name = `obsynth_smoke_${process.pid}`;
    const response = await fetch(`${collector.otlpHttpUrl}/v1/metrics`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        resourceMetrics: [
          { scopeMetrics: [{ metrics: [{ name, gauge: { dataPoints: [{ timeUnixNano: msToNanos(nowMs), asDouble: 0.25 }] } }] }] },
        ],
      } satisfies OtlpMetricsRequest),
    });
    expect(response.status, await response.text()).toBe(200);
    const lines = await waitForCollectorFile<OtlpMetricsRequest>(collector.metricsFile, (l) => l.length > 0);
    const metric = lines.flatMap((l) => l.resourceMetrics.flatMap((r) => r.scopeMetrics.flatMap((s) => s.metrics))).find((m) => m.name === name);
    expect(metric?.gauge?.dataPoints[0]?.asDouble).toBe(0.25);
    expect(JSON.stringify(await readCollectorFile(collector.logsFile))).not.toContain(name);
  });
});

describe('VictoriaLogs (Loki push API in, LogsQL out)', () => {
  let logs: VictoriaLogsServer;
  beforeAll(async () => {
    logs = await startVictoriaLogs();
  });
  afterAll(async () => {
    await logs?.stop();
  });

  it('stores a Loki JSON push, including lines days old, and returns it by stream label', async () => {
    const old = nowMs - 20 * 24 * HOUR_MS;
    const response = await fetch(logs.lokiPushUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        streams: [
          {
            stream: { service: 'checkout', run: runId },
            values: [
              [msToNanos(old), 'level=error msg="old line"'],
              [msToNanos(nowMs), 'level=info msg="new line"', { trace_id: '4bf92f3577b34da6a3ce929d0e0e4736' }],
            ],
          },
        ],
      }),
    });
    expect(response.status, await response.text()).toBe(204);

    const rows = await logs.query(`{run="${runId}"} | sort by (_time)`);
    expect(rows.map((r) => r['_msg'])).toEqual(['level=error msg="old line"', 'level=info msg="new line"']);
    expect(Date.parse(rows[0]?.['_time'] ?? '')).toBe(old);
    expect(rows[1]?.['service']).toBe('checkout');
    expect(rows[1]?.['trace_id']).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
  });
});

describe('Prometheus (remote write in, HTTP API out)', () => {
  let prom: PrometheusServer;
  beforeAll(async () => {
    prom = await startPrometheus();
  });
  afterAll(async () => {
    await prom?.stop();
  });

  it('is ready and answers a query with an empty vector', async () => {
    expect(await prom.query(`up{run="${runId}"}`)).toEqual([]);
  });

  it('accepts a remote-written sample 6 hours older than the head (out-of-order window)', async () => {
    const labels = { __name__: 'obsynth_smoke_requests_total', run: runId };
    // A current sample first, so the head block is at "now"; without the window the old one
    // would then be refused with 400 "out of bounds".
    const fresh = await promRemoteWrite(prom.remoteWriteUrl, [{ labels, samples: [{ timestamp: nowMs, value: 7 }] }]);
    expect(fresh, fresh.body).toMatchObject({ status: 204 });
    const old = nowMs - 6 * HOUR_MS;
    const late = await promRemoteWrite(prom.remoteWriteUrl, [{ labels, samples: [{ timestamp: old, value: 3 }] }]);
    expect(late, late.body).toMatchObject({ status: 204 });

    const atOld = await prom.query(`obsynth_smoke_requests_total{run="${runId}"}`, old);
    expect(atOld.map((s) => s.value)).toEqual([[old / 1000, '3']]);
    const range = await prom.queryRange(`obsynth_smoke_requests_total{run="${runId}"}`, old, nowMs, 3600);
    expect(range[0]?.values[0]).toEqual([old / 1000, '3']);
    expect(range[0]?.values.at(-1)?.[1]).toBe('7');
  });
});

describe('launcher', () => {
  it('fails with the install command when a binary is missing', async () => {
    const emptyCache = await mkdtemp(join(tmpdir(), 'obsynth-empty-cache-'));
    const saved = process.env['OBSYNTH_CACHE'];
    process.env['OBSYNTH_CACHE'] = emptyCache;
    try {
      await expect(startOtelCollector()).rejects.toThrow('bash test/backends/otelcol.sh install');
      await expect(startPrometheus()).rejects.toThrow('bash test/backends/prometheus.sh install');
      await expect(startVictoriaLogs()).rejects.toThrow('bash test/backends/victorialogs.sh install');
    } finally {
      if (saved === undefined) delete process.env['OBSYNTH_CACHE'];
      else process.env['OBSYNTH_CACHE'] = saved;
      await rm(emptyCache, { recursive: true, force: true });
    }
  });
});

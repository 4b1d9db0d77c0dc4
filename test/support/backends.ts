// Launcher for the real backend servers the integration tests talk to, started natively from
// the binaries that test/backends/<name>.sh install caches (no Docker). Each start picks free
// loopback ports, writes its config into a fresh temp data dir, spawns the binary, waits for
// readiness, and returns the endpoints plus stop(), which ends that process by its pid.
//
//   const col = await startOtelCollector();   // OTLP/HTTP in, OTLP-JSON lines out (logs, metrics)
//   const prom = await startPrometheus();     // remote-write receiver, 30d out-of-order window
//   const vl = await startVictoriaLogs();     // Loki push API in, LogsQL out
//   const aws = await startMoto();            // CloudWatch Logs + CloudWatch: the AWS SDK reads back
//   const sentry = await startSpotlight();    // Sentry envelopes via dsnFor(project); envelopes()
//   const kube = await startKubernetes();     // kube-apiserver + etcd; kubeconfigPath, token
//   ...
//   await col.stop();
//
// A missing binary is an error naming the install command, never a skip.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, generateKeyPairSync } from 'node:crypto';
import { existsSync, openSync, closeSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify as stringifyYaml } from 'yaml';
import { freePort } from '../../src/net/free-port.js';

// The checkout: two folders up from this file, or, when compiled elsewhere (bench/compile.mjs
// builds it under node_modules/.cache), the nearest folder up that has test/backends/lib.sh.
const repoRoot = findRepoRoot(fileURLToPath(new URL('.', import.meta.url)));

function findRepoRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'test', 'backends', 'lib.sh'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no obsynth checkout (test/backends/lib.sh) above ${from}`);
  }
}

export interface RunningBackend {
  readonly name: string;
  readonly pid: number;
  /** Fresh temp folder holding the config, the data and `server.log`. */
  readonly dataDir: string;
  readonly logFile: string;
  /** Ends the process by its pid (SIGTERM, SIGKILL after a grace period) and waits for it. Idempotent. */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Readiness timeout (default 60 s: the machine has 2 shared cores). */
  readonly readyTimeoutMs?: number;
  /** Keep dataDir after stop() (also when OBSYNTH_KEEP_BACKEND_DATA=1), for debugging. */
  readonly keepDataDir?: boolean;
  /** Extra command-line arguments for the server. */
  readonly extraArgs?: readonly string[];
}

// ---------------------------------------------------------------------------------------------
// OpenTelemetry Collector

export interface OtelCollector extends RunningBackend {
  /** Base URL of the OTLP/HTTP receiver: POST `${otlpHttpUrl}/v1/logs`, `/v1/metrics`, `/v1/traces`. */
  readonly otlpHttpUrl: string;
  /** File exporter outputs: one OTLP-JSON export request per line. */
  readonly logsFile: string;
  readonly metricsFile: string;
  readonly tracesFile: string;
}

export interface OtelCollectorOptions extends StartOptions {
  /** debug exporter verbosity in server.log (default 'basic': one line per batch). */
  readonly debugVerbosity?: 'basic' | 'normal' | 'detailed';
}

/**
 * The collector built from test/backends/otelcol-builder.yaml: OTLP/HTTP receiver, one
 * pipeline per signal, each to its own file exporter (and to the debug exporter).
 * There is no Loki receiver in it (not served by our module proxy): use startVictoriaLogs().
 */
export async function startOtelCollector(options: OtelCollectorOptions = {}): Promise<OtelCollector> {
  const binary = cachedBinary('otelcol');
  return withPortRetry(async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'obsynth-otelcol-'));
    const port = await freePort();
    const logsFile = join(dataDir, 'logs.jsonl');
    const metricsFile = join(dataDir, 'metrics.jsonl');
    const tracesFile = join(dataDir, 'traces.jsonl');
    const fileExporter = (path: string): string =>
      [`    path: ${JSON.stringify(path)}`, '    format: json', '    flush_interval: 100ms'].join('\n');
    const config = [
      'receivers:',
      '  otlp:',
      '    protocols:',
      '      http:',
      `        endpoint: 127.0.0.1:${port}`,
      'exporters:',
      '  file/logs:',
      fileExporter(logsFile),
      '  file/metrics:',
      fileExporter(metricsFile),
      '  file/traces:',
      fileExporter(tracesFile),
      '  debug:',
      `    verbosity: ${options.debugVerbosity ?? 'basic'}`,
      'service:',
      '  telemetry:',
      // Without this every collector would serve its own metrics on 127.0.0.1:8888 and two
      // collectors (parallel test files) would collide.
      '    metrics:',
      '      level: none',
      '  pipelines:',
      '    logs:',
      '      receivers: [otlp]',
      '      exporters: [file/logs, debug]',
      '    metrics:',
      '      receivers: [otlp]',
      '      exporters: [file/metrics, debug]',
      '    traces:',
      '      receivers: [otlp]',
      '      exporters: [file/traces, debug]',
      '',
    ].join('\n');
    const configFile = join(dataDir, 'otelcol.yaml');
    await writeFile(configFile, config);
    const otlpHttpUrl = `http://127.0.0.1:${port}`;
    const running = await launch({
      name: 'otelcol',
      binary,
      args: [`--config=file:${configFile}`, ...(options.extraArgs ?? [])],
      dataDir,
      options,
      // The receiver's HTTP server is started last, after the exporters, so any answer means
      // the pipelines are up (GET on /v1/logs answers 405).
      ready: async (signal) => (await fetch(`${otlpHttpUrl}/v1/logs`, { signal })).status > 0,
    });
    return { ...running, otlpHttpUrl, logsFile, metricsFile, tracesFile };
  });
}

/**
 * Parses a file exporter output: one OTLP-JSON export request per line. A missing file reads as
 * no lines, and a last line still being written (no newline yet) is left out.
 */
export async function readCollectorFile<T = Record<string, unknown>>(path: string): Promise<T[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const lines = text.split('\n');
  lines.pop(); // '' after the final newline, or a line still being written
  return lines.filter((line) => line.trim() !== '').map((line, i) => {
    try {
      return JSON.parse(line) as T;
    } catch (error) {
      throw new Error(`${path}: line ${i + 1} is not JSON: ${String(error)}: ${line.slice(0, 200)}`);
    }
  });
}

/** Polls readCollectorFile until `until(lines)` holds (the file exporter flushes every 100 ms). */
export async function waitForCollectorFile<T = Record<string, unknown>>(
  path: string,
  until: (lines: T[]) => boolean,
  timeoutMs = 10_000,
): Promise<T[]> {
  const deadline = Date.now() + timeoutMs;
  let lines: T[] = [];
  for (;;) {
    lines = await readCollectorFile<T>(path);
    if (until(lines)) return lines;
    if (Date.now() > deadline) {
      throw new Error(`${path}: condition not met within ${timeoutMs} ms; it has ${lines.length} line(s)`);
    }
    await sleep(100);
  }
}

// ---------------------------------------------------------------------------------------------
// Prometheus

export interface PrometheusServer extends RunningBackend {
  /** Base URL: HTTP API under `${url}/api/v1/...`. */
  readonly url: string;
  /** Remote-write receiver (protobuf + snappy): `${url}/api/v1/write`. */
  readonly remoteWriteUrl: string;
  query(expr: string, time?: Date | number): Promise<PromSample[]>;
  queryRange(expr: string, start: Date | number, end: Date | number, stepSecs: number): Promise<PromSeries[]>;
}

export interface PrometheusOptions extends StartOptions {
  /** storage.tsdb.out_of_order_time_window (default '30d': replays write history older than the head). */
  readonly outOfOrderTimeWindow?: string;
}

/**
 * Prometheus 2.42 (Debian) with `--web.enable-remote-write-receiver`, the admin API, a long
 * retention, and an out-of-order window so samples hours or days old are accepted.
 */
export async function startPrometheus(options: PrometheusOptions = {}): Promise<PrometheusServer> {
  const binary = cachedBinary('prometheus');
  return withPortRetry(async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'obsynth-prometheus-'));
    const port = await freePort();
    const configFile = join(dataDir, 'prometheus.yml');
    await writeFile(
      configFile,
      [
        'global:',
        '  evaluation_interval: 15s',
        'storage:',
        '  tsdb:',
        `    out_of_order_time_window: ${options.outOfOrderTimeWindow ?? '30d'}`,
        '',
      ].join('\n'),
    );
    const url = `http://127.0.0.1:${port}`;
    const running = await launch({
      name: 'prometheus',
      binary,
      args: [
        `--config.file=${configFile}`,
        `--storage.tsdb.path=${join(dataDir, 'tsdb')}`,
        // The default 15d would drop replayed history from compacted blocks.
        '--storage.tsdb.retention.time=10y',
        `--web.listen-address=127.0.0.1:${port}`,
        '--web.enable-remote-write-receiver',
        '--web.enable-admin-api',
        ...(options.extraArgs ?? []),
      ],
      dataDir,
      options,
      ready: async (signal) => (await fetch(`${url}/-/ready`, { signal })).ok,
    });
    return {
      ...running,
      url,
      remoteWriteUrl: `${url}/api/v1/write`,
      query: (expr, time) => promQuery(url, expr, time),
      queryRange: (expr, start, end, stepSecs) => promQueryRange(url, expr, start, end, stepSecs),
    };
  });
}

export interface PromSample {
  readonly metric: Record<string, string>;
  /** [unix seconds, value as text] */
  readonly value: [number, string];
}
export interface PromSeries {
  readonly metric: Record<string, string>;
  readonly values: Array<[number, string]>;
}

const toPromTime = (t: Date | number): string => String((t instanceof Date ? t.getTime() : t) / 1000);

/** Instant query (`/api/v1/query`); `time` is a Date or epoch ms. Returns the vector. */
export async function promQuery(url: string, expr: string, time?: Date | number): Promise<PromSample[]> {
  const params = new URLSearchParams({ query: expr });
  if (time !== undefined) params.set('time', toPromTime(time));
  return promApi<PromSample[]>(url, '/api/v1/query', params, 'vector');
}

/** Range query (`/api/v1/query_range`); start/end are Dates or epoch ms. Returns the matrix. */
export async function promQueryRange(
  url: string,
  expr: string,
  start: Date | number,
  end: Date | number,
  stepSecs: number,
): Promise<PromSeries[]> {
  const params = new URLSearchParams({ query: expr, start: toPromTime(start), end: toPromTime(end), step: String(stepSecs) });
  return promApi<PromSeries[]>(url, '/api/v1/query_range', params, 'matrix');
}

async function promApi<T>(url: string, path: string, params: URLSearchParams, resultType: string): Promise<T> {
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: params,
  });
  const text = await response.text();
  let body: { status?: string; data?: { resultType?: string; result?: unknown }; error?: string };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    throw new Error(`prometheus ${path} ${params.get('query')}: HTTP ${response.status}: ${text.slice(0, 500)}`);
  }
  if (!response.ok || body.status !== 'success') {
    throw new Error(`prometheus ${path} ${params.get('query')}: HTTP ${response.status}: ${body.error ?? text.slice(0, 500)}`);
  }
  if (body.data?.resultType !== resultType) {
    throw new Error(`prometheus ${path} ${params.get('query')}: expected a ${resultType}, got ${body.data?.resultType}`);
  }
  return body.data.result as T;
}

export interface RemoteWriteSeries {
  /** Must include __name__. */
  readonly labels: Record<string, string>;
  /** Epoch ms, ascending. */
  readonly samples: ReadonlyArray<{ readonly timestamp: number; readonly value: number }>;
}

/**
 * A test oracle, independent of src/: Prometheus remote write 1.0 with a hand-written protobuf
 * encoding of WriteRequest and snappy's block format using literals only (valid, uncompressed).
 * Returns the HTTP status and body text (204 on success; 400 "out of bounds" for a sample
 * older than the out-of-order window allows).
 */
export async function promRemoteWrite(
  remoteWriteUrl: string,
  series: readonly RemoteWriteSeries[],
): Promise<{ status: number; body: string }> {
  const request = Buffer.concat(series.map((s) => pbBytes(1, encodeTimeSeries(s))));
  const response = await fetch(remoteWriteUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-protobuf',
      'content-encoding': 'snappy',
      'x-prometheus-remote-write-version': '0.1.0',
    },
    body: snappyLiteralBlock(request),
  });
  return { status: response.status, body: await response.text() };
}

function encodeTimeSeries(series: RemoteWriteSeries): Buffer {
  // Prometheus wants labels sorted by name.
  const labels = Object.entries(series.labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Buffer.concat([
    ...labels.map(([name, value]) => pbBytes(1, Buffer.concat([pbString(1, name), pbString(2, value)]))),
    ...series.samples.map((s) => {
      const value = Buffer.alloc(8);
      value.writeDoubleLE(s.value);
      return pbBytes(2, Buffer.concat([pbKey(1, 1), value, pbKey(2, 0), varint(s.timestamp)]));
    }),
  ]);
}

function varint(n: number): Buffer {
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`varint: ${n} is not a non-negative safe integer`);
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
  return Buffer.from(out);
}
const pbKey = (field: number, wireType: number): Buffer => varint(field * 8 + wireType);
const pbBytes = (field: number, payload: Buffer): Buffer => Buffer.concat([pbKey(field, 2), varint(payload.length), payload]);
const pbString = (field: number, s: string): Buffer => pbBytes(field, Buffer.from(s, 'utf8'));

function snappyLiteralBlock(raw: Buffer): Buffer {
  const parts: Buffer[] = [varint(raw.length)];
  for (let offset = 0; offset < raw.length; offset += 0x10000) {
    const chunk = raw.subarray(offset, offset + 0x10000);
    const n = chunk.length - 1;
    parts.push(n < 60 ? Buffer.from([n << 2]) : n < 0x100 ? Buffer.from([60 << 2, n]) : Buffer.from([61 << 2, n & 0xff, n >> 8]), chunk);
  }
  return Buffer.concat(parts);
}

// ---------------------------------------------------------------------------------------------
// VictoriaLogs

export interface VictoriaLogsServer extends RunningBackend {
  readonly url: string;
  /** Loki push API: JSON (Content-Type application/json) or protobuf + snappy. */
  readonly lokiPushUrl: string;
  /** OTLP/HTTP logs (protobuf). */
  readonly otlpLogsUrl: string;
  /** Makes recently pushed data searchable. */
  flush(): Promise<void>;
  /** flush(), then a LogsQL query; returns one object per log entry (_msg, _time, _stream, fields). */
  query(logsql: string, limit?: number): Promise<Array<Record<string, string>>>;
}

/** VictoriaLogs with a 100-year retention, so replayed history of any age is kept. */
export async function startVictoriaLogs(options: StartOptions = {}): Promise<VictoriaLogsServer> {
  const binary = cachedBinary('victorialogs');
  return withPortRetry(async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'obsynth-victorialogs-'));
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const running = await launch({
      name: 'victorialogs',
      binary,
      args: [
        `-httpListenAddr=127.0.0.1:${port}`,
        `-storageDataPath=${join(dataDir, 'data')}`,
        '-retentionPeriod=100y',
        ...(options.extraArgs ?? []),
      ],
      dataDir,
      options,
      ready: async (signal) => (await fetch(`${url}/health`, { signal })).ok,
    });
    return {
      ...running,
      url,
      lokiPushUrl: `${url}/insert/loki/api/v1/push`,
      otlpLogsUrl: `${url}/insert/opentelemetry/v1/logs`,
      flush: () => victoriaLogsFlush(url),
      query: async (logsql, limit) => {
        await victoriaLogsFlush(url);
        return victoriaLogsQuery(url, logsql, limit);
      },
    };
  });
}

export async function victoriaLogsFlush(url: string): Promise<void> {
  const response = await fetch(`${url}/internal/force_flush`);
  if (!response.ok) throw new Error(`victorialogs force_flush: HTTP ${response.status}: ${await response.text()}`);
}

/** A LogsQL query over all time (`/select/logsql/query`); the answer is JSON lines. */
export async function victoriaLogsQuery(url: string, logsql: string, limit?: number): Promise<Array<Record<string, string>>> {
  const params = new URLSearchParams({ query: logsql });
  if (limit !== undefined) params.set('limit', String(limit));
  const response = await fetch(`${url}/select/logsql/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: params,
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`victorialogs query ${logsql}: HTTP ${response.status}: ${text.slice(0, 500)}`);
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, string>);
}

// ---------------------------------------------------------------------------------------------
// moto (CloudWatch Logs, CloudWatch metrics and alarms)

export interface MotoServer extends RunningBackend {
  /** Give this to the AWS SDK clients as `endpoint`, with `region` and `credentials`. */
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** Forgets every log group, metric and alarm (`POST /moto-api/reset`). */
  reset(): Promise<void>;
  /** moto's own view of its state (`GET /moto-api/data.json`), for debugging. */
  data(): Promise<Record<string, unknown>>;
}

export interface MotoOptions extends StartOptions {
  /** Default 'us-east-1'. moto keeps each region apart. */
  readonly region?: string;
}

/**
 * moto's server (test/backends/moto.sh): CloudWatch Logs (AWS JSON 1.1) and CloudWatch (AWS JSON
 * 1.0, as @aws-sdk/client-cloudwatch speaks it) on one loopback endpoint. Read back with the SDK
 * itself (GetLogEvents, FilterLogEvents, GetMetricData, DescribeAlarms). Not implemented by
 * moto: DescribeAlarmHistory (it answers 500 with an HTML page, which the SDK reports as a
 * deserialization SyntaxError).
 */
export async function startMoto(options: MotoOptions = {}): Promise<MotoServer> {
  const binary = cachedBinary('moto');
  return withPortRetry(async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'obsynth-moto-'));
    const port = await freePort();
    const endpoint = `http://127.0.0.1:${port}`;
    const running = await launch({
      name: 'moto',
      binary,
      args: ['-H', '127.0.0.1', '-p', String(port), ...(options.extraArgs ?? [])],
      dataDir,
      options,
      ready: async (signal) => (await fetch(`${endpoint}/moto-api/data.json`, { signal })).ok,
    });
    const motoApi = async (method: string, path: string): Promise<string> => {
      const response = await fetch(`${endpoint}${path}`, { method });
      const text = await response.text();
      if (!response.ok) throw new Error(`moto ${method} ${path}: HTTP ${response.status}: ${text.slice(0, 500)}`);
      return text;
    };
    return {
      ...running,
      endpoint,
      region: options.region ?? 'us-east-1',
      credentials: { accessKeyId: 'obsynth-test', secretAccessKey: 'obsynth-test' },
      reset: async () => {
        await motoApi('POST', '/moto-api/reset');
      },
      data: async () => JSON.parse(await motoApi('GET', '/moto-api/data.json')) as Record<string, unknown>,
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Spotlight (Sentry envelopes)

export interface SentryEnvelopeItem {
  /** The item header: `type` ('event', 'transaction', 'attachment', ...), `length` when given. */
  readonly headers: { readonly type: string; readonly length?: number; readonly [key: string]: unknown };
  /** The payload parsed as JSON; attachments and non-JSON payloads stay a Buffer. */
  readonly payload: unknown;
  readonly raw: Buffer;
}

export interface SentryEnvelope {
  /** Receive time at the server, epoch ms. */
  readonly receivedAtMs: number;
  /** Request path: `/api/<project>/envelope/` for a DSN, `/stream` for the SDKs' spotlight option. */
  readonly path: string;
  /** Project id from the path (`dsnFor(project)`), null for `/stream`. */
  readonly project: string | null;
  /** Query parameters: a DSN sends sentry_key, sentry_version and sentry_client here. */
  readonly query: Readonly<Record<string, string>>;
  /** As sent: SDK transports send none. */
  readonly contentType: string | null;
  /** As sent (`gzip` above 32 KiB from @sentry/node); the body below is decompressed. */
  readonly contentEncoding: string | null;
  readonly sentryAuth: string | null;
  /** The envelope header: event_id, sent_at, sdk, trace, ... */
  readonly headers: Readonly<Record<string, unknown>>;
  readonly items: readonly SentryEnvelopeItem[];
  /** The decompressed body. */
  readonly body: Buffer;
}

/** One envelope as Spotlight itself parsed and buffered it: its /stream feed (what its UI shows). */
export type SpotlightFeedEnvelope = [
  Record<string, unknown> & { readonly __spotlight_envelope_id: string },
  Array<[Record<string, unknown> & { readonly type: string }, unknown]>,
];

export interface SpotlightServer extends RunningBackend {
  /** Base URL: envelopes on `/api/<project>/envelope/` (DSN) and `/stream` (SDK spotlight option). */
  readonly url: string;
  /** The public key in every dsnFor() DSN. */
  readonly publicKey: string;
  /** A DSN that sends to this server's project `project` (Sentry requires a numeric project id). */
  dsnFor(project: number | string): string;
  /**
   * Every envelope POSTed so far, in arrival order, parsed (header + items), with the project
   * from its path. Recorded by the front server before it answers, so an SDK's flush() having
   * resolved means its envelopes are here.
   */
  envelopes(): Promise<SentryEnvelope[]>;
  /** Polls envelopes() until `until(envelopes)` holds. */
  waitForEnvelopes(until: (envelopes: SentryEnvelope[]) => boolean, timeoutMs?: number): Promise<SentryEnvelope[]>;
  /** Spotlight's own buffer (the last 500 envelopes) as its SSE `/stream` feed replays it. */
  feed(): Promise<SpotlightFeedEnvelope[]>;
  /** Forgets what was received: the recorded envelopes and Spotlight's buffer (`DELETE /clear`). */
  clear(): Promise<void>;
}

/**
 * Spotlight 4.11.8 (npm devDependency) in a child process, behind a small recording front server
 * (test/backends/spotlight-server.mjs explains why: SDK transports send no Content-Type, and
 * Spotlight drops such payloads from its buffer and feed).
 */
export async function startSpotlight(options: StartOptions = {}): Promise<SpotlightServer> {
  const runner = cachedBinary('spotlight');
  if (!existsSync(join(repoRoot, 'node_modules', '@spotlightjs', 'spotlight', 'package.json'))) {
    throw new Error('spotlight: @spotlightjs/spotlight is not in node_modules; run `npm ci` (then `bash test/backends/spotlight.sh install` checks it).');
  }
  return withPortRetry(async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'obsynth-spotlight-'));
    const port = await freePort();
    const captureFile = join(dataDir, 'envelopes.jsonl');
    const url = `http://127.0.0.1:${port}`;
    const running = await launch({
      name: 'spotlight',
      binary: process.execPath,
      args: [runner, '--port', String(port), '--capture', captureFile, ...(options.extraArgs ?? [])],
      dataDir,
      options,
      ready: async (signal) => {
        const response = await fetch(`${url}/health`, { signal });
        return response.ok && (await response.text()) === 'OK';
      },
    });
    const publicKey = 'obsynthtestpublickey';
    const envelopes = (): Promise<SentryEnvelope[]> => readSpotlightCapture(captureFile);
    return {
      ...running,
      url,
      publicKey,
      dsnFor: (project) => {
        if (!/^\d+$/.test(String(project))) throw new Error(`spotlight dsnFor: project ${String(project)} is not a numeric project id`);
        return `http://${publicKey}@127.0.0.1:${port}/${project}`;
      },
      envelopes,
      waitForEnvelopes: async (until, timeoutMs = 10_000) => {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          const received = await envelopes();
          if (until(received)) return received;
          if (Date.now() > deadline) {
            throw new Error(`spotlight: condition not met within ${timeoutMs} ms; ${received.length} envelope(s) received`);
          }
          await sleep(100);
        }
      },
      feed: () => readSpotlightFeed(url),
      clear: async () => {
        await writeFile(captureFile, '');
        const response = await fetch(`${url}/clear`, { method: 'DELETE' });
        if (!response.ok) throw new Error(`spotlight DELETE /clear: HTTP ${response.status}: ${await response.text()}`);
      },
    };
  });
}

interface SpotlightCaptureLine {
  receivedAtMs: number;
  path: string;
  project: string | null;
  query: Record<string, string>;
  contentType: string | null;
  contentEncoding: string | null;
  sentryAuth: string | null;
  body: string;
}

async function readSpotlightCapture(captureFile: string): Promise<SentryEnvelope[]> {
  const lines = await readCollectorFile<SpotlightCaptureLine>(captureFile);
  return lines.map((line) => {
    const body = Buffer.from(line.body, 'base64');
    const { headers, items } = parseSentryEnvelope(body);
    const { body: _base64, ...rest } = line;
    return { ...rest, headers, items, body };
  });
}

/**
 * A test oracle, independent of src/ and of the Sentry SDK: Sentry's envelope format. A header
 * line (JSON), then items: an item header line (JSON), then the payload, `length` bytes when the
 * item header gives it (an optional newline follows), else up to the next newline.
 */
export function parseSentryEnvelope(body: Buffer): { headers: Record<string, unknown>; items: SentryEnvelopeItem[] } {
  let offset = 0;
  const readLine = (): Buffer => {
    const end = body.indexOf(0x0a, offset);
    const line = body.subarray(offset, end === -1 ? body.length : end);
    offset = end === -1 ? body.length : end + 1;
    return line;
  };
  const json = (bytes: Buffer, what: string): Record<string, unknown> => {
    try {
      return JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
    } catch (error) {
      throw new Error(`sentry envelope: ${what} is not JSON (${String(error)}): ${bytes.toString('utf8').slice(0, 200)}`);
    }
  };
  const headers = json(readLine(), 'the envelope header');
  const items: SentryEnvelopeItem[] = [];
  while (offset < body.length) {
    const headerLine = readLine();
    if (headerLine.length === 0) continue; // a trailing newline
    const itemHeaders = json(headerLine, `item ${items.length} header`) as SentryEnvelopeItem['headers'];
    let raw: Buffer;
    if (typeof itemHeaders.length === 'number') {
      raw = body.subarray(offset, offset + itemHeaders.length);
      if (raw.length !== itemHeaders.length) {
        throw new Error(`sentry envelope: item ${items.length} (${itemHeaders.type}) declares ${itemHeaders.length} bytes, ${raw.length} left`);
      }
      offset += itemHeaders.length;
      if (body[offset] === 0x0a) offset += 1;
    } else {
      raw = readLine();
    }
    let payload: unknown = raw;
    if (itemHeaders.type !== 'attachment') {
      try {
        payload = JSON.parse(raw.toString('utf8'));
      } catch {
        payload = raw;
      }
    }
    items.push({ headers: itemHeaders, payload, raw });
  }
  return { headers, items };
}

/** Reads Spotlight's SSE `/stream` until it has replayed its buffer (quiet for 300 ms). */
async function readSpotlightFeed(url: string, timeoutMs = 10_000): Promise<SpotlightFeedEnvelope[]> {
  const controller = new AbortController();
  const deadline = setTimeout(() => controller.abort(), timeoutMs);
  const envelopes: SpotlightFeedEnvelope[] = [];
  try {
    const response = await fetch(`${url}/stream?client=obsynth-tests`, { signal: controller.signal });
    if (!response.ok || !response.body) throw new Error(`spotlight GET /stream: HTTP ${response.status}`);
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    for (;;) {
      let quiet: NodeJS.Timeout | undefined;
      const chunk = await Promise.race([
        reader.read(),
        new Promise<'quiet'>((resolve) => {
          quiet = setTimeout(() => resolve('quiet'), 300);
        }),
      ]);
      clearTimeout(quiet);
      if (chunk === 'quiet' || chunk.done) break;
      text += chunk.value;
      // SSE: events end with a blank line; keep an incomplete last one for the next chunk.
      const events = text.split('\n\n');
      text = events.pop() ?? '';
      for (const event of events) {
        const data = event
          .split('\n')
          .filter((line) => line.startsWith('data:'))
          .map((line) => line.slice('data:'.length).replace(/^ /, ''))
          .join('\n');
        if (data) envelopes.push(JSON.parse(data) as SpotlightFeedEnvelope);
      }
    }
    await reader.cancel().catch(() => undefined);
  } finally {
    clearTimeout(deadline);
    controller.abort();
  }
  return envelopes;
}

// ---------------------------------------------------------------------------------------------
// Kubernetes (kube-apiserver + etcd)

export interface KubernetesServer extends RunningBackend {
  /** The apiserver's HTTPS URL (self-signed certificate: skip verification). */
  readonly server: string;
  /** Bearer token of a system:masters user (authorization is AlwaysAllow anyway). */
  readonly token: string;
  /** A kubeconfig for `server` + `token` with insecure-skip-tls-verify (KubeConfig.loadFromFile). */
  readonly kubeconfigPath: string;
  /** The etcd behind it (client URL, pid, log). Stopped by stop() too. */
  readonly etcd: { readonly url: string; readonly pid: number; readonly logFile: string };
  /**
   * A request to the apiserver with the token (TLS unverified): a test oracle independent of
   * @kubernetes/client-node. Returns status and parsed JSON (or text when not JSON).
   */
  request(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }>;
}

export interface KubernetesOptions extends StartOptions {
  /** `--event-ttl` (default '24h'; the apiserver's own default deletes events after 1 hour). */
  readonly eventTtl?: string;
  /** Extra etcd arguments (extraArgs go to kube-apiserver). */
  readonly etcdExtraArgs?: readonly string[];
}

/**
 * etcd and kube-apiserver built from Go modules (test/backends/kubernetes.sh), both on loopback,
 * with token authentication and AlwaysAllow authorization. No controller-manager or scheduler:
 * create a Namespace before anything in it; deleted namespaces stay Terminating, so use a unique
 * namespace per test. Readiness is `/readyz` (can take 20-60 s on 2 busy cores; default timeout
 * 120 s).
 */
export async function startKubernetes(options: KubernetesOptions = {}): Promise<KubernetesServer> {
  const apiserverBinary = cachedBinary('kubernetes');
  const etcdBinary = cachedBinary('kubernetes', 'etcd-path');
  const readyTimeoutMs = options.readyTimeoutMs ?? 120_000;
  const keep = options.keepDataDir === true || process.env['OBSYNTH_KEEP_BACKEND_DATA'] === '1';
  return withPortRetry(async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'obsynth-kubernetes-'));
    // Each process gets its own subfolder (launch() removes it on stop); dataDir holds both.
    const etcdDir = join(dataDir, 'etcd');
    const apiDir = join(dataDir, 'apiserver');
    await Promise.all([mkdir(etcdDir), mkdir(apiDir)]);
    const [clientPort, peerPort, securePort] = await distinctFreePorts(3);
    const etcdUrl = `http://127.0.0.1:${clientPort}`;
    const peerUrl = `http://127.0.0.1:${peerPort}`;
    const etcd = await launch({
      name: 'etcd',
      binary: etcdBinary,
      args: [
        '--name=obsynth',
        `--data-dir=${join(etcdDir, 'data')}`,
        `--listen-client-urls=${etcdUrl}`,
        `--advertise-client-urls=${etcdUrl}`,
        `--listen-peer-urls=${peerUrl}`,
        `--initial-advertise-peer-urls=${peerUrl}`,
        `--initial-cluster=obsynth=${peerUrl}`,
        '--unsafe-no-fsync', // test data: no fsync on every write (2 shared cores, one disk)
        '--log-level=warn',
        ...(options.etcdExtraArgs ?? []),
      ],
      dataDir: etcdDir,
      options: { ...options, keepDataDir: true, readyTimeoutMs: Math.min(readyTimeoutMs, 60_000) },
      ready: async (signal) => {
        const response = await fetch(`${etcdUrl}/health`, { signal });
        return response.ok && ((await response.json()) as { health?: string }).health === 'true';
      },
    }).catch(async (error: unknown) => {
      if (!(error instanceof PortInUseError)) throw error;
      await rm(dataDir, { recursive: true, force: true });
      throw error;
    });

    try {
      const token = randomBytes(24).toString('hex');
      const tokenFile = join(apiDir, 'tokens.csv');
      await writeFile(tokenFile, `${token},obsynth-admin,obsynth-admin-uid,"system:masters"\n`, { mode: 0o600 });
      // Service-account token signing keys (required flags; nothing here uses the tokens).
      const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const saKey = join(apiDir, 'sa.key');
      const saPub = join(apiDir, 'sa.pub');
      await writeFile(saKey, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
      await writeFile(saPub, publicKey.export({ type: 'spki', format: 'pem' }));
      const server = `https://127.0.0.1:${securePort}`;
      const kubeconfigPath = join(dataDir, 'kubeconfig.yaml');
      await writeFile(
        kubeconfigPath,
        stringifyYaml({
          apiVersion: 'v1',
          kind: 'Config',
          clusters: [{ name: 'obsynth', cluster: { server, 'insecure-skip-tls-verify': true } }],
          users: [{ name: 'obsynth-admin', user: { token } }],
          contexts: [{ name: 'obsynth', context: { cluster: 'obsynth', user: 'obsynth-admin' } }],
          'current-context': 'obsynth',
        }),
        { mode: 0o600 },
      );
      const request = (method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> =>
        kubeRequest(server, token, method, path, body);
      const apiserver = await launch({
        name: 'kube-apiserver',
        binary: apiserverBinary,
        args: [
          `--etcd-servers=${etcdUrl}`,
          `--secure-port=${securePort}`,
          '--bind-address=127.0.0.1',
          '--advertise-address=127.0.0.1', // else it looks for a default route
          `--cert-dir=${join(apiDir, 'certs')}`, // writes a self-signed serving certificate there
          '--service-cluster-ip-range=10.96.0.0/24',
          '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
          `--service-account-key-file=${saPub}`,
          `--service-account-signing-key-file=${saKey}`,
          `--token-auth-file=${tokenFile}`,
          '--authorization-mode=AlwaysAllow',
          `--event-ttl=${options.eventTtl ?? '24h'}`,
          '--profiling=false',
          ...(options.extraArgs ?? []),
        ],
        dataDir: apiDir,
        options: { ...options, keepDataDir: true, readyTimeoutMs },
        ready: async (signal) => (await kubeRequest(server, token, 'GET', '/readyz', undefined, signal)).status === 200,
      });
      let stopped = false;
      const stop = async (): Promise<void> => {
        if (stopped) return;
        stopped = true;
        await apiserver.stop();
        await etcd.stop();
        if (!keep) await rm(dataDir, { recursive: true, force: true });
      };
      return {
        name: 'kubernetes',
        pid: apiserver.pid,
        dataDir,
        logFile: apiserver.logFile,
        stop,
        server,
        token,
        kubeconfigPath,
        etcd: { url: etcdUrl, pid: etcd.pid, logFile: etcd.logFile },
        request,
      };
    } catch (error) {
      await etcd.stop();
      // As launch() does: keep dataDir (configs, both logs) for a look, except after a lost port race.
      if (error instanceof PortInUseError) await rm(dataDir, { recursive: true, force: true });
      throw error;
    }
  });
}

function kubeRequest(
  server: string,
  token: string,
  method: string,
  path: string,
  body?: unknown,
  signal?: AbortSignal,
): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = httpsRequest(
      new URL(path, server),
      {
        method,
        rejectUnauthorized: false, // the apiserver's self-signed serving certificate
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/json',
          ...(payload ? { 'content-type': 'application/json', 'content-length': String(payload.length) } : {}),
        },
        ...(signal ? { signal } : {}),
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // /readyz and /healthz answer plain text
          }
          resolve({ status: response.statusCode ?? 0, body: parsed });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** `count` free loopback ports, all different. */
async function distinctFreePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

// ---------------------------------------------------------------------------------------------
// Process management

type BackendName = 'otelcol' | 'prometheus' | 'victorialogs' | 'moto' | 'kubernetes' | 'spotlight';

/**
 * Asks test/backends/<name>.sh where its cached binary lives (one source of truth for paths);
 * `query` is the script's subcommand (`path`, or e.g. `etcd-path` for kubernetes.sh).
 */
function cachedBinary(name: BackendName, query = 'path'): string {
  const script = join(repoRoot, 'test', 'backends', `${name}.sh`);
  const path = execFileSync('bash', [script, query], { encoding: 'utf8' }).trim();
  if (!existsSync(path)) {
    throw new Error(
      `${name}: no binary at ${path}. Install it with \`bash test/backends/${name}.sh install\` ` +
        '(or every backend with `bash test/backends/install-all.sh`, as .ci/run does).',
    );
  }
  return path;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function killAllOnExit(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Only the processes this module started, by their own handles.
  process.on('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
}

interface LaunchSpec {
  readonly name: string;
  readonly binary: string;
  readonly args: readonly string[];
  readonly dataDir: string;
  readonly options: StartOptions;
  /** One readiness probe: resolves true when ready; a throw or false means not yet. */
  readonly ready: (signal: AbortSignal) => Promise<boolean>;
}

class PortInUseError extends Error {}

async function launch(spec: LaunchSpec): Promise<RunningBackend> {
  const logFile = join(spec.dataDir, 'server.log');
  const logFd = openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(spec.binary, spec.args, { cwd: spec.dataDir, stdio: ['ignore', logFd, logFd] });
  } finally {
    closeSync(logFd);
  }
  killAllOnExit();
  live.add(child);
  let spawnFailure: Error | undefined;
  child.once('error', (error) => {
    spawnFailure = error;
  });
  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exitPromise = new Promise<void>((resolve) => {
    child.once('close', (code, signal) => {
      exited = { code, signal };
      live.delete(child);
      resolve();
    });
  });
  const terminate = async (): Promise<void> => {
    if (exited || spawnFailure) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exitPromise;
    clearTimeout(timer);
  };
  let stopped = false;
  const keep = spec.options.keepDataDir === true || process.env['OBSYNTH_KEEP_BACKEND_DATA'] === '1';
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await terminate();
    if (!keep) await rm(spec.dataDir, { recursive: true, force: true });
  };
  const describe = (): string => `command: ${spec.binary} ${spec.args.join(' ')}`;

  // Failures below keep dataDir (config and server.log) for a look, except a lost port race.
  const timeoutMs = spec.options.readyTimeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  let lastProbeError = '';
  for (;;) {
    if (spawnFailure) {
      live.delete(child);
      throw new Error(`${spec.name}: could not start ${spec.binary}: ${spawnFailure.message}`);
    }
    if (exited) {
      const tail = await logTail(logFile);
      const message =
        `${spec.name} exited before it was ready (code ${exited.code}, signal ${exited.signal}); ${describe()}\n` +
        `last lines of ${logFile}:\n${tail}`;
      if (/address already in use/i.test(tail)) {
        await rm(spec.dataDir, { recursive: true, force: true });
        throw new PortInUseError(message);
      }
      throw new Error(message);
    }
    try {
      if (await spec.ready(AbortSignal.timeout(2_000))) break;
      lastProbeError = 'not ready yet';
    } catch (error) {
      lastProbeError = error instanceof Error ? `${error.message}${error.cause ? `: ${String(error.cause)}` : ''}` : String(error);
    }
    if (Date.now() > deadline) {
      await terminate();
      const tail = await logTail(logFile);
      throw new Error(
        `${spec.name} was not ready within ${timeoutMs} ms (last probe: ${lastProbeError}); ${describe()}\n` +
          `last lines of ${logFile}:\n${tail}`,
      );
    }
    await sleep(100);
  }
  return { name: spec.name, pid: child.pid ?? -1, dataDir: spec.dataDir, logFile, stop };
}

/** Free ports are picked by binding port 0; another process may take one before the server does, so retry. */
async function withPortRetry<T>(start: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (error) {
      if (!(error instanceof PortInUseError) || attempt >= attempts) throw error;
    }
  }
}


async function logTail(path: string, lines = 40): Promise<string> {
  try {
    const text = await readFile(path, 'utf8');
    return text.trimEnd().split('\n').slice(-lines).join('\n') || '(empty)';
  } catch (error) {
    return `(cannot read the log: ${String(error)})`;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

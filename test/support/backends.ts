// Launcher for the real backend servers the integration tests talk to, started natively from
// the binaries that test/backends/<name>.sh install caches (no Docker). Each start picks free
// loopback ports, writes its config into a fresh temp data dir, spawns the binary, waits for
// readiness, and returns the endpoints plus stop(), which ends that process by its pid.
//
//   const col = await startOtelCollector();   // OTLP/HTTP in, OTLP-JSON lines out (logs, metrics)
//   const prom = await startPrometheus();     // remote-write receiver, 30d out-of-order window
//   const vl = await startVictoriaLogs();     // Loki push API in, LogsQL out
//   ...
//   await col.stop();
//
// A missing binary is an error naming the install command, never a skip.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, openSync, closeSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

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
// Process management

type BackendName = 'otelcol' | 'prometheus' | 'victorialogs';

/** Asks test/backends/<name>.sh where its cached binary lives (one source of truth for paths). */
function cachedBinary(name: BackendName): string {
  const script = join(repoRoot, 'test', 'backends', `${name}.sh`);
  const path = execFileSync('bash', [script, 'path'], { encoding: 'utf8' }).trim();
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

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error('could not read the port of a loopback listener'));
        return;
      }
      server.close(() => resolve(address.port));
    });
  });
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

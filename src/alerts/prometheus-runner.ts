// The real Prometheus engine over a dataset: `promtool tsdb create-blocks-from openmetrics`
// writes the series into a fresh TSDB folder, a private `prometheus` serves it on a free
// loopback port, and the HTTP API answers range queries. Only the process started here is ever
// stopped, by its own handle.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Clock } from '../time/clock.js';
import { freePort } from '../net/free-port.js';

const execFileAsync = promisify(execFile);

/** Prometheus refuses range queries of more than 11,000 points per series. */
export const MAX_POINTS_PER_QUERY = 10_000;

export interface MatrixSeries {
  readonly metric: Readonly<Record<string, string>>;
  /** [unix seconds, value text] */
  readonly values: ReadonlyArray<readonly [number, string]>;
}

async function run(binary: string, args: readonly string[], what: string): Promise<string> {
  try {
    const { stdout, stderr } = await execFileAsync(binary, [...args], { maxBuffer: 64 * 1024 * 1024, timeout: 3_600_000 });
    return `${stdout}${stderr}`;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    const output = `${e.stdout ?? ''}${e.stderr ?? ''}`.trim().split('\n').slice(-20).join('\n');
    throw new Error(`${what} failed: ${output || e.message}`);
  }
}

/**
 * Backfills an OpenMetrics file into `tsdbDir`. Blocks as long as the data allows (the hidden
 * --max-block-duration; promtool rounds it down to 2h x 3^n): promtool reads its input once per
 * block, so 2-hour blocks would read a day's file twelve times.
 */
export async function backfillOpenMetrics(promtool: string, file: string, tsdbDir: string, spanMs: number): Promise<void> {
  const hours = Math.max(2, Math.ceil((spanMs / 3_600_000) * 3));
  await run(promtool, ['tsdb', 'create-blocks-from', 'openmetrics', `--max-block-duration=${hours}h`, '--quiet', file, tsdbDir], 'promtool tsdb create-blocks-from openmetrics');
}

/**
 * Evaluates the recording rules of `files` over [start, end) with the server's data, into blocks
 * moved into `tsdbDir` (the server reads them after a restart). Groups keep their own interval;
 * `defaultIntervalMs` is for those without one. promtool skips alerting rules.
 */
export async function backfillRecordingRules(promtool: string, url: string, files: readonly string[], start: number, end: number, defaultIntervalMs: number, workDir: string, tsdbDir: string): Promise<void> {
  const out = join(workDir, 'recording-blocks');
  await run(
    promtool,
    ['tsdb', 'create-blocks-from', 'rules', `--url=${url}`, `--start=${Math.floor(start / 1000)}`, `--end=${Math.ceil(end / 1000)}`, `--output-dir=${out}`, `--eval-interval=${Math.max(1, Math.round(defaultIntervalMs / 1000))}s`, ...files],
    'promtool tsdb create-blocks-from rules',
  );
  let entries: string[] = [];
  try {
    entries = readdirSync(out);
  } catch {
    entries = [];
  }
  for (const name of entries) if (/^[0-9A-Z]{26}$/.test(name)) renameSync(join(out, name), join(tsdbDir, name));
}

export interface PrometheusServer {
  readonly url: string;
  readonly pid: number;
  readonly logFile: string;
  queryRange(expr: string, startMs: number, endMs: number, stepMs: number): Promise<MatrixSeries[]>;
  /** SIGTERM, SIGKILL after 10 s; idempotent. */
  stop(): Promise<void>;
}

export interface StartPrometheusOptions {
  readonly binary: string;
  readonly tsdbDir: string;
  /** Holds the config file and server.log. */
  readonly workDir: string;
  readonly clock: Clock;
  readonly readyTimeoutMs?: number;
}

const live = new Set<ChildProcess>();
let exitHook = false;

/** Starts a private Prometheus on the TSDB folder and waits until it answers /-/ready. */
export async function startPrometheus(options: StartPrometheusOptions): Promise<PrometheusServer> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(options, await freePort());
    } catch (err) {
      if (!(err instanceof PortTaken) || attempt >= 3) throw err;
    }
  }
}

class PortTaken extends Error {}

async function startOnce(options: StartPrometheusOptions, port: number): Promise<PrometheusServer> {
  const configFile = join(options.workDir, 'prometheus.yml');
  writeFileSync(configFile, 'global:\n  evaluation_interval: 1m\n');
  const logFile = join(options.workDir, 'server.log');
  const fd = openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(
      options.binary,
      [
        `--config.file=${configFile}`,
        `--storage.tsdb.path=${options.tsdbDir}`,
        // Time retention counts back from the newest block, and the default 15d would drop
        // the start of a longer dataset.
        '--storage.tsdb.retention.time=10y',
        `--web.listen-address=127.0.0.1:${port}`,
        '--query.timeout=10m',
        '--log.level=warn',
      ],
      { cwd: options.workDir, stdio: ['ignore', fd, fd] },
    );
  } finally {
    closeSync(fd);
  }
  live.add(child);
  if (!exitHook) {
    exitHook = true;
    process.on('exit', () => {
      for (const c of live) c.kill('SIGKILL');
    });
  }
  let exited = false;
  let spawnError: Error | undefined;
  child.once('error', (err) => (spawnError = err));
  const closed = new Promise<void>((resolve) =>
    child.once('close', () => {
      exited = true;
      live.delete(child);
      resolve();
    }),
  );
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      if (exited || spawnError) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await closed;
      clearTimeout(timer);
    })());
  const url = `http://127.0.0.1:${port}`;
  const deadline = options.clock.monotonic() + (options.readyTimeoutMs ?? 120_000);
  for (;;) {
    if (spawnError) throw new Error(`cannot start ${options.binary}: ${spawnError.message}`);
    if (exited) {
      const log = tail(logFile);
      if (/address already in use/.test(log)) throw new PortTaken(log);
      throw new Error(`prometheus exited before it was ready; its log (${logFile}):\n${log}`);
    }
    try {
      const res = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (options.clock.monotonic() > deadline) {
      await stop();
      throw new Error(`prometheus was not ready after ${Math.round((options.readyTimeoutMs ?? 120_000) / 1000)} s; its log (${logFile}):\n${tail(logFile)}`);
    }
    await options.clock.sleep(200);
  }
  return {
    url,
    pid: child.pid ?? -1,
    logFile,
    stop,
    queryRange: (expr, startMs, endMs, stepMs) => queryRangeChunked(url, expr, startMs, endMs, stepMs),
  };
}

/** query_range over any span: pieces of at most MAX_POINTS_PER_QUERY steps, merged per series. */
async function queryRangeChunked(url: string, expr: string, startMs: number, endMs: number, stepMs: number): Promise<MatrixSeries[]> {
  const bySeries = new Map<string, { metric: Record<string, string>; values: Array<[number, string]> }>();
  for (let from = startMs; from <= endMs; from += MAX_POINTS_PER_QUERY * stepMs) {
    const to = Math.min(endMs, from + (MAX_POINTS_PER_QUERY - 1) * stepMs);
    for (const s of await queryRange(url, expr, from, to, stepMs)) {
      const key = JSON.stringify(Object.entries(s.metric).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
      let entry = bySeries.get(key);
      if (!entry) bySeries.set(key, (entry = { metric: { ...s.metric }, values: [] }));
      for (const v of s.values) entry.values.push([v[0], v[1]]);
    }
  }
  return [...bySeries.values()];
}

async function queryRange(url: string, expr: string, startMs: number, endMs: number, stepMs: number): Promise<MatrixSeries[]> {
  const params = new URLSearchParams({ query: expr, start: String(startMs / 1000), end: String(endMs / 1000), step: String(stepMs / 1000) });
  const res = await fetch(`${url}/api/v1/query_range`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: params });
  const text = await res.text();
  let body: { status?: string; error?: string; data?: { resultType?: string; result?: MatrixSeries[] } };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    throw new Error(`prometheus query_range ${expr}: HTTP ${res.status}: ${text.slice(0, 300)}`);
  }
  if (!res.ok || body.status !== 'success') throw new Error(`prometheus query_range ${expr}: ${body.error ?? `HTTP ${res.status}`}`);
  if (body.data?.resultType === 'matrix') return body.data.result ?? [];
  throw new Error(`prometheus query_range ${expr}: expected a matrix, got a ${body.data?.resultType}: an alerting rule's expression must be a vector`);
}

function tail(path: string, lines = 30): string {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n') || '(empty)';
  } catch {
    return '(no log)';
  }
}


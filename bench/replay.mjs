// `npm run bench:replay`: how many log records per second a replay at speed max delivers into a
// real OpenTelemetry Collector over OTLP/HTTP, and the replay process's peak RSS. The collector
// (test/backends/otelcol.sh builds it) runs on this machine too, sharing its cores, with an
// OTLP/HTTP receiver and a file exporter (as in the integration tests); the count it wrote is
// checked against what the replay says it delivered. The dataset (container logs) is generated
// once and cached in the temp folder.
//
// Options: --hours N (2)  --volume X (10)  --batch N (1000)  --encoding protobuf|json (protobuf)
//          --compression none|gzip (none)  --exporter file|debug (file)  --runs N (3)
//          --in-flight N, --workers N (the otlp sink's batches_in_flight and workers; its defaults when absent)
// Prints figures; asserts nothing about speed.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync, mkdtempSync, createReadStream } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};

if (args[0] === '--child') await child(args.slice(1));
else await main();

/** One measured replay in a fresh process, so peak RSS and CPU belong to it alone. */
async function child([dir, endpoint, batch, encoding, compression, inFlight, workers]) {
  const { DatasetSource } = await import('../dist/replay/dataset-source.js');
  const { runReplay } = await import('../dist/replay/replay.js');
  const { sinkType } = await import('../dist/sinks/registry.js');
  const { DEFAULT_RETRY } = await import('../dist/sinks/retrying.js');
  const { systemClock } = await import('../dist/time/clock.js');
  const { rebaseRecord } = await import('../dist/replay/rebase-body.js');
  const kinds = ['kubernetes_log'];
  // 'null' and 'rebase-only' measure the engine without a backend: what the source, the lanes
  // (and the shared rebasing) cost on their own, the ceiling any sink works under.
  const nullSink = (rebase) => ({
    name: 'null',
    kinds: new Set(kinds),
    healthcheck: async () => {},
    write: async (batch) => {
      if (rebase) for (const r of batch) rebaseRecord(r.record, r.shiftMs);
      return { status: 'success' };
    },
    flush: async () => {},
    close: async () => {},
  });
  const sink =
    endpoint === 'null' || endpoint === 'rebase-only'
      ? nullSink(endpoint === 'rebase-only')
      : await sinkType('otlp').create({ type: 'otlp', endpoint, encoding, compression, signals: ['logs'], ...(inFlight ? { batches_in_flight: Number(inFlight) } : {}), ...(workers ? { workers: Number(workers) } : {}) }, { name: 'otlp', kinds, clock: systemClock, timeoutMs: 30_000, env: {} });
  const configured = { sink, batch: { maxRecords: Number(batch), timeoutMs: 1000, maxQueuedRecords: Number(batch) * 5 }, retry: DEFAULT_RETRY };
  const cpuBefore = process.cpuUsage();
  const report = await runReplay(new DatasetSource(dir), [configured], { speed: 'max', rebase: 'end', dryRun: false, restart: true }, { clock: systemClock });
  const cpu = process.cpuUsage(cpuBefore);
  const s = report.sinks[0];
  console.log(
    JSON.stringify({
      delivered: s.delivered,
      rejected: s.rejected,
      retries: s.retries,
      batches: s.batches,
      error: s.error,
      seconds: report.seconds,
      coresUsed: (cpu.user + cpu.system) / 1e6 / report.seconds,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
    }),
  );
}

async function main() {
  const hours = opt('hours', '2');
  const volume = opt('volume', '10');
  const batch = opt('batch', '1000');
  const encoding = opt('encoding', 'protobuf');
  const compression = opt('compression', 'none');
  const exporter = opt('exporter', 'file');
  // This shared machine's speed drifts by a tenth or more from minute to minute: one run says little.
  const runs = Number(opt('runs', '3'));
  const rates = [];
  const inFlight = opt('in-flight', '');
  const workers = opt('workers', '');

  const binary = spawnSync('bash', [join(root, 'test/backends/otelcol.sh'), 'path'], { encoding: 'utf8' }).stdout.trim();
  if (!existsSync(binary)) {
    console.error(`no collector at ${binary}: run \`bash test/backends/otelcol.sh install\` first`);
    process.exit(1);
  }

  // The dataset: container logs only, cached by its parameters.
  const dir = join(tmpdir(), `obsynth-bench-replay-k8s-${hours}h-x${volume}`);
  if (!existsSync(join(dir, 'manifest.json'))) {
    console.log(`generating ${hours} h of kubernetes records at volume ${volume} into ${dir} ...`);
    const g = spawnSync(
      process.execPath,
      [join(root, 'dist/cli/main.js'), 'generate', '--start', '2026-11-23T00:00:00Z', '--hours', hours, '--volume-multiplier', volume, '--sources', 'kubernetes', '--incidents-per-day', '2', '--out', dir, '--force', '--no-progress'],
      { encoding: 'utf8' },
    );
    if (g.status !== 0) {
      console.error(g.stderr);
      process.exit(1);
    }
  }
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  const logs = manifest.files.filter((f) => f.role === 'records' && f.kind === 'kubernetes_log').reduce((a, f) => a + f.records, 0);

  console.log(
    `obsynth replay benchmark: ${logs.toLocaleString('en-US')} kubernetes_log records -> OpenTelemetry Collector (${exporter} exporter) over OTLP/HTTP ${encoding}${compression === 'gzip' ? ' + gzip' : ''}, batch ${batch}, speed max, ${availableParallelism()} cores, node ${process.version}`,
  );
  for (const mode of ['null', 'rebase-only']) {
    const r = spawnSync(process.execPath, [new URL(import.meta.url).pathname, '--child', dir, mode, batch, encoding, compression], { encoding: 'utf8' });
    if (r.status !== 0) {
      console.error(r.stderr);
      process.exit(1);
    }
    const m = JSON.parse(r.stdout.trim().split('\n').pop());
    console.log(`engine only (${mode === 'null' ? 'null sink' : 'null sink + rebaseRecord'}): ${Math.round(m.delivered / m.seconds).toLocaleString('en-US')} records/s, ${m.coresUsed.toFixed(2)} cores, peak RSS ${Math.round(m.peakRssMb)} MB`);
  }
  for (let i = 0; i < runs; i++) {
    const collector = await startCollector(binary, exporter);
    try {
      const cpu0 = processCpuSeconds(collector.pid);
      const r = spawnSync(process.execPath, [new URL(import.meta.url).pathname, '--child', dir, collector.url, batch, encoding, compression, inFlight, workers], { encoding: 'utf8', maxBuffer: 1 << 24 });
      if (r.status !== 0) {
        console.error(r.stderr);
        process.exit(1);
      }
      const m = JSON.parse(r.stdout.trim().split('\n').pop());
      const collectorCores = (processCpuSeconds(collector.pid) - cpu0) / m.seconds;
      const written = exporter === 'file' ? await countLogRecords(collector.logsFile, m.delivered) : undefined;
      rates.push(m.delivered / m.seconds);
      console.log(
        `run ${i + 1}: ${m.delivered.toLocaleString('en-US')} delivered in ${m.seconds.toFixed(1)} s = ${Math.round(m.delivered / m.seconds).toLocaleString('en-US')} log records/s` +
          `  | replay: ${m.coresUsed.toFixed(2)} cores, peak RSS ${Math.round(m.peakRssMb)} MB  | collector: ${collectorCores.toFixed(2)} cores` +
          `${written !== undefined ? `, wrote ${written.toLocaleString('en-US')}` : ''}  | ${m.batches} batches, ${m.retries} retries, ${m.rejected} rejected${m.error ? `, stopped: ${m.error}` : ''}`,
      );
      if (written !== undefined && written !== m.delivered) console.log(`  MISMATCH: the collector wrote ${written} log records, the replay reported ${m.delivered}`);
    } finally {
      await collector.stop();
    }
  }
  if (rates.length > 1) {
    const sorted = [...rates].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    const fmt = (x) => Math.round(x).toLocaleString('en-US');
    console.log(`median of ${rates.length} runs: ${fmt(median)} log records/s (${fmt(sorted[0])} to ${fmt(sorted[sorted.length - 1])})`);
  }
}

function processCpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks (100 Hz)
}

async function countLogRecords(path, expected) {
  // The file exporter flushes every 100 ms: wait until the count stops growing.
  let last = -1;
  for (let i = 0; i < 100; i++) {
    const n = await countOnce(path);
    if (n === last || n >= expected) return n;
    last = n;
    await new Promise((r) => setTimeout(r, 300));
  }
  return last;
}

async function countOnce(path) {
  if (!existsSync(path)) return 0;
  let n = 0;
  for await (const line of createInterface({ input: createReadStream(path) })) {
    if (!line) continue;
    let req;
    try {
      req = JSON.parse(line);
    } catch {
      continue; // a line still being written
    }
    for (const rl of req.resourceLogs ?? []) for (const sl of rl.scopeLogs ?? []) n += sl.logRecords?.length ?? 0;
  }
  return n;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

async function startCollector(binary, exporter) {
  const dataDir = mkdtempSync(join(tmpdir(), 'obsynth-bench-otelcol-'));
  const port = await freePort();
  const logsFile = join(dataDir, 'logs.jsonl');
  const out = exporter === 'file' ? ['  file/logs:', `    path: ${JSON.stringify(logsFile)}`, '    format: json', '    flush_interval: 100ms'] : ['  debug:', '    verbosity: basic'];
  const config = [
    'receivers:',
    '  otlp:',
    '    protocols:',
    '      http:',
    `        endpoint: 127.0.0.1:${port}`,
    'exporters:',
    ...out,
    'service:',
    '  telemetry:',
    '    metrics:',
    '      level: none',
    '    logs:',
    '      level: warn',
    '  pipelines:',
    '    logs:',
    '      receivers: [otlp]',
    `      exporters: [${exporter === 'file' ? 'file/logs' : 'debug'}]`,
    '',
  ].join('\n');
  const configFile = join(dataDir, 'otelcol.yaml');
  writeFileSync(configFile, config);
  const proc = spawn(binary, [`--config=file:${configFile}`], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${url}/v1/logs`)).status > 0) break;
    } catch {
      // not listening yet
    }
    if (i > 300) throw new Error('the collector did not start within 30 s');
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    pid: proc.pid,
    url,
    logsFile,
    stop: () =>
      new Promise((resolve) => {
        proc.once('close', () => {
          rmSync(dataDir, { recursive: true, force: true });
          resolve();
        });
        proc.kill('SIGTERM');
      }),
  };
}

// `npm run bench:replay` (second part): records/s and peak RSS of `obsynth replay --speed max`
// into each real backend the tests use, started natively on this machine by the same helpers
// as the integration tests (test/support/backends.ts, compiled by bench/compile.mjs):
//   loki -> VictoriaLogs, prometheus -> Prometheus (remote write receiver),
//   aws_cloudwatch_logs / aws_cloudwatch_metrics -> moto's server,
//   sentry -> Spotlight, kubernetes_events -> kube-apiserver + etcd.
// Each sink runs alone, through the CLI as users run it, in a child measured by /usr/bin/time;
// the backends share the machine's cores with it. What the backend holds afterwards is read
// back where that is cheap and printed next to what the replay reported.
//
// Options: --hours N (3)  --only type,type  --incidents-per-day N (24)
// Prints figures; asserts nothing about speed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileBenchSupport } from './compile.mjs';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const hours = opt('hours', '3');
const incidentsPerDay = opt('incidents-per-day', '24');
const only = opt('only', undefined)?.split(',');

const CASES = [
  { type: 'loki', kinds: ['kubernetes_log', 'cloudwatch_log'], backend: 'victorialogs' },
  { type: 'prometheus', kinds: ['grafana_series'], backend: 'prometheus' },
  { type: 'aws_cloudwatch_logs', kinds: ['cloudwatch_log'], backend: 'moto' },
  { type: 'aws_cloudwatch_metrics', kinds: ['cloudwatch_metric', 'cloudwatch_alarm'], backend: 'moto' },
  { type: 'sentry', kinds: ['sentry_error', 'sentry_transaction'], backend: 'spotlight' },
  // Events are few (a few thousand a day): a day of them, so the figure is not all start-up.
  { type: 'kubernetes_events', kinds: ['kubernetes_event'], backend: 'kubernetes', dataset: { hours: '24', sources: 'kubernetes' } },
].filter((c) => !only || only.includes(c.type));

const backends = await import(await compileBenchSupport());
const count = (dir, kinds) => JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')).files.filter((f) => f.role === 'records' && kinds.includes(f.kind)).reduce((a, f) => a + f.records, 0);
console.log(`obsynth replay benchmark, one sink at a time at speed max: ${hours} h generated (2026-11-23, ${incidentsPerDay} incidents/day), ${availableParallelism()} cores, node ${process.version}`);
console.log('| sink | backend | records | time | records/s | replay cores | peak RSS | read back |');
console.log('|---|---|---|---|---|---|---|---|');
for (const c of CASES) {
  const dir = dataset(c.dataset?.hours ?? hours, c.dataset?.sources);
  const server = await start(c.backend);
  try {
    const work = mkdtempSync(join(tmpdir(), `obsynth-bench-${c.type}-`));
    const sinksFile = join(work, 'sinks.yaml');
    writeFileSync(sinksFile, `sinks:\n  - ${JSON.stringify({ type: c.type, kinds: c.kinds, ...server.block })}\n`);
    const reportFile = join(work, 'report.json');
    const r = spawnSync(
      '/usr/bin/time',
      ['-f', 'TIME %M %e %U %S', process.execPath, join(root, 'dist/cli/main.js'), 'replay', dir, '--sinks', sinksFile, '--speed', 'max', '--restart', '--checkpoint', join(work, 'checkpoint.json'), '--report', reportFile, '--no-progress'],
      { encoding: 'utf8', env: { ...process.env, ...server.env }, maxBuffer: 1 << 26 },
    );
    const timing = /TIME (\d+) ([\d.]+) ([\d.]+) ([\d.]+)/.exec(r.stderr);
    if (!existsSync(reportFile) || !timing) {
      console.log(`| ${c.type} | ${c.backend} | failed (exit ${r.status}): ${r.stderr.trim().split('\n').slice(-3).join(' / ')} |`);
      continue;
    }
    const report = JSON.parse(readFileSync(reportFile, 'utf8'));
    const s = report.sinks[0];
    const readBack = await server.readBack?.().catch((e) => `error: ${e.message}`);
    const problems = [s.rejected ? `${s.rejected} rejected` : '', s.retries ? `${s.retries} retries` : '', s.error ? `stopped: ${s.error}` : ''].filter(Boolean).join(', ');
    console.log(
      `| ${c.type} | ${c.backend} | ${s.delivered.toLocaleString('en-US')} of ${count(dir, c.kinds).toLocaleString('en-US')} | ${report.seconds.toFixed(1)} s | ${Math.round(s.delivered / report.seconds).toLocaleString('en-US')} | ${((Number(timing[3]) + Number(timing[4])) / Number(timing[2])).toFixed(2)} | ${Math.round(Number(timing[1]) / 1024)} MB | ${readBack ?? '-'}${problems ? ` (${problems})` : ''} |`,
    );
  } finally {
    await server.stop();
  }
}

function dataset(hours, sources) {
  const path = join(tmpdir(), `obsynth-bench-replay-${sources ?? 'all'}-${hours}h-i${incidentsPerDay}`);
  if (!existsSync(join(path, 'manifest.json'))) {
    console.log(`generating ${hours} h into ${path} ...`);
    const g = spawnSync(process.execPath, [join(root, 'dist/cli/main.js'), 'generate', '--start', '2026-11-23T08:00:00Z', '--hours', hours, '--incidents-per-day', incidentsPerDay, ...(sources ? ['--sources', sources] : []), '--out', path, '--force', '--no-progress'], { encoding: 'utf8' });
    if (g.status !== 0) {
      console.error(g.stderr);
      process.exit(1);
    }
  }
  return path;
}

/** A backend, the sink block keys and environment that point at it, and how to count what it holds. */
async function start(backend) {
  switch (backend) {
    case 'victorialogs': {
      const vl = await backends.startVictoriaLogs();
      return {
        block: { endpoint: `${vl.url}/insert` },
        readBack: async () => {
          await backends.victoriaLogsFlush(vl.url);
          const rows = await backends.victoriaLogsQuery(vl.url, '* | stats count() n');
          return `${Number(rows[0]?.n ?? 0).toLocaleString('en-US')} log entries`;
        },
        stop: () => vl.stop(),
      };
    }
    case 'prometheus': {
      const p = await backends.startPrometheus();
      return {
        block: { endpoint: p.remoteWriteUrl },
        readBack: async () => {
          const r = await backends.promQuery(p.url, 'count({__name__=~".+", __name__!~"(up|scrape_.*|prometheus_.*|go_.*|process_.*|net_.*|promhttp_.*)"})');
          return `${Number(r[0]?.value?.[1] ?? 0).toLocaleString('en-US')} series`;
        },
        stop: () => p.stop(),
      };
    }
    case 'moto': {
      const m = await backends.startMoto();
      return {
        block: { endpoint: m.endpoint, region: m.region },
        env: { AWS_ACCESS_KEY_ID: m.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: m.credentials.secretAccessKey, AWS_REGION: m.region },
        stop: () => m.stop(),
      };
    }
    case 'spotlight': {
      const s = await backends.startSpotlight();
      return {
        block: { dsn: s.dsnFor(4505) },
        readBack: async () => {
          const items = (await s.envelopes()).flatMap((e) => e.items).filter((i) => i.headers.type === 'event' || i.headers.type === 'transaction');
          return `${items.length.toLocaleString('en-US')} events + transactions`;
        },
        stop: () => s.stop(),
      };
    }
    case 'kubernetes': {
      const k = await backends.startKubernetes();
      return {
        block: { kubeconfig: k.kubeconfigPath, create_namespaces: true, qps: 500, burst: 500 },
        readBack: async () => {
          // Repeats of an event update its series on one object: fewer objects than records.
          const items = (await k.request('GET', '/apis/events.k8s.io/v1/events')).body.items;
          const byNamespace = {};
          for (const e of items) byNamespace[e.metadata.namespace] = (byNamespace[e.metadata.namespace] ?? 0) + 1;
          return `${items.length.toLocaleString("en-US")} Event objects, repeats in their series (${Object.entries(byNamespace).map(([n, c]) => `${n} ${c}`).join(', ')})`;
        },
        stop: () => k.stop(),
      };
    }
    default:
      throw new Error(`unknown backend ${backend}`);
  }
}

#!/usr/bin/env node
// Turns a dataset's panel series (grafana/panel_series.jsonl.gz, Prometheus-style samples) into
// `promtool test rules` files, so alerting rules are tested on what obsynth actually produces:
//
//   node scripts/promtool-series.mjs --dataset DIR --rules deploy/prometheus/rules/obsynth-alerts.yaml --out DIR
//       one <type>.test.yaml per incident of incidents.json whose window lies in the dataset:
//       the samples from --lead-mins before its onset to --tail-mins after its end, and
//       - every alert EXPECTED for its type fires between onset and end (+ tail),
//       - and none of them fires in the lead time before the onset;
//       - every Grafana alert the generator simulated for this incident (its [FIRING] annotations)
//         fires in Prometheus on the same minute, and not the minute before.
//   ... --quiet
//       one quiet.test.yaml over the whole dataset (which must hold no incident): no alert fires.
//   node scripts/promtool-series.mjs --table
//       prints EXPECTED (incident type -> alerts) as JSON.
//
// Only the series the rules name are written (input_series). Values are obsynth's own strings,
// one per 1-minute step, runs of equal values written as promtool's `VxN`, gaps as `_`.
// promtool starts every test at the Unix epoch, so the test's 0s is the window's first step;
// values that are themselves timestamps (probe_ssl_earliest_cert_expiry, unix seconds) are
// moved by the same amount, so `expiry - time()` keeps its meaning.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';

const STEP_SECS = 60;
/** Series whose values are unix timestamps (seconds): rebased with the test's time origin. */
const TIMESTAMP_VALUED = new Set(['probe_ssl_earliest_cert_expiry']);

/**
 * What each incident type must set off. `match` picks the alert instance: `$root` is the
 * incident's root cause, `$detail.X` a field of its detail, anything else is literal; an empty
 * match accepts any instance (the failure shows at callers the type does not name).
 * `minSeverity`: only incidents at least this severe reach the threshold (e.g. a pool exhaustion
 * holds 0.97 x severity of max_connections at its peak, over 85% only from severity ~0.88);
 * milder ones are not required to fire it (they must still not fire it before the onset).
 */
export const EXPECTED = {
  memory_leak: [
    { alert: 'MemoryNearLimit', match: { service: '$root' } },
    { alert: 'ContainerRestarting', match: { service: '$root' } },
  ],
  bad_deployment: [{ alert: 'HighErrorRate', match: { service: '$root' } }],
  db_pool_exhaustion: [
    { alert: 'PostgresConnectionsHigh', match: { instance: 'postgres' }, minSeverity: 0.88 },
    { alert: 'HighErrorRate', match: { service: '$root' } },
    { alert: 'HighLatencyP99', match: { service: '$root' }, minSeverity: 0.88 },
  ],
  network_partition: [{ alert: 'HighErrorRate', match: {} }],
  cpu_throttling: [{ alert: 'CPUThrottlingHigh', match: { service: '$root' } }],
  disk_full: [{ alert: 'NodeDiskAlmostFull', match: { node: '$detail.node' } }],
  rate_limiting: [{ alert: 'HighErrorRate', match: {} }],
  cache_stampede: [{ alert: 'CacheHitRatioLow', match: { instance: 'redis' } }],
  queue_backlog: [
    { alert: 'QueueBacklog', match: {} },
    { alert: 'HighLatencyP99', match: { service: '$root' } },
  ],
  certificate_expiry: [
    { alert: 'CertificateExpired', match: { instance: 'https://$detail.certificateHost' } },
    { alert: 'ProbeFailing', match: { instance: 'https://$detail.certificateHost' } },
  ],
  dns_failure: [
    { alert: 'DNSFailures', match: {} },
    { alert: 'ManyServicesFailing', match: {} },
  ],
  cascading_failure: [
    { alert: 'HighErrorRate', match: { service: '$root' } },
    { alert: 'HighLatencyP99', match: { service: '$root' } },
    { alert: 'ManyServicesFailing', match: {} },
  ],
};

function fail(message) {
  process.stderr.write(`promtool-series: ${message}\n`);
  process.exit(2);
}

function iso(ms) {
  return new Date(ms).toISOString();
}

/** Metric names the rules mention (identifiers in their expressions). */
function ruleInfo(rulesFile) {
  const doc = parseYaml(readFileSync(rulesFile, 'utf8'));
  const names = new Set();
  const alerts = new Set();
  for (const group of doc?.groups ?? []) {
    for (const rule of group.rules ?? []) {
      if (rule.alert) alerts.add(rule.alert);
      for (const m of String(rule.expr).matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) names.add(m[0]);
    }
  }
  return { names, alerts };
}

function readJsonLinesSync(path) {
  return gunzipSync(readFileSync(path)).toString('utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

/**
 * The panel series the rules need: key -> { name, values: Map<unix secs, string> }. Read by
 * obsynth's own reader (src/alerts/panel-series.ts, built into dist/), which follows the
 * manifest (one file per day when split), puts late arrivals in order and drops duplicates.
 */
async function loadSeries(dataset, names) {
  const built = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'alerts', 'panel-series.js');
  if (!existsSync(built)) fail(`${built} is missing: run npm run build first`);
  const { readPanelSeries } = await import(pathToFileURL(built).href);
  const { series: read } = await readPanelSeries(dataset, { names });
  const series = new Map();
  for (const [key, s] of read) series.set(key, { name: s.name, values: new Map(s.times.map((t, i) => [t, s.values[i]])) });
  return series;
}

/** promtool's expanding notation for the values at t0, t0+step, ..., t1. */
function valuesString(s, t0, t1) {
  const out = [];
  let prev;
  let run = 0;
  const flush = () => {
    if (run === 0) return;
    if (prev === undefined) out.push(run === 1 ? '_' : `_x${run}`);
    else out.push(run === 1 ? prev : `${prev}x${run - 1}`);
  };
  for (let t = t0; t <= t1; t += STEP_SECS) {
    let v = s.values.get(t);
    if (v !== undefined && TIMESTAMP_VALUED.has(s.name)) v = String(Number(v) - t0);
    if (run > 0 && v === prev) {
      run++;
      continue;
    }
    flush();
    prev = v;
    run = 1;
  }
  flush();
  return out.join(' ');
}

function inputSeries(series, t0, t1) {
  const out = [];
  for (const [key, s] of series) {
    let any = false;
    for (let t = t0; t <= t1 && !any; t += STEP_SECS) any = s.values.has(t);
    if (any) out.push({ series: key, values: valuesString(s, t0, t1) });
  }
  return out;
}

function selector(alert, match) {
  const parts = [`alertname=${JSON.stringify(alert)}`, 'alertstate="firing"'];
  for (const [k, v] of Object.entries(match)) parts.push(`${k}=${JSON.stringify(v)}`);
  return `ALERTS{${parts.join(',')}}`;
}

function resolveMatch(match, incident) {
  const out = {};
  for (const [k, v] of Object.entries(match)) {
    out[k] = v.replace(/\$root|\$detail\.([A-Za-z_]+)/g, (m, field) => {
      const value = m === '$root' ? incident.root_cause : incident.detail?.[field];
      if (value === undefined) fail(`${incident.id}: ${m} is not known for a ${incident.type} incident`);
      return value;
    });
  }
  return out;
}

const mins = (secs) => `${Math.round(secs / 60)}m`;

/** The alert annotations the generator simulated, with their incident ids. */
function simulatedFirings(dataset) {
  const bodies = readJsonLinesSync(join(dataset, 'grafana', 'annotations.jsonl.gz'));
  const labels = readJsonLinesSync(join(dataset, 'labels', 'grafana', 'annotations.jsonl.gz'));
  const out = [];
  bodies.forEach((r, i) => {
    const tags = r.body.tags ?? [];
    if (tags[0] !== 'alert' || !tags.includes('state:alerting')) return;
    const match = {};
    for (const tag of tags.slice(2)) {
      const at = tag.indexOf(':');
      const k = tag.slice(0, at);
      if (at > 0 && k !== 'severity' && k !== 'state') match[k] = tag.slice(at + 1);
    }
    out.push({ alert: tags[1], time: Math.round(r.body.time / 1000), match, incident: labels[i]?.incident_id });
  });
  return out;
}

function testFile(rulesRel, input, promqlTests) {
  return {
    rule_files: [rulesRel],
    evaluation_interval: '1m',
    tests: [{ interval: '1m', input_series: input, promql_expr_test: promqlTests }],
  };
}

function write(path, doc, header) {
  writeFileSync(path, `${header}\n${stringifyYaml(doc, { lineWidth: 0 })}`);
}

async function main() {
  const { values: opts } = parseArgs({
    options: {
      dataset: { type: 'string' },
      rules: { type: 'string' },
      out: { type: 'string' },
      quiet: { type: 'boolean', default: false },
      table: { type: 'boolean', default: false },
      'lead-mins': { type: 'string', default: '30' },
      'tail-mins': { type: 'string', default: '10' },
    },
  });
  if (opts.table) {
    process.stdout.write(`${JSON.stringify(EXPECTED, null, 2)}\n`);
    return;
  }
  if (!opts.dataset || !opts.rules || !opts.out) fail('usage: --dataset DIR --rules FILE --out DIR [--quiet] [--lead-mins N] [--tail-mins N] | --table');
  const dataset = resolve(opts.dataset);
  const rulesFile = resolve(opts.rules);
  const outDir = resolve(opts.out);
  mkdirSync(outDir, { recursive: true });
  const rulesRel = relative(outDir, rulesFile);
  const { names, alerts } = ruleInfo(rulesFile);
  const doc = JSON.parse(readFileSync(join(dataset, 'incidents.json'), 'utf8'));
  const rangeStart = Math.ceil(Date.parse(doc.range.start) / 1000 / STEP_SECS) * STEP_SECS;
  const rangeLast = Math.ceil(Date.parse(doc.range.end) / 1000 / STEP_SECS) * STEP_SECS - STEP_SECS;
  const series = await loadSeries(dataset, names);
  const header = (what) => `# promtool test rules file written by scripts/promtool-series.mjs from a dataset generated by obsynth\n# (${doc.range.start} .. ${doc.range.end}): ${what}`;
  const written = [];

  if (opts.quiet) {
    const overlapping = doc.incidents.filter((i) => Date.parse(i.end) > rangeStart * 1000 && Date.parse(i.onset) < (rangeLast + STEP_SECS) * 1000);
    if (overlapping.length > 0) fail(`--quiet needs a dataset without incidents; ${opts.dataset} has ${overlapping.map((i) => i.id).join(', ')}`);
    const input = inputSeries(series, rangeStart, rangeLast);
    const span = rangeLast - rangeStart;
    const tests = [{ expr: `max_over_time(ALERTS{alertstate="firing"}[${mins(span + STEP_SECS)}])`, eval_time: mins(span), exp_samples: [] }];
    const path = join(outDir, 'quiet.test.yaml');
    write(path, testFile(rulesRel, input, tests), header(`no incident; no alert may fire (test time 0s = ${iso(rangeStart * 1000)})`));
    written.push({ file: path, incident: null, type: 'quiet', series: input.length, tests: tests.length });
  } else {
    const firings = simulatedFirings(dataset);
    const lead = Number(opts['lead-mins']) * 60;
    const tail = Number(opts['tail-mins']) * 60;
    const perType = new Map();
    for (const incident of doc.incidents) {
      const expected = EXPECTED[incident.type];
      if (!expected) fail(`${incident.id}: no expectations for incident type ${incident.type}`);
      const onset = Math.ceil(Date.parse(incident.onset) / 1000 / STEP_SECS) * STEP_SECS;
      const end = Math.ceil(Date.parse(incident.end) / 1000 / STEP_SECS) * STEP_SECS;
      const t0 = onset - lead;
      const t1 = end + tail;
      if (t0 < rangeStart || t1 > rangeLast) {
        process.stderr.write(`promtool-series: ${incident.id} (${incident.type}) skipped: its window ${iso(t0 * 1000)} .. ${iso(t1 * 1000)} is not inside the dataset\n`);
        continue;
      }
      // Another incident in the window would make "fires for this incident" meaningless.
      const others = doc.incidents.filter((o) => o !== incident && Date.parse(o.onset) / 1000 <= t1 && Date.parse(o.end) / 1000 >= t0);
      if (others.length > 0) fail(`${incident.id}: its window ${iso(t0 * 1000)} .. ${iso(t1 * 1000)} overlaps ${others.map((o) => `${o.id} (${o.type})`).join(', ')}; place incidents further apart`);
      const tests = [];
      const asserted = [];
      const waived = [];
      for (const e of expected) {
        if (!alerts.has(e.alert)) fail(`EXPECTED names ${e.alert}, which ${opts.rules} does not define`);
        const sel = selector(e.alert, resolveMatch(e.match, incident));
        // Fires during the incident (or its tail) ...
        if (e.minSeverity && incident.severity < e.minSeverity) waived.push(`${e.alert} (severity ${incident.severity} < ${e.minSeverity})`);
        else {
          tests.push({ expr: `max(max_over_time(${sel}[${mins(t1 - onset + STEP_SECS)}]))`, eval_time: mins(t1 - t0), exp_samples: [{ labels: '{}', value: 1 }] });
          asserted.push(e.alert);
        }
        // ... and not in the quiet lead time before it.
        tests.push({ expr: `max(max_over_time(${sel}[${mins(lead)}]))`, eval_time: mins(onset - t0 - STEP_SECS), exp_samples: [] });
      }
      // Prometheus and the generator's simulated Grafana alerts agree to the minute.
      for (const f of firings) {
        if (f.incident !== incident.id || !alerts.has(f.alert) || f.time < t0 + 10 * STEP_SECS || f.time > t1) continue;
        const sel = selector(f.alert, f.match);
        tests.push({ expr: `max(${sel})`, eval_time: mins(f.time - t0), exp_samples: [{ labels: '{}', value: 1 }] });
        tests.push({ expr: `max(${sel})`, eval_time: mins(f.time - t0 - STEP_SECS), exp_samples: [] });
      }
      const n = (perType.get(incident.type) ?? 0) + 1;
      perType.set(incident.type, n);
      const path = join(outDir, `${incident.type}${n > 1 ? `-${n}` : ''}.test.yaml`);
      const input = inputSeries(series, t0, t1);
      const about = `incident ${incident.id} (${incident.type} at ${incident.root_cause}, severity ${incident.severity}, ${incident.onset} .. ${incident.end}); test time 0s = ${iso(t0 * 1000)}`;
      write(path, testFile(rulesRel, input, tests), header(`${about}\n# expected to fire: ${asserted.join(', ') || 'none'}${waived.length ? `; not required (too mild): ${waived.join(', ')}` : ''}`));
      written.push({ file: path, incident: incident.id, type: incident.type, severity: incident.severity, series: input.length, tests: tests.length, asserted, waived });
    }
  }
  process.stdout.write(`${JSON.stringify({ written }, null, 2)}\n`);
}

const invokedDirectly = process.argv[1] && resolve(process.argv[1]) === resolve(dirname(new URL(import.meta.url).pathname), basename(new URL(import.meta.url).pathname));
if (invokedDirectly) {
  main().catch((err) => {
    process.stderr.write(`promtool-series: ${err.stack ?? err}\n`);
    process.exit(1);
  });
}

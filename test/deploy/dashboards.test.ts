// deploy/grafana without Grafana: the dashboards are well-formed, carry the uids obsynth's
// annotations name, use the provisioned datasources, and every query refers to what obsynth
// actually produces -- Prometheus series and labels as the prometheus sink names them (panel
// series, pod/node metrics, CloudWatch metrics in YACE naming) plus the alerting rules' ALERTS,
// Loki streams and structured metadata as the loki sink builds them, CloudWatch namespaces,
// metrics and dimensions as the aws_cloudwatch_metrics sink publishes them -- in a dataset
// generated for the test (test/deploy/support.ts DASHBOARD_DATASET_ARGS).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DASHBOARD_UIDS } from '../../src/generators/grafana/grafana.js';
import type { FileRecord } from '../../src/model/record.js';
import { publishedNamespace } from '../../src/sinks/aws-cloudwatch-metrics/sink.js';
import { buildStreams } from '../../src/sinks/loki/entries.js';
import { recordSamples } from '../../src/sinks/prometheus/write-request.js';
import { readJsonl } from '../support/cli.js';
import { logqlRefs, promqlRefs, type Matcher, type QueryRefs } from './queries.js';
import { DASHBOARD_DATASET_ARGS, generatedDataset, readText, readYaml, repo } from './support.js';

type Labels = Map<string, Set<string>>;
interface Universe {
  /** metric name -> label -> values. */
  readonly prometheus: Map<string, Labels>;
  /** Loki stream labels and structured metadata -> values. */
  readonly streams: Labels;
  readonly metadata: Labels;
  /** CloudWatch namespace (as published) -> metric -> dimension names seen together. */
  readonly cloudwatch: Map<string, Map<string, Set<string>>>;
  /** Annotation tags. */
  readonly tags: Set<string>;
}

interface Target {
  refId: string;
  datasource?: { type: string; uid: string };
  expr?: string;
  namespace?: string;
  metricName?: string;
  dimensions?: Record<string, string>;
  statistic?: string;
  matchExact?: boolean;
}
interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { type: string; uid: string };
  gridPos: { h: number; w: number; x: number; y: number };
  targets?: Target[];
  panels?: Panel[];
}
interface Dashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  panels: Panel[];
  annotations: { list: Array<{ name: string; datasource: { type: string; uid: string }; target?: { type: string; tags: string[] }; builtIn?: number }> };
  templating: { list: Array<{ name: string; type: string; datasource: { type: string; uid: string }; definition: string; query: string }> };
  tags: string[];
}

const DIR = repo('deploy/grafana/dashboards');
const dashboards = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((file) => ({ file, d: JSON.parse(readText(join(DIR, file))) as Dashboard }));
const datasources = readYaml<{ datasources: Array<{ uid: string; type: string; jsonData?: Record<string, string> }> }>(repo('deploy/grafana/provisioning/datasources/obsynth.yaml')).datasources;
const rules = readYaml<{ groups: Array<{ rules: Array<{ alert?: string; expr: string; labels?: Record<string, string> }> }> }>(repo('deploy/prometheus/rules/obsynth-alerts.yaml')).groups.flatMap((g) => g.rules);

const panelsOf = (d: Dashboard): Panel[] => d.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
const add = (m: Labels, k: string, v: string) => {
  let s = m.get(k);
  if (!s) m.set(k, (s = new Set()));
  s.add(v);
};

function buildUniverse(dir: string): Universe {
  const read = (path: string) => readJsonl<FileRecord>(join(dir, path));
  const replayRecords = (records: FileRecord[]) => records.map((record, seq) => ({ seq, record, time: record.timestamp, shiftMs: 0 }));
  const prometheus = new Map<string, Labels>();
  for (const path of ['grafana/panel_series.jsonl.gz', 'kubernetes/pod_metrics.jsonl.gz', 'kubernetes/node_metrics.jsonl.gz', 'cloudwatch/metrics.jsonl.gz']) {
    for (const r of replayRecords(read(path))) {
      for (const s of recordSamples(r)) {
        let labels = prometheus.get(s.name);
        if (!labels) prometheus.set(s.name, (labels = new Map()));
        for (const [k, v] of s.labels) add(labels, k, v);
      }
    }
  }
  // ALERTS, as Prometheus writes it for the rules of deploy/prometheus/rules.
  const alerts: Labels = new Map();
  for (const r of rules) {
    if (!r.alert) continue;
    add(alerts, 'alertname', r.alert);
    add(alerts, 'alertstate', 'firing');
    add(alerts, 'alertstate', 'pending');
    for (const [k, v] of Object.entries(r.labels ?? {})) add(alerts, k, v);
    for (const sel of promqlRefs(r.expr).selectors) for (const [k, vs] of prometheus.get(sel.name) ?? []) for (const v of vs) add(alerts, k, v);
  }
  prometheus.set('ALERTS', alerts);

  const streams: Labels = new Map();
  const metadata: Labels = new Map();
  const logRecords = ['kubernetes/container_logs.jsonl.gz', 'kubernetes/events.jsonl.gz', 'sentry/errors.jsonl.gz', 'cloudwatch/logs.jsonl.gz'].flatMap((p) => read(p));
  for (const s of buildStreams(replayRecords(logRecords), { extraLabels: [], structuredMetadata: true })) {
    for (const [k, v] of s.labels) add(streams, k, v);
    for (const e of s.entries) for (const [k, v] of e.metadata) add(metadata, k, v);
  }

  const cloudwatch = new Map<string, Map<string, Set<string>>>();
  const prefix = 'Replay/'; // the aws_cloudwatch_metrics sink's default aws_namespace_prefix
  for (const r of read('cloudwatch/metrics.jsonl.gz')) {
    const body = r.body as { Namespace: string; MetricData: Array<{ MetricName: string; Dimensions?: Array<{ Name: string }> }> };
    const ns = publishedNamespace(body.Namespace, prefix);
    let metrics = cloudwatch.get(ns);
    if (!metrics) cloudwatch.set(ns, (metrics = new Map()));
    for (const d of body.MetricData) {
      const dims = (d.Dimensions ?? []).map((x) => x.Name).sort().join(',');
      let sets = metrics.get(d.MetricName);
      if (!sets) metrics.set(d.MetricName, (sets = new Set()));
      sets.add(dims);
    }
  }
  const tags = new Set(read('grafana/annotations.jsonl.gz').flatMap((r) => (r.body as { tags: string[] }).tags));
  return { prometheus, streams, metadata, cloudwatch, tags };
}

/** Grafana's variables, replaced by a value a real panel would send. */
function substitute(expr: string): string {
  return expr
    .replace(/\$__(rate_interval|interval|auto|range)\b/g, '5m')
    .replace(/\$\{?(service|namespace)\}?/g, '.*')
    .replace(/\$\{?\w+\}?/g, 'x');
}

/** Problems with one matcher against the values a label takes. */
function matcherProblem(m: Matcher, values: Set<string> | undefined, where: string): string | undefined {
  if (m.op === '=' && m.value === '') return undefined; // "label absent": fine on any series
  if (!values) return `${where}: label ${m.label} does not exist`;
  const all = [...values];
  switch (m.op) {
    case '=':
      return values.has(m.value) ? undefined : `${where}: ${m.label}="${m.value}" matches nothing (values: ${all.slice(0, 8).join(', ')})`;
    case '=~': {
      const re = new RegExp(`^(?:${m.value})$`);
      return all.some((v) => re.test(v)) ? undefined : `${where}: ${m.label}=~"${m.value}" matches nothing`;
    }
    case '!=':
    case '!~':
      return undefined;
    default:
      return `${where}: unexpected operator ${m.op}`;
  }
}

function promqlProblems(refs: QueryRefs, u: Universe, where: string): string[] {
  const problems = refs.errors.map((e) => `${where}: syntax error ${e}`);
  const seen = new Set<string>();
  for (const sel of refs.selectors) {
    const labels = u.prometheus.get(sel.name);
    if (!labels) {
      problems.push(`${where}: no series ${sel.name}`);
      continue;
    }
    for (const l of labels.keys()) seen.add(l);
    for (const m of sel.matchers) {
      const p = matcherProblem(m, labels.get(m.label), `${where} ${sel.name}`);
      if (p) problems.push(p);
    }
  }
  for (const g of refs.grouping) if (!seen.has(g)) problems.push(`${where}: groups by ${g}, which none of its series has`);
  return problems;
}

function logqlProblems(refs: QueryRefs, u: Universe, where: string): string[] {
  const problems = refs.errors.map((e) => `${where}: syntax error ${e}`);
  if (refs.selectors.length === 0) problems.push(`${where}: no stream selector`);
  for (const sel of refs.selectors) for (const m of sel.matchers) {
    const p = matcherProblem(m, u.streams.get(m.label), `${where} stream`);
    if (p) problems.push(p);
  }
  const known = (label: string) => u.streams.get(label) ?? u.metadata.get(label);
  for (const m of refs.filters) {
    const p = matcherProblem(m, known(m.label), `${where} filter`);
    if (p) problems.push(p);
  }
  for (const g of refs.grouping) if (!known(g)) problems.push(`${where}: groups by ${g}, neither a stream label nor structured metadata`);
  return problems;
}

describe('Grafana dashboards (deploy/grafana/dashboards)', () => {
  it('are the four dashboards with the uids obsynth puts its annotations on', () => {
    expect(dashboards.map((x) => x.d.uid).sort()).toEqual(Object.values(DASHBOARD_UIDS).sort());
    for (const { file, d } of dashboards) {
      expect(d.title, file).toMatch(/^obsynth \/ /);
      expect(d.tags, file).toContain('obsynth');
      expect(d.schemaVersion, file).toBeGreaterThanOrEqual(36);
    }
  });

  it('lay out panels on the 24-column grid with unique ids, without overlaps', () => {
    for (const { file, d } of dashboards) {
      const panels = panelsOf(d);
      const ids = panels.map((p) => p.id);
      expect(new Set(ids).size, `${file}: duplicate panel ids`).toBe(ids.length);
      for (const p of panels) {
        expect(p.gridPos.x + p.gridPos.w, `${file}: ${p.title}`).toBeLessThanOrEqual(24);
        expect(p.title, `${file}: panel ${p.id} has no title`).toBeTruthy();
      }
      for (const a of panels) for (const b of panels) {
        if (a === b) continue;
        const overlap = a.gridPos.x < b.gridPos.x + b.gridPos.w && b.gridPos.x < a.gridPos.x + a.gridPos.w && a.gridPos.y < b.gridPos.y + b.gridPos.h && b.gridPos.y < a.gridPos.y + a.gridPos.h;
        expect(overlap, `${file}: "${a.title}" overlaps "${b.title}"`).toBe(false);
      }
    }
  });

  it('use only the provisioned datasources (by uid and type)', () => {
    const byUid = new Map(datasources.map((d) => [d.uid, d.type]));
    for (const { file, d } of dashboards) {
      for (const p of panelsOf(d)) {
        if (p.type === 'row') continue;
        for (const t of p.targets ?? []) {
          const ds = t.datasource ?? p.datasource!;
          expect(byUid.get(ds.uid), `${file}: ${p.title} uses ${ds.uid}`).toBe(ds.type);
        }
        expect(p.targets?.length, `${file}: ${p.title} has no query`).toBeGreaterThan(0);
      }
      for (const v of d.templating.list) expect(byUid.get(v.datasource.uid), `${file}: variable ${v.name}`).toBe(v.datasource.type);
    }
    const cw = datasources.find((x) => x.type === 'cloudwatch')!;
    expect(cw.jsonData?.endpoint).toBe('http://localstack:4566');
  });

  describe('against a dataset obsynth generated, through its sinks\' naming', () => {
    let u: Universe;
    beforeAll(() => {
      u = buildUniverse(generatedDataset(DASHBOARD_DATASET_ARGS));
    }, 600_000);

    it('every PromQL query names series and labels that exist', () => {
      const problems: string[] = [];
      let count = 0;
      for (const { file, d } of dashboards) {
        for (const p of panelsOf(d)) for (const t of p.targets ?? []) {
          if ((t.datasource ?? p.datasource)?.type !== 'prometheus') continue;
          count++;
          problems.push(...promqlProblems(promqlRefs(substitute(t.expr!)), u, `${file} "${p.title}" ${t.refId}`));
        }
        for (const v of d.templating.list) {
          expect(v.query, `${file}: variable ${v.name}`).toBe(v.definition);
          const m = /^label_values\((.+),\s*(\w+)\)$/.exec(v.definition);
          expect(m, `${file}: variable ${v.name}: ${v.definition}`).toBeTruthy();
          const refs = promqlRefs(substitute(m![1]!));
          problems.push(...promqlProblems(refs, u, `${file} variable ${v.name}`));
          expect(u.prometheus.get(refs.selectors[0]!.name)?.has(m![2]!), `${file} variable ${v.name}: label ${m![2]}`).toBe(true);
        }
      }
      expect(count).toBeGreaterThan(40);
      expect(problems).toEqual([]);
    });

    it('every LogQL query selects streams that exist and filters on labels or metadata the loki sink sends', () => {
      const problems: string[] = [];
      let count = 0;
      for (const { file, d } of dashboards) {
        for (const p of panelsOf(d)) for (const t of p.targets ?? []) {
          if ((t.datasource ?? p.datasource)?.type !== 'loki') continue;
          count++;
          problems.push(...logqlProblems(logqlRefs(substitute(t.expr!)), u, `${file} "${p.title}" ${t.refId}`));
        }
      }
      expect(count).toBeGreaterThan(6);
      expect(problems).toEqual([]);
    });

    it('every CloudWatch query names a published namespace, metric and dimension set', () => {
      const problems: string[] = [];
      let count = 0;
      for (const { file, d } of dashboards) {
        for (const p of panelsOf(d)) for (const t of p.targets ?? []) {
          if ((t.datasource ?? p.datasource)?.type !== 'cloudwatch') continue;
          count++;
          const where = `${file} "${p.title}" ${t.refId}`;
          const sets = u.cloudwatch.get(t.namespace!)?.get(t.metricName!);
          if (!sets) {
            problems.push(`${where}: no metric ${t.namespace} ${t.metricName}`);
            continue;
          }
          const dims = Object.keys(t.dimensions ?? {}).sort().join(',');
          if (!sets.has(dims)) problems.push(`${where}: ${t.metricName} never has exactly the dimensions [${dims}] (has ${[...sets].map((s) => `[${s}]`).join(' ')})`);
          if (!['Sum', 'Average', 'Maximum', 'Minimum', 'SampleCount'].includes(t.statistic!)) problems.push(`${where}: statistic ${t.statistic}`);
        }
      }
      expect(count).toBeGreaterThan(10);
      expect(problems).toEqual([]);
      // The datasource lists the namespaces the dashboards use (Grafana's editor offers only those).
      const listed = datasources.find((x) => x.type === 'cloudwatch')!.jsonData!.customMetricsNamespaces!.split(',');
      for (const ns of u.cloudwatch.keys()) expect(listed, ns).toContain(ns);
    });

    it('annotation queries ask for tags obsynth puts on its annotations', () => {
      for (const { file, d } of dashboards) {
        for (const a of d.annotations.list) {
          if (a.builtIn) continue;
          expect(a.target?.type, `${file}: ${a.name}`).toBe('tags');
          for (const tag of a.target!.tags) expect(u.tags.has(tag), `${file}: ${a.name} tag ${tag}`).toBe(true);
        }
      }
    });
  });

  it('flag a query that names something obsynth does not send (the checks are not vacuous)', () => {
    const u: Universe = { prometheus: new Map([['up', new Map([['job', new Set(['a'])]])]]), streams: new Map([['source', new Set(['kubernetes'])]]), metadata: new Map(), cloudwatch: new Map(), tags: new Set() };
    expect(promqlProblems(promqlRefs('sum by (instance) (up{job="b"}) + nope'), u, 'q')).toHaveLength(3);
    expect(logqlProblems(logqlRefs('{source="kubernetes"} | reason="x"'), u, 'q')).toHaveLength(1);
  });
});

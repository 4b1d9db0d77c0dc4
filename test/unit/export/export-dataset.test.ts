// obsynth export on generated datasets: every record comes out once, in file order, with its own
// labels; labels agree with incidents.json; template ids do not depend on the seed; the CSV is
// RFC 4180; Parquet and Arrow read back; windowed samples have one row per (window, entity),
// labelled from the ground truth. Expectations come from the dataset's own files, read here
// independently of the exporter.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runExport, type ExportFlags } from '../../../src/cli/commands/export.js';
import { planGenerate, runGenerate, type GenerateFlags } from '../../../src/cli/commands/generate.js';
import type { ExportSummary } from '../../../src/export/export-dataset.js';
import { templateRegex } from '../../../src/export/template-registry.js';
import { KIND_FILE, KIND_SOURCE, RECORD_KINDS, type LabelLine, type RecordKind } from '../../../src/model/record.js';
import type { Clock } from '../../../src/time/clock.js';
import { readJsonl, tempDir } from '../../support/cli.js';
import { readCsv } from '../../support/csv.js';
import { defaultConfig } from '../../support/world.js';
import type { Envelope } from '../../../src/validate/schemas/envelope.js';

const T0 = Date.UTC(2026, 10, 24, 14, 0, 0);
const MIN = 60_000;
const stillClock: Clock = { now: () => T0, monotonic: () => 0, sleep: async () => undefined };
const quiet = { isTTY: false, write: () => true };

interface IncidentDoc {
  id: string;
  type: string;
  root_cause: string;
  onset: string;
  end: string;
  onset_in_range: boolean;
  affected: Array<{ target: string; hops: number; delay_ms: number; weight: number }>;
}

interface Manifest {
  counts: { by_kind: Record<string, number> };
  files: Array<{ path: string; kind: RecordKind; role: string }>;
}

const root = tempDir('obsynth-export-');
const A = join(root, 'a');
const B = join(root, 'b');
const out = (name: string) => join(root, name);

async function generate(flags: GenerateFlags): Promise<void> {
  await runGenerate(planGenerate({ start: new Date(T0).toISOString(), workers: '0', force: true, incidentsPerDay: '0', ...flags }, T0), { clock: stillClock, stderr: quiet }, false);
}

function exportTo(dir: string, flags: ExportFlags): Promise<ExportSummary> {
  return runExport(dir, { force: true, ...flags }, { clock: stillClock, stderr: quiet });
}

const manifestOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
const incidentsOf = (dir: string) => (JSON.parse(readFileSync(join(dir, 'incidents.json'), 'utf8')) as { incidents: IncidentDoc[] }).incidents;

/** A kind's records and label lines, straight from the dataset's files. */
function kindData(dir: string, kind: RecordKind): { records: Envelope[]; labels: LabelLine[] } {
  const files = manifestOf(dir).files.filter((f) => f.kind === kind);
  const records = files.filter((f) => f.role === 'records').flatMap((f) => readJsonl<Envelope>(join(dir, f.path)));
  const labels = files.filter((f) => f.role === 'labels').flatMap((f) => readJsonl<LabelLine>(join(dir, f.path)));
  return { records, labels };
}

function readParquet(path: string): Promise<Array<Record<string, unknown>>> {
  const b = readFileSync(path);
  return parquetReadObjects({ file: b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) });
}

function parquetKeyValues(path: string): Record<string, string> {
  const b = readFileSync(path);
  const md = parquetMetadata(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  return Object.fromEntries((md.key_value_metadata ?? []).map((kv) => [kv.key, kv.value ?? '']));
}

/** Every file under a folder with its sha256, by relative path. */
function digests(dir: string): Record<string, string> {
  const outMap: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else outMap[relative(dir, p)] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  walk(dir);
  return outMap;
}

const LOG_FILES: ReadonlyArray<[RecordKind, string]> = [
  ['kubernetes_log', 'kubernetes'],
  ['cloudwatch_log', 'cloudwatch'],
  ['sentry_error', 'sentry'],
];

/** Where a log row's Content can be found in the raw record: as it is, or JSON-escaped once or twice (JSON lines inside a JSON envelope). */
function rawText(kind: RecordKind, body: Record<string, unknown>): string {
  if (kind === 'kubernetes_log') return String(body.log);
  if (kind === 'cloudwatch_log') return String((body.logEvents as Array<{ message: string }>)[0]!.message);
  return JSON.stringify(body);
}
const escapes = (s: string) => {
  const once = JSON.stringify(s).slice(1, -1);
  return [s, once, JSON.stringify(once).slice(1, -1)];
};

let summaries: { loghub: ExportSummary; parquet: ExportSummary; arrow: ExportSummary; byService: ExportSummary; bySource: ExportSummary };

beforeAll(async () => {
  // A: one hour, every source, one incident of every type (they overlap: good for labels).
  await generate({ hours: '1', out: A, seed: '7', allIncidents: true });
  // B: another seed, half an hour, three sources, two incidents.
  await generate({ hours: '0.5', out: B, seed: '99', sources: 'kubernetes,cloudwatch,sentry', incident: ['bad_deployment@+5m/order-service', 'db_pool_exhaustion@+10m/payment-service'] });
  summaries = {
    loghub: await exportTo(A, { format: 'loghub', out: out('a-loghub'), window: '60s' }),
    parquet: await exportTo(A, { format: 'parquet', out: out('a-parquet'), window: '1m' }),
    arrow: await exportTo(A, { format: 'arrow', out: out('a-arrow') }),
    byService: await exportTo(B, { format: 'loghub', out: out('b-by-service'), by: 'service' }),
    bySource: await exportTo(B, { format: 'loghub', out: out('b-by-source') }),
  };
}, 600_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('--format loghub', () => {
  it('writes one structured CSV per log source: a row per record, in file order, with the record and its labels', () => {
    const manifest = manifestOf(A);
    for (const [kind, source] of LOG_FILES) {
      const { records, labels } = kindData(A, kind);
      const { header, rows } = readCsv(join(out('a-loghub'), `${source}.log_structured.csv`));
      expect(header).toEqual(['LineId', 'Date', 'Time', 'Service', 'Host', 'Level', 'Component', 'Content', 'EventId', 'EventTemplate', 'Anomaly', 'IncidentId', 'Phase', 'TraceId', 'Flags']);
      expect(rows.length, kind).toBe(manifest.counts.by_kind[kind]);
      expect(rows.length, kind).toBe(records.length);
      expect(summaries.loghub.files.find((f) => f.kind === kind)!.rows).toBe(rows.length);
      const wrong: string[] = [];
      rows.forEach((row, i) => {
        const rec = records[i]!;
        const lab = labels[i]!;
        const expected = {
          LineId: String(i + 1),
          time: new Date(rec.timestamp).toISOString(),
          Service: rec.service,
          EventId: lab.template_id ?? '',
          Anomaly: lab.anomalous ? '1' : '0',
          IncidentId: lab.incident_id ?? '',
          Phase: lab.phase ?? '',
          TraceId: rec.trace_id ?? '',
        };
        const got = { LineId: row.LineId, time: `${row.Date}T${row.Time}Z`, Service: row.Service, EventId: row.EventId, Anomaly: row.Anomaly, IncidentId: row.IncidentId, Phase: row.Phase, TraceId: row.TraceId };
        if (JSON.stringify(got) !== JSON.stringify(expected)) wrong.push(`${kind} row ${i + 1}: ${JSON.stringify(got)} != ${JSON.stringify(expected)}`);
        // The Content is the record's own text, and its template produces it.
        const raw = rawText(kind, rec.body);
        if (!escapes(row.Content!).some((c) => raw.includes(c))) wrong.push(`${kind} row ${i + 1}: Content ${JSON.stringify(row.Content)} is not in the record`);
        if (row.EventId !== '' && row.EventTemplate === '') wrong.push(`${kind} row ${i + 1}: no EventTemplate for ${row.EventId}`);
        if (row.EventTemplate !== '' && !templateRegex(row.EventTemplate!).test(row.Content!)) wrong.push(`${kind} row ${i + 1}: ${JSON.stringify(row.Content)} does not match ${JSON.stringify(row.EventTemplate)}`);
      });
      expect(wrong.slice(0, 5)).toEqual([]);
      // The lines are not all alike: quotes, commas and templates of many kinds went through.
      expect(rows.some((r) => r.Content!.includes('"'))).toBe(true);
      expect(new Set(rows.map((r) => r.EventId)).size).toBeGreaterThan(kind === 'sentry_error' ? 5 : 10);
    }
  });

  it('lists each file’s templates with how often they occur, and every template the shop can log', () => {
    for (const [, source] of LOG_FILES) {
      const { rows } = readCsv(join(out('a-loghub'), `${source}.log_structured.csv`));
      const counted = new Map<string, number>();
      const text = new Map<string, string>();
      for (const r of rows) {
        if (r.EventId === '') continue;
        counted.set(r.EventId!, (counted.get(r.EventId!) ?? 0) + 1);
        text.set(r.EventId!, r.EventTemplate!);
      }
      const templates = readCsv(join(out('a-loghub'), `${source}.log_templates.csv`));
      expect(templates.header).toEqual(['EventId', 'EventTemplate', 'Occurrences']);
      expect(new Map(templates.rows.map((t) => [t.EventId!, Number(t.Occurrences)]))).toEqual(counted);
      for (const t of templates.rows) expect(t.EventTemplate).toBe(text.get(t.EventId!));
    }
    const all = readCsv(join(out('a-loghub'), 'templates.csv')).rows;
    expect(all).toHaveLength(summaries.loghub.templates);
    const ids = new Set(all.map((t) => t.EventId));
    for (const [, source] of LOG_FILES) for (const r of readCsv(join(out('a-loghub'), `${source}.log_templates.csv`)).rows) expect(ids.has(r.EventId)).toBe(true);
  });

  it('labels a row with an incident only inside that incident’s span, and every incident shows in the logs', () => {
    const incidents = new Map(incidentsOf(A).map((i) => [i.id, i]));
    const realism = defaultConfig().generation.realism;
    const before = realism.clock_skew.max_ms;
    const seen = new Set<string>();
    const wrong: string[] = [];
    let labelled = 0;
    for (const [, source] of LOG_FILES) {
      for (const r of readCsv(join(out('a-loghub'), `${source}.log_structured.csv`)).rows) {
        if (r.IncidentId === '') {
          if (r.Anomaly !== '0' || r.Phase !== '') wrong.push(`${source} ${r.LineId}: anomalous without an incident`);
          continue;
        }
        labelled++;
        const inc = incidents.get(r.IncidentId!);
        if (!inc) {
          wrong.push(`${source} ${r.LineId}: ${r.IncidentId} is not in incidents.json`);
          continue;
        }
        seen.add(inc.id);
        const t = Date.parse(`${r.Date}T${r.Time}Z`);
        // From onset (less clock skew) to the end as the furthest caller sees it, plus a minute.
        const from = Date.parse(inc.onset) - before;
        const to = Date.parse(inc.end) + Math.max(...inc.affected.map((a) => a.delay_ms)) + MIN;
        if (t < from || t > to) wrong.push(`${source} ${r.LineId}: ${r.IncidentId} at ${r.Date}T${r.Time}Z outside ${inc.onset} .. ${new Date(to).toISOString()}`);
        if (r.Anomaly !== '1' || !['onset', 'peak', 'recovery'].includes(r.Phase!)) wrong.push(`${source} ${r.LineId}: incident without anomaly or phase`);
      }
    }
    expect(wrong.slice(0, 5)).toEqual([]);
    expect(labelled).toBeGreaterThan(1000);
    expect([...seen].sort()).toEqual(incidentsOf(A).filter((i) => i.onset_in_range).map((i) => i.id).sort());
  });

  it('gives a template the same EventId whatever the seed', () => {
    // Per source: the same text can be two templates of two systems (a Sentry exception and an
    // RDS log line both say "canceling statement due to statement timeout").
    const idsByText = (dir: string, files: readonly string[]) => {
      const m = new Map<string, Set<string>>();
      for (const f of files) {
        for (const r of readCsv(join(dir, f)).rows) {
          if (r.EventId === '') continue;
          const key = `${f.split('.')[0]}: ${r.EventTemplate!}`;
          if (!m.has(key)) m.set(key, new Set());
          m.get(key)!.add(r.EventId!);
        }
      }
      return m;
    };
    const names = LOG_FILES.map(([, s]) => `${s}.log_structured.csv`);
    const a = idsByText(out('a-loghub'), names);
    const b = idsByText(out('b-by-source'), names);
    const common = [...a.keys()].filter((t) => b.has(t));
    expect(common.length).toBeGreaterThan(30);
    for (const t of common) expect([...b.get(t)!].sort(), t).toEqual([...a.get(t)!].sort());
    // And an id never names two different templates, in either run.
    const textById = new Map<string, string>();
    for (const m of [a, b]) {
      for (const [key, ids] of m) {
        // An exception template shows in container logs and in Sentry: same id, same text.
        const t = key.slice(key.indexOf(': ') + 2);
        for (const id of ids) {
          expect(textById.get(id) ?? t, id).toBe(t);
          textById.set(id, t);
        }
      }
    }
    // The seeds did make different data.
    const first = (dir: string) => readCsv(join(dir, 'kubernetes.log_structured.csv')).rows.slice(0, 50).map((r) => r.Content);
    expect(first(out('b-by-source'))).not.toEqual(first(out('a-loghub')));
    // The full template list depends on the configuration alone.
    expect(readFileSync(join(out('b-by-source'), 'templates.csv'), 'utf8')).toBe(readFileSync(join(out('a-loghub'), 'templates.csv'), 'utf8'));
  });

  it('--by service writes a file per service of each source, together holding every row once', () => {
    const manifest = manifestOf(B);
    for (const [kind, source] of LOG_FILES) {
      const files = summaries.byService.files.filter((f) => f.kind === kind);
      expect(files.length).toBeGreaterThan(1);
      const { records } = kindData(B, kind);
      const perService = new Map<string, number>();
      for (const r of records) perService.set(r.service, (perService.get(r.service) ?? 0) + 1);
      let total = 0;
      for (const f of files) {
        expect(f.path.startsWith(`${source}/`)).toBe(true);
        const { rows } = readCsv(join(out('b-by-service'), f.path));
        expect(new Set(rows.map((r) => r.Service))).toEqual(new Set([f.service]));
        expect(rows.map((r) => Number(r.LineId))).toEqual(rows.map((_, i) => i + 1));
        expect(rows.length).toBe(perService.get(f.service!));
        total += rows.length;
      }
      expect(total).toBe(manifest.counts.by_kind[kind]);
    }
  });

  it('writes byte-identical files when run again', async () => {
    await exportTo(B, { format: 'loghub', out: out('b-by-source-again') });
    expect(digests(out('b-by-source-again'))).toEqual(digests(out('b-by-source')));
  });
});

describe('--format parquet and arrow', () => {
  it('write one table per record kind that reads back with a row per record and its labels', async () => {
    const manifest = manifestOf(A);
    const kinds = RECORD_KINDS.filter((k) => manifest.counts.by_kind[k] !== undefined);
    expect(kinds).toHaveLength(11);
    for (const kind of kinds) {
      const { records, labels } = kindData(A, kind);
      const rel = `${KIND_SOURCE[kind]}/${KIND_FILE[kind]}`;
      const rows = await readParquet(join(out('a-parquet'), `${rel}.parquet`));
      expect(rows.length, kind).toBe(manifest.counts.by_kind[kind]);
      expect(parquetKeyValues(join(out('a-parquet'), `${rel}.parquet`))['obsynth.kind']).toBe(kind);
      const table = tableFromIPC(readFileSync(join(out('a-arrow'), `${rel}.arrow`)));
      expect(table.numRows, kind).toBe(rows.length);
      const wrong: string[] = [];
      const arrowIds = [...table.getChild('id')!] as string[];
      const arrowAnomalous = [...table.getChild('anomalous')!] as Array<boolean | null>;
      rows.forEach((row, i) => {
        const rec = records[i]!;
        const lab = labels[i]!;
        const got = [row.id, (row.timestamp as Date).getTime(), row.anomalous, row.incident_id, row.phase, row.template_id, row.duplicate, arrowIds[i], Boolean(arrowAnomalous[i])];
        const expected = [rec.id, rec.timestamp, lab.anomalous, lab.incident_id ?? null, lab.phase ?? null, lab.template_id ?? null, lab.duplicate === true, rec.id, lab.anomalous];
        if (JSON.stringify(got) !== JSON.stringify(expected)) wrong.push(`${kind} row ${i}: ${JSON.stringify(got)} != ${JSON.stringify(expected)}`);
      });
      expect(wrong.slice(0, 5)).toEqual([]);
    }
  });

  it('give log tables the LogHub columns and metric tables their values', async () => {
    const logs = await readParquet(join(out('a-parquet'), 'kubernetes/container_logs.parquet'));
    const csv = readCsv(join(out('a-loghub'), 'kubernetes.log_structured.csv')).rows;
    expect(logs.map((r) => r.content)).toEqual(csv.map((r) => r.Content));
    expect(logs.map((r) => r.event_template ?? '')).toEqual(csv.map((r) => r.EventTemplate));
    const { records } = kindData(A, 'cloudwatch_metric');
    const metrics = await readParquet(join(out('a-parquet'), 'cloudwatch/metrics.parquet'));
    metrics.forEach((m, i) => {
      const d = (records[i]!.body.MetricData as Array<{ MetricName: string; Value?: number }>)[0]!;
      expect(m.metric_name).toBe(d.MetricName);
      if (d.Value !== undefined) expect(m.value).toBe(d.Value);
    });
  });
});

describe('--window', () => {
  const config = defaultConfig();
  const entities = [...config.services.services.map((s) => s.name), ...config.services.datastores.map((d) => d.name)];

  it('writes one row per (window, service or datastore) over the whole range', () => {
    const { rows } = readCsv(join(out('a-loghub'), 'windows_60s.csv'));
    expect(rows).toHaveLength(60 * entities.length);
    expect(summaries.loghub.windows).toMatchObject({ windows: 60, rows: 60 * entities.length, tooLate: 0, path: 'windows_60s.csv' });
    const keys = new Set(rows.map((r) => `${r.window_start}|${r.entity}`));
    expect(keys.size).toBe(rows.length);
    for (let w = 0; w < 60; w++) {
      const start = new Date(T0 + w * MIN).toISOString();
      for (const e of entities) expect(keys.has(`${start}|${e}`), `${start} ${e}`).toBe(true);
    }
    for (const r of rows) expect(Date.parse(r.window_end!) - Date.parse(r.window_start!)).toBe(MIN);
  });

  it('labels a row with the incident that reaches its entity then, and no other row', () => {
    const incidents = incidentsOf(A);
    const byId = new Map(incidents.map((i) => [i.id, i]));
    const wrong: string[] = [];
    let listed = 0;
    for (const r of readCsv(join(out('a-loghub'), 'windows_60s.csv')).rows) {
      const start = Date.parse(r.window_start!);
      const end = Date.parse(r.window_end!);
      // What incidents.json says reaches this entity during this window.
      const reaching = incidents.flatMap((i) =>
        i.affected.filter((a) => a.target === r.entity && Date.parse(i.onset) + a.delay_ms < end && Date.parse(i.end) + a.delay_ms > start).map((a) => ({ id: i.id, hops: a.hops })),
      );
      const active = r.active_incidents === '' ? [] : r.active_incidents!.split(';');
      const where = `${r.window_start} ${r.entity}`;
      for (const x of reaching) if (!active.includes(x.id)) wrong.push(`${where}: ${x.id} reaches it but is not active`);
      if (r.label === 'normal') {
        if (reaching.length > 0 || active.length > 0 || r.incident_id !== '' || r.root_cause !== '' || r.phase !== '') wrong.push(`${where}: normal but ${JSON.stringify(reaching)}`);
        if (r.anomalous_records !== '0') wrong.push(`${where}: normal with ${r.anomalous_records} anomalous records`);
        continue;
      }
      const inc = byId.get(r.incident_id!);
      if (!inc) {
        wrong.push(`${where}: ${r.incident_id} is not in incidents.json`);
        continue;
      }
      if (!active.includes(inc.id)) wrong.push(`${where}: ${inc.id} not among the active ones`);
      if (r.label !== inc.type || r.root_cause !== inc.root_cause) wrong.push(`${where}: ${r.label}/${r.root_cause} for ${inc.id} (${inc.type}/${inc.root_cause})`);
      if (r.is_root_cause !== (r.entity === inc.root_cause ? '1' : '0')) wrong.push(`${where}: is_root_cause ${r.is_root_cause}`);
      if (!['onset', 'peak', 'recovery'].includes(r.phase!)) wrong.push(`${where}: phase ${r.phase}`);
      if (reaching.length > 0) {
        // The listed incident closest to its root wins.
        listed++;
        const hops = Math.min(...reaching.map((x) => x.hops));
        if (r.hops !== String(hops) || !reaching.some((x) => x.id === inc.id && x.hops === hops)) wrong.push(`${where}: ${inc.id} at ${r.hops} hops; closest listed ${hops}`);
      } else if (r.hops !== '' || r.anomalous_records === '0') {
        // Not listed: placed there by its records' labels.
        wrong.push(`${where}: ${inc.id} without incidents.json or labelled records`);
      }
    }
    expect(wrong.slice(0, 5)).toEqual([]);
    expect(listed).toBeGreaterThan(100);
    // Every incident is active at its root cause in some window.
    const rows = readCsv(join(out('a-loghub'), 'windows_60s.csv')).rows;
    for (const inc of incidents.filter((i) => i.onset_in_range && entities.includes(i.root_cause))) {
      expect(rows.some((r) => r.entity === inc.root_cause && r.active_incidents!.split(';').includes(inc.id)), inc.id).toBe(true);
    }
  });

  it('adds up to the records of the dataset', () => {
    const rows = readCsv(join(out('a-loghub'), 'windows_60s.csv')).rows;
    const sum = (col: string) => rows.reduce((a, r) => a + Number(r[col]), 0);
    const inRange = (t: number) => t >= T0 && t < T0 + 60 * MIN;
    const named = new Set(entities);
    const logs = kindData(A, 'kubernetes_log');
    const logLines = logs.records.filter((r, i) => logs.labels[i]!.template_id !== 'stacktrace' && inRange(r.timestamp) && named.has(r.service)).length;
    expect(sum('log_lines')).toBe(logLines);
    expect(sum('log_debug') + sum('log_info') + sum('log_warn') + sum('log_error')).toBe(logLines);
    for (const [kind, col] of [
      ['sentry_error', 'sentry_errors'],
      ['sentry_transaction', 'transactions'],
      ['kubernetes_event', 'k8s_events'],
      ['kubernetes_pod_metrics', 'pod_samples'],
    ] as const) {
      const n = kindData(A, kind).records.filter((r) => inRange(r.timestamp) && named.has(r.service)).length;
      expect(sum(col), kind).toBe(n);
      expect(n, kind).toBeGreaterThan(0);
    }
  });

  it('writes the same samples to Parquet as to CSV', async () => {
    const csv = readCsv(join(out('a-loghub'), 'windows_60s.csv')).rows;
    const pq = await readParquet(join(out('a-parquet'), 'windows_60s.parquet'));
    expect(summaries.parquet.windows!.path).toBe('windows_60s.parquet');
    expect(pq).toHaveLength(csv.length);
    const key = (r: Record<string, unknown>) => [r.entity, r.label, r.incident_id ?? '', r.root_cause ?? '', String(r.log_lines), String(r.anomalous_records), String(r.sentry_errors)].join('|');
    expect(pq.map((r) => [(r.window_start as Date).toISOString(), key(r)])).toEqual(csv.map((r) => [r.window_start, key(r)]));
  });
});

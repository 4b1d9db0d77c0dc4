// One time slice of the history, every source at once: run the generators, put each kind's
// records in arrival order, apply realism, give them ids, and serialise records and labels as
// JSON Lines. A chunk depends only on (seed, configuration, window), so chunks can run on any
// worker in any order and still concatenate to the same bytes.
import type { Generator, GenerationContext } from '../generators/generator.js';
import { KIND_SOURCE, RECORD_KINDS, type KubernetesLogBody, type LabelLine, type RecordKind, type Source, type Truth } from '../model/record.js';
import { Rng } from '../random/rng.js';
import { ConditionModel } from '../simulation/conditions.js';
import { REQUEST_LOOKBACK_MS, simulateRequests } from '../simulation/traffic-window.js';
import type { RequestSim } from '../simulation/requests.js';
import type { World } from '../simulation/world.js';
import { SECOND, type TimeWindow } from '../time/calendar.js';
import { applyRealism, byTimestamp, type Pending } from './realism.js';

export interface KindOutput {
  readonly kind: RecordKind;
  /** Records as JSON Lines. */
  readonly records: string;
  /** One label line per record, same order. */
  readonly labels: string;
  readonly count: number;
}

export interface SourceStat {
  count: number;
  first: number;
  last: number;
}

export interface ChunkOutput {
  readonly window: TimeWindow;
  readonly kinds: KindOutput[];
  /** incident id -> source -> what was emitted for it in this chunk */
  readonly incidentStats: Record<string, Partial<Record<Source, SourceStat>>>;
}

const KIND_PREFIX: Readonly<Record<RecordKind, string>> = {
  kubernetes_log: 'kl',
  kubernetes_event: 'ke',
  kubernetes_pod_metrics: 'kp',
  kubernetes_node_metrics: 'kn',
  sentry_error: 'se',
  sentry_transaction: 'st',
  cloudwatch_metric: 'cm',
  cloudwatch_log: 'cl',
  cloudwatch_alarm: 'ca',
  grafana_series: 'gs',
  grafana_annotation: 'ga',
};

export function generateChunk(world: World, generators: readonly Generator[], window: TimeWindow): ChunkOutput {
  const seed = world.options.seed;
  const buckets = new Map<RecordKind, Pending[]>();
  let seq = 0;
  // Requests that started a little before the window still write records inside it.
  const incidents = world.incidentsFor({ start: window.start - REQUEST_LOOKBACK_MS, end: window.end });
  const conditions = new ConditionModel(incidents);
  const jobRuns = world.jobs.runsOverlapping(window.start, window.end);
  let requests: RequestSim[] | undefined;
  const ctx: GenerationContext = {
    window,
    world,
    incidents,
    conditions,
    jobRuns,
    rng: (stream) => Rng.derive(seed, 'chunk', window.start, stream),
    requests: () => (requests ??= simulateRequests(world, conditions, window)),
    emit: (kind, timestamp, service, body, truth, traceId) => {
      // A window owns the records whose true time (before clock skew) falls inside it.
      const t = timestamp - (truth?.skewMs ?? 0);
      if (t < window.start || t >= window.end) return;
      let list = buckets.get(kind);
      if (!list) buckets.set(kind, (list = []));
      list.push({ kind, timestamp, service, traceId, body, truth, arrival: timestamp, seq: seq++ });
    },
  };
  for (const g of generators) if (world.has(g.source)) g.generate(ctx);

  const kinds: KindOutput[] = [];
  const incidentStats: ChunkOutput['incidentStats'] = {};
  const idBase = Math.floor(window.start / SECOND).toString(36);
  for (const kind of RECORD_KINDS) {
    const list = buckets.get(kind);
    if (!list || list.length === 0) continue;
    list.sort(byTimestamp);
    // Ids follow event-time order, before realism moves records; a duplicate keeps its id.
    const prefix = `${KIND_PREFIX[kind]}-${idBase}-`;
    for (let i = 0; i < list.length; i++) list[i]!.id = prefix + i.toString(36);
    // Each kind draws its own imperfections, so choosing fewer sources changes nothing else.
    const ordered = applyRealism(list, world.generation.realism, Rng.derive(seed, 'chunk', window.start, 'realism', kind), window.end);
    const source = KIND_SOURCE[kind];
    let records = '';
    let labels = '';
    for (const r of ordered) {
      records += serializeRecord(r);
      labels += serializeLabel(r.id!, r.truth);
      const incidentId = r.truth?.incidentId;
      if (incidentId && !r.truth?.duplicate) {
        const perSource = (incidentStats[incidentId] ??= {});
        const stat = perSource[source];
        if (!stat) perSource[source] = { count: 1, first: r.timestamp, last: r.timestamp };
        else {
          stat.count++;
          if (r.timestamp < stat.first) stat.first = r.timestamp;
          if (r.timestamp > stat.last) stat.last = r.timestamp;
        }
      }
    }
    kinds.push({ kind, records, labels, count: ordered.length });
  }
  return { window, kinds, incidentStats };
}

function serializeRecord(r: Pending): string {
  const id = r.id!;
  const trace = r.traceId ? `,"trace_id":"${r.traceId}"` : '';
  const body = r.kind === 'kubernetes_log' ? serializeLogBody(r.body as KubernetesLogBody) : JSON.stringify(r.body);
  return `{"id":"${id}","kind":"${r.kind}","timestamp":${r.timestamp},"service":${JSON.stringify(r.service)}${trace},"body":${body}}\n`;
}

/** Pod metadata repeats on every line of a pod: serialise it once (same bytes as JSON.stringify). */
const metaJson = new WeakMap<object, string>();

function serializeLogBody(b: KubernetesLogBody): string {
  let meta = metaJson.get(b.kubernetes);
  if (meta === undefined) {
    meta = JSON.stringify(b.kubernetes);
    metaJson.set(b.kubernetes, meta);
  }
  return `{"time":"${b.time}","stream":"${b.stream}","_p":"${b._p}","log":${JSON.stringify(b.log)},"kubernetes":${meta}}`;
}

function serializeLabel(id: string, truth: Truth | undefined): string {
  const line: LabelLine = { id, anomalous: truth?.anomalous ?? false };
  if (truth) {
    if (truth.incidentId) line.incident_id = truth.incidentId;
    if (truth.phase) line.phase = truth.phase;
    if (truth.templateId) line.template_id = truth.templateId;
    if (truth.lateMs) line.late_ms = truth.lateMs;
    if (truth.skewMs) line.skew_ms = truth.skewMs;
    if (truth.duplicate) line.duplicate = true;
    if (truth.missingFields) line.missing_fields = truth.missingFields;
  }
  return `${JSON.stringify(line)}\n`;
}

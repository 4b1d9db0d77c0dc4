// One time slice of the history, every source at once: run the generators, put each kind's
// records in arrival order, apply realism, give them ids, and serialise records and labels as
// JSON Lines. A chunk depends only on (seed, configuration, window), so chunks can run on any
// worker in any order and still concatenate to the same bytes.
import type { Generator, GenerationContext } from '../generators/generator.js';
import { KIND_SOURCE, RECORD_KINDS, type KubernetesLogBody, type RecordKind, type Source, type Truth } from '../model/record.js';
import { Rng } from '../random/rng.js';
import { ConditionModel } from '../simulation/conditions.js';
import { REQUEST_LOOKBACK_MS, simulateRequests } from '../simulation/traffic-window.js';
import type { RequestSim } from '../simulation/requests.js';
import type { World } from '../simulation/world.js';
import { SECOND, type TimeWindow } from '../time/calendar.js';
import { ByteBuilder } from './byte-builder.js';
import { serializeLogBody } from '../generators/kubernetes/log-body.js';
import { applyRealism, byTimestamp, dropOptionalFields, type Pending } from './realism.js';

export interface KindOutput {
  readonly kind: RecordKind;
  /** Records as JSON Lines (UTF-8). */
  readonly records: Buffer;
  /** One label line per record, same order. */
  readonly labels: Buffer;
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

/**
 * Buffers reused from one chunk to the next by a long-lived caller (a worker), so memory does
 * not churn: the caller must be done with a chunk's output before asking for the next one.
 */
export class ChunkBuffers {
  private readonly byKind = new Map<RecordKind, { bodies: ByteBuilder; records: ByteBuilder; labels: ByteBuilder }>();

  for(kind: RecordKind): { bodies: ByteBuilder; records: ByteBuilder; labels: ByteBuilder } {
    let b = this.byKind.get(kind);
    if (!b) this.byKind.set(kind, (b = { bodies: new ByteBuilder(1 << 20), records: new ByteBuilder(1 << 20), labels: new ByteBuilder(1 << 16) }));
    b.bodies.reset();
    b.records.reset();
    b.labels.reset();
    return b;
  }
}

export function generateChunk(world: World, generators: readonly Generator[], window: TimeWindow, reuse?: ChunkBuffers): ChunkOutput {
  const seed = world.options.seed;
  const realism = world.generation.realism;
  const buckets = new Map<RecordKind, { list: Pending[]; rng: Rng; bodies: ByteBuilder; records: ByteBuilder; labels: ByteBuilder }>();
  const buffersFor = (kind: RecordKind) => reuse?.for(kind) ?? { bodies: new ByteBuilder(1 << 16), records: new ByteBuilder(1 << 16), labels: new ByteBuilder(1 << 12) };
  let seq = 0;
  // Requests that started a little before the window still write records inside it.
  const incidents = world.incidentsFor({ start: window.start - REQUEST_LOOKBACK_MS, end: window.end });
  const conditions = new ConditionModel(incidents);
  const jobRuns = world.jobs.runsOverlapping(window.start, window.end);
  let requests: RequestSim[] | undefined;
  const accept = (kind: RecordKind, timestamp: number, service: string, body: unknown, json: string | undefined, truth: Truth | undefined, traceId: string | undefined) => {
    // A window owns the records whose true time (before clock skew) falls inside it.
    const t = timestamp - (truth?.skewMs ?? 0);
    if (t < window.start || t >= window.end) return;
    let bucket = buckets.get(kind);
    if (!bucket) buckets.set(kind, (bucket = { list: [], rng: Rng.derive(seed, 'chunk', window.start, 'missing-fields', kind), ...buffersFor(kind) }));
    if (realism.missing_optional_fields > 0 && bucket.rng.chance(realism.missing_optional_fields)) {
      const dropped = dropOptionalFields(kind, body ?? JSON.parse(json!), bucket.rng);
      if (dropped.removed) {
        truth = { ...(truth ?? { anomalous: false }), missingFields: dropped.removed };
        body = dropped.body;
        json = undefined;
      }
    }
    const bodyStart = bucket.bodies.byteLength;
    bucket.bodies.append(json ?? serializeBody(kind, body));
    bucket.list.push({ kind, timestamp, service, traceId, bodyStart, bodyEnd: bucket.bodies.byteLength, truth, arrival: timestamp, seq: seq++ });
  };
  const ctx: GenerationContext = {
    window,
    world,
    incidents,
    conditions,
    jobRuns,
    rng: (stream) => Rng.derive(seed, 'chunk', window.start, stream),
    requests: () => (requests ??= simulateRequests(world, conditions, window)),
    emit: (kind, timestamp, service, body, truth, traceId) => accept(kind, timestamp, service, body, undefined, truth, traceId),
    emitJson: (kind, timestamp, service, json, truth, traceId) => accept(kind, timestamp, service, undefined, json, truth, traceId),
  };
  for (const g of generators) if (world.has(g.source)) g.generate(ctx);

  const kinds: KindOutput[] = [];
  const incidentStats: ChunkOutput['incidentStats'] = {};
  const idBase = Math.floor(window.start / SECOND).toString(36);
  for (const kind of RECORD_KINDS) {
    const bucket = buckets.get(kind);
    const list = bucket?.list;
    if (!bucket || !list || list.length === 0) continue;
    const bodies = bucket.bodies.bytes();
    list.sort(byTimestamp);
    // Ids follow event-time order, before realism moves records; a duplicate keeps its id.
    const prefix = `${KIND_PREFIX[kind]}-${idBase}-`;
    for (let i = 0; i < list.length; i++) list[i]!.id = prefix + i.toString(36);
    // Each kind draws its own imperfections, so choosing fewer sources changes nothing else.
    const ordered = applyRealism(list, realism, Rng.derive(seed, 'chunk', window.start, 'realism', kind), window.end);
    const source = KIND_SOURCE[kind];
    const { records, labels } = bucket;
    for (const r of ordered) {
      records.append(envelopeHead(r));
      records.appendBytes(bodies, r.bodyStart, r.bodyEnd);
      records.append('}\n');
      labels.append(serializeLabel(r.id!, r.truth));
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
    kinds.push({ kind, records: records.bytes(), labels: labels.bytes(), count: ordered.length });
  }
  return { window, kinds, incidentStats };
}

const serviceJson = new Map<string, string>();

/** Everything of a record line before its body. */
function envelopeHead(r: Pending): string {
  let service = serviceJson.get(r.service);
  if (service === undefined) {
    service = JSON.stringify(r.service);
    serviceJson.set(r.service, service);
  }
  const trace = r.traceId ? `,"trace_id":"${r.traceId}"` : '';
  return `{"id":"${r.id!}","kind":"${r.kind}","timestamp":${r.timestamp},"service":${service}${trace},"body":`;
}

function serializeBody(kind: RecordKind, body: unknown): string {
  return kind === 'kubernetes_log' ? serializeLogBody(body as KubernetesLogBody) : JSON.stringify(body);
}


/** The label line; same bytes as JSON.stringify of a LabelLine with keys in this order. */
export function serializeLabel(id: string, truth: Truth | undefined): string {
  if (!truth) return `{"id":"${id}","anomalous":false}\n`;
  let s = `{"id":"${id}","anomalous":${truth.anomalous}`;
  if (truth.incidentId) s += `,"incident_id":"${truth.incidentId}"`;
  if (truth.phase) s += `,"phase":"${truth.phase}"`;
  if (truth.templateId) s += `,"template_id":${JSON.stringify(truth.templateId)}`;
  if (truth.lateMs) s += `,"late_ms":${truth.lateMs}`;
  if (truth.skewMs) s += `,"skew_ms":${truth.skewMs}`;
  if (truth.duplicate) s += ',"duplicate":true';
  if (truth.missingFields) s += `,"missing_fields":${JSON.stringify(truth.missingFields)}`;
  return `${s}}\n`;
}

// `obsynth export --window 60s`: every source joined into one row per (time window, service or
// datastore): log lines by level, errors, traces, Kubernetes events, metric aggregates,
// CloudWatch alarm states and Grafana annotations, labelled with the incident active there or
// "normal". An incident is active at an entity in a window when incidents.json lists the entity
// among the incident's affected targets and the window overlaps [onset, end] shifted by the
// target's propagation delay, or when records of that entity in that window carry the incident in
// their labels (datastores and exporters show an incident the call graph does not list: Postgres
// connections during a pool exhaustion, RabbitMQ depth while a consumer is down). The incident
// closest to its root wins; its type, phase, id and root-cause service label the row.
//
// The kinds' files are read side by side and merged by timestamp; a window is written once every
// file has moved past its end by more than the configured lateness and clock skew, so memory
// holds a few windows, whatever the range.
import type { LabelLine, RecordKind } from '../model/record.js';
import { parseQuantity } from '../sinks/prometheus/quantity.js';
import type { Cell, ColumnSpec, ColumnType } from './columnar.js';
import { readKind, type DatasetInput, type FileEnvelope, type GroundTruthIncident, type LabelledRecord } from './dataset-input.js';
import type { EntityResolver } from './entities.js';
import { parseCloudWatchMessage, parseContainerLine } from './log-parse.js';
import { STACKTRACE_TEMPLATE_ID } from './template-registry.js';

/** Panel series read into window columns: recording rule -> column and how it aggregates. */
const SERIES: ReadonlyArray<{ metric: string; column: string; stats: ReadonlyArray<'mean' | 'max' | 'min'> }> = [
  { metric: 'service:http_requests:rate1m', column: 'requests_per_s', stats: ['mean', 'max'] },
  { metric: 'service:http_errors:ratio_rate1m', column: 'error_ratio', stats: ['mean', 'max'] },
  { metric: 'service:http_request_duration_seconds:p99', column: 'latency_p99_s', stats: ['mean', 'max'] },
  { metric: 'service:cpu_usage:ratio', column: 'cpu_ratio', stats: ['mean', 'max'] },
  { metric: 'service:memory_working_set:max_ratio', column: 'memory_ratio', stats: ['max'] },
  { metric: 'service:cpu_cfs_throttled:ratio', column: 'cpu_throttled_ratio', stats: ['max'] },
  { metric: 'postgres:connections:ratio', column: 'db_connections_ratio', stats: ['max'] },
  { metric: 'redis:keyspace_hits:ratio', column: 'cache_hit_ratio', stats: ['min'] },
  { metric: 'rabbitmq_queue_messages_ready', column: 'queue_ready_messages', stats: ['max'] },
  { metric: 'coredns:dns_responses_servfail:ratio', column: 'dns_servfail_ratio', stats: ['max'] },
  { metric: 'probe_success', column: 'probe_success', stats: ['min'] },
];
const SERIES_INDEX = new Map(SERIES.map((s, i) => [s.metric, i]));

const CW_ERRORS = /5XX|5xx|ErrorCount|Failed/;
const CW_CPU = /^(CPUUtilization|pod_cpu_utilization)$/;

const c = (name: string, type: ColumnType): ColumnSpec => ({ name, type });

export const WINDOW_COLUMNS: readonly ColumnSpec[] = [
  c('window_start', 'timestamp'),
  c('window_end', 'timestamp'),
  c('entity', 'string'),
  c('entity_kind', 'string'),
  c('log_lines', 'int'),
  c('log_debug', 'int'),
  c('log_info', 'int'),
  c('log_warn', 'int'),
  c('log_error', 'int'),
  c('log_templates', 'int'),
  c('cloudwatch_log_events', 'int'),
  c('cloudwatch_log_errors', 'int'),
  c('sentry_errors', 'int'),
  c('transactions', 'int'),
  c('transactions_failed', 'int'),
  c('transaction_ms_mean', 'double'),
  c('transaction_ms_max', 'double'),
  c('k8s_events', 'int'),
  c('k8s_warning_events', 'int'),
  c('k8s_event_reasons', 'string'),
  c('pod_samples', 'int'),
  c('pod_cpu_cores_mean', 'double'),
  c('pod_cpu_cores_max', 'double'),
  c('pod_memory_bytes_max', 'double'),
  c('pod_throttled_ratio_max', 'double'),
  c('pod_restarts_max', 'int'),
  c('pod_not_ready_samples', 'int'),
  ...SERIES.flatMap((s) => s.stats.map((st) => c(`${s.column}_${st}`, 'double'))),
  c('cloudwatch_datapoints', 'int'),
  c('cloudwatch_error_count', 'double'),
  c('cloudwatch_cpu_utilization_max', 'double'),
  c('alarm_changes', 'int'),
  c('alarms_in_alarm', 'int'),
  c('annotations', 'int'),
  c('deploy_annotations', 'int'),
  c('alert_annotations', 'int'),
  c('anomalous_records', 'int'),
  c('label', 'string'),
  c('phase', 'string'),
  c('incident_id', 'string'),
  c('root_cause', 'string'),
  c('hops', 'int'),
  c('is_root_cause', 'bool'),
  c('active_incidents', 'string'),
];

class Acc {
  logs = 0;
  debug = 0;
  info = 0;
  warn = 0;
  error = 0;
  readonly templates = new Set<string>();
  cwLogs = 0;
  cwLogErrors = 0;
  sentryErrors = 0;
  tx = 0;
  txFailed = 0;
  txMsSum = 0;
  txMsMax: number | null = null;
  events = 0;
  warnings = 0;
  readonly reasons = new Map<string, number>();
  podSamples = 0;
  cpuSum = 0;
  cpuMax: number | null = null;
  memMax: number | null = null;
  throttleMax: number | null = null;
  restartsMax: number | null = null;
  notReady = 0;
  readonly series: Array<{ n: number; sum: number; max: number; min: number }> = SERIES.map(() => ({ n: 0, sum: 0, max: -Infinity, min: Infinity }));
  cwPoints = 0;
  cwErrors = 0;
  cwCpuMax: number | null = null;
  alarmChanges: Array<{ alarm: string; state: string }> = [];
  annotations = 0;
  deploys = 0;
  alerts = 0;
  anomalous = 0;
  /** Records labelled with each incident (duplicates left out). */
  readonly incidents = new Map<string, number>();
}

const max = (a: number | null, b: number): number => (a === null || b > a ? b : a);

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const numOf = (v: unknown): number | undefined => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
  return Number.isFinite(n) ? n : undefined;
};

function quantity(q: unknown): number {
  const v = typeof q === 'string' ? parseQuantity(q) : Number.NaN;
  return Number.isFinite(v) ? v : 0;
}

export interface WindowLabel {
  readonly label: string;
  readonly phase: string | null;
  readonly incidentId: string | null;
  readonly rootCause: string | null;
  /** Hops from the root cause by incidents.json; null when only the records' labels place the incident here. */
  readonly hops: number | null;
  /** Every incident active at the entity in the window, sorted, ';'-separated. */
  readonly active: string;
}

export const NORMAL_LABEL: WindowLabel = Object.freeze({ label: 'normal', phase: null, incidentId: null, rootCause: null, hops: null, active: '' });

/**
 * The label of (window [start, end), entity): from incidents.json's affected targets and, for
 * entities the call graph does not list, from the incidents the window's records are labelled
 * with (`seen`: incident id -> records). The incident closest to its root wins (fewest hops, then
 * largest weight, then earliest onset); one known only from records ranks after those, by count.
 */
export function windowLabel(incidents: readonly GroundTruthIncident[], entity: string, start: number, end: number, seen?: ReadonlyMap<string, number>): WindowLabel {
  let best: { inc: GroundTruthIncident; hops: number; weight: number; delay: number } | undefined;
  const active = new Set<string>();
  for (const inc of incidents) {
    for (const a of inc.affected) {
      if (a.target !== entity) continue;
      const from = inc.onset + a.delayMs;
      const to = inc.end + a.delayMs;
      if (from >= end || to <= start) continue;
      active.add(inc.id);
      if (!best || a.hops < best.hops || (a.hops === best.hops && (a.weight > best.weight || (a.weight === best.weight && inc.onset < best.inc.onset)))) best = { inc, hops: a.hops, weight: a.weight, delay: a.delayMs };
    }
  }
  let fromRecords: { inc: GroundTruthIncident; count: number } | undefined;
  if (seen) {
    for (const [id, count] of seen) {
      if (active.has(id)) continue;
      const inc = incidents.find((i) => i.id === id);
      if (!inc) continue;
      active.add(id);
      if (!fromRecords || count > fromRecords.count || (count === fromRecords.count && inc.onset < fromRecords.inc.onset)) fromRecords = { inc, count };
    }
  }
  const inc = best?.inc ?? fromRecords?.inc;
  if (!inc) return NORMAL_LABEL;
  const delay = best?.delay ?? 0;
  // The phase at the middle of the part of the window the incident covers, in the root's time.
  const mid = (Math.max(start, inc.onset + delay) + Math.min(end, inc.end + delay)) / 2 - delay;
  const phase = mid < inc.peak ? 'onset' : mid < inc.recoveryStart ? 'peak' : 'recovery';
  return { label: inc.type, phase, incidentId: inc.id, rootCause: inc.rootCause, hops: best ? best.hops : null, active: [...active].sort().join(';') };
}

export interface WindowOptions {
  readonly input: DatasetInput;
  readonly entities: EntityResolver;
  /** Datastore names (the rest of the entities are services). */
  readonly datastores: ReadonlySet<string>;
  readonly windowMs: number;
  /** How far behind the newest record a file may still deliver one (lateness + clock skew). */
  readonly toleranceMs: number;
  readonly range: { readonly start: number; readonly end: number };
  /** Kinds to read (default: every kind the dataset has). */
  readonly kinds?: readonly RecordKind[];
  readonly onBytes?: (n: number) => void;
  readonly write: (row: readonly Cell[]) => Promise<void>;
}

export interface WindowSummary {
  readonly windows: number;
  readonly rows: number;
  /** Records outside the range, or of no service or datastore (nodes, the cluster). */
  readonly unattributed: number;
  /** Records that arrived after their window had been written (later than the tolerance). */
  readonly tooLate: number;
  readonly labelled: number;
}

const WINDOW_KINDS: readonly RecordKind[] = ['kubernetes_log', 'kubernetes_event', 'kubernetes_pod_metrics', 'sentry_error', 'sentry_transaction', 'cloudwatch_metric', 'cloudwatch_log', 'cloudwatch_alarm', 'grafana_series', 'grafana_annotation'];

interface Stream {
  readonly kind: RecordKind;
  readonly it: AsyncIterator<LabelledRecord>;
  head: LabelledRecord | undefined;
}

export async function exportWindows(o: WindowOptions): Promise<WindowSummary> {
  const { windowMs, range, entities } = o;
  const count = Math.ceil((range.end - range.start) / windowMs);
  const pending = new Map<number, Map<string, Acc>>();
  const alarmState = new Map<string, { entity: string; state: string }>();
  let next = 0; // the next window to write
  let rows = 0;
  let unattributed = 0;
  let tooLate = 0;
  let labelled = 0;

  const accOf = (w: number, entity: string): Acc => {
    let m = pending.get(w);
    if (!m) pending.set(w, (m = new Map()));
    let a = m.get(entity);
    if (!a) m.set(entity, (a = new Acc()));
    return a;
  };

  const writeWindow = async (w: number) => {
    const start = range.start + w * windowMs;
    const end = Math.min(range.end, start + windowMs);
    const accs = pending.get(w);
    pending.delete(w);
    for (const e of entities.entities) {
      const a = accs?.get(e) ?? new Acc();
      for (const ch of a.alarmChanges) alarmState.set(ch.alarm, { entity: e, state: ch.state });
      let inAlarm = 0;
      for (const st of alarmState.values()) if (st.entity === e && st.state === 'ALARM') inAlarm++;
      const lab = windowLabel(o.input.incidents, e, start, end, a.incidents);
      if (lab.label !== 'normal') labelled++;
      const series = SERIES.flatMap((s, i) => {
        const x = a.series[i]!;
        return s.stats.map((st) => (x.n === 0 ? null : st === 'mean' ? x.sum / x.n : st === 'max' ? x.max : x.min));
      });
      const reasons = [...a.reasons].sort((p, q) => q[1] - p[1] || p[0].localeCompare(q[0])).map(([r, n]) => `${r}=${n}`).join(';');
      await o.write([
        start,
        end,
        e,
        o.datastores.has(e) ? 'datastore' : 'service',
        a.logs,
        a.debug,
        a.info,
        a.warn,
        a.error,
        a.templates.size,
        a.cwLogs,
        a.cwLogErrors,
        a.sentryErrors,
        a.tx,
        a.txFailed,
        a.tx > 0 ? a.txMsSum / a.tx : null,
        a.txMsMax,
        a.events,
        a.warnings,
        reasons || null,
        a.podSamples,
        a.podSamples > 0 ? a.cpuSum / a.podSamples : null,
        a.cpuMax,
        a.memMax,
        a.throttleMax,
        a.restartsMax,
        a.notReady,
        ...series,
        a.cwPoints,
        a.cwPoints > 0 ? a.cwErrors : null,
        a.cwCpuMax,
        a.alarmChanges.length,
        inAlarm,
        a.annotations,
        a.deploys,
        a.alerts,
        a.anomalous,
        lab.label,
        lab.phase,
        lab.incidentId,
        lab.rootCause,
        lab.hops,
        lab.rootCause === null ? null : lab.rootCause === e,
        lab.active || null,
      ]);
      rows++;
    }
  };

  const add = (kind: RecordKind, r: FileEnvelope, label: LabelLine | undefined) => {
    const t = r.timestamp;
    if (t < range.start || t >= range.end) {
      unattributed++;
      return;
    }
    const w = Math.floor((t - range.start) / windowMs);
    if (w < next) {
      tooLate++;
      return;
    }
    const entity = entities.resolve(r.service);
    if (entity === undefined) {
      unattributed++;
      return;
    }
    const a = accOf(w, entity);
    if (label?.anomalous) a.anomalous++;
    if (label?.incident_id && !label.duplicate) a.incidents.set(label.incident_id, (a.incidents.get(label.incident_id) ?? 0) + 1);
    const b = obj(r.body);
    switch (kind) {
      case 'kubernetes_log': {
        if (label?.template_id === STACKTRACE_TEMPLATE_ID) break; // part of the line before it
        a.logs++;
        if (label?.template_id) a.templates.add(label.template_id);
        const level = parseContainerLine(typeof b.log === 'string' ? b.log : '').level;
        if (level === 'DEBUG') a.debug++;
        else if (level === 'WARN') a.warn++;
        else if (level === 'ERROR' || level === 'FATAL') a.error++;
        else a.info++;
        break;
      }
      case 'cloudwatch_log': {
        a.cwLogs++;
        const level = parseCloudWatchMessage(String(b.logGroupName ?? ''), String(obj(arr(b.logEvents)[0]).message ?? '')).level;
        if (level === 'ERROR' || level === 'FATAL') a.cwLogErrors++;
        break;
      }
      case 'sentry_error':
        a.sentryErrors++;
        break;
      case 'sentry_transaction': {
        a.tx++;
        const status = obj(obj(b.contexts).trace).status;
        if (typeof status === 'string' && status !== 'ok') a.txFailed++;
        const s0 = numOf(b.start_timestamp);
        const s1 = numOf(b.timestamp);
        if (s0 !== undefined && s1 !== undefined) {
          const ms = (s1 - s0) * 1000;
          a.txMsSum += ms;
          a.txMsMax = max(a.txMsMax, ms);
        }
        break;
      }
      case 'kubernetes_event': {
        a.events++;
        if (b.type === 'Warning') a.warnings++;
        const reason = typeof b.reason === 'string' ? b.reason : '?';
        a.reasons.set(reason, (a.reasons.get(reason) ?? 0) + 1);
        break;
      }
      case 'kubernetes_pod_metrics': {
        a.podSamples++;
        let cpu = 0;
        let mem = 0;
        let periods = 0;
        let throttled = 0;
        for (const ct of arr(b.containers).map(obj)) {
          const u = obj(ct.usage);
          cpu += quantity(u.cpu);
          mem += quantity(u.memory);
          periods += numOf(obj(ct.cfs).periods) ?? 0;
          throttled += numOf(obj(ct.cfs).throttled_periods) ?? 0;
        }
        a.cpuSum += cpu;
        a.cpuMax = max(a.cpuMax, cpu);
        a.memMax = max(a.memMax, mem);
        if (periods > 0) a.throttleMax = max(a.throttleMax, throttled / periods);
        const statuses = arr(b.containerStatuses).map(obj);
        a.restartsMax = max(a.restartsMax, statuses.reduce((x, st) => x + (numOf(st.restartCount) ?? 0), 0));
        if (statuses.some((st) => st.ready !== true)) a.notReady++;
        break;
      }
      case 'grafana_series': {
        const m = obj(b.metric);
        const i = SERIES_INDEX.get(String(m.__name__));
        if (i === undefined) break;
        const v = numOf(arr(b.value)[1]);
        if (v === undefined) break;
        const x = a.series[i]!;
        x.n++;
        x.sum += v;
        if (v > x.max) x.max = v;
        if (v < x.min) x.min = v;
        break;
      }
      case 'grafana_annotation': {
        a.annotations++;
        const tags = arr(b.tags);
        if (tags.includes('deploy')) a.deploys++;
        if (tags.includes('alert')) a.alerts++;
        break;
      }
      case 'cloudwatch_metric':
        for (const d of arr(b.MetricData).map(obj)) {
          a.cwPoints++;
          const name = String(d.MetricName ?? '');
          const stats = obj(d.StatisticValues);
          if (CW_ERRORS.test(name)) a.cwErrors += numOf(d.Value) ?? numOf(stats.Sum) ?? 0;
          if (CW_CPU.test(name)) {
            const v = numOf(d.Value) ?? numOf(stats.Maximum);
            if (v !== undefined) a.cwCpuMax = max(a.cwCpuMax, v);
          }
        }
        break;
      case 'cloudwatch_alarm': {
        const d = obj(b.detail);
        const state = obj(d.state).value;
        if (typeof d.alarmName === 'string' && typeof state === 'string') a.alarmChanges.push({ alarm: d.alarmName, state });
        break;
      }
      default:
        break;
    }
  };

  const streams: Stream[] = [];
  for (const kind of WINDOW_KINDS) {
    if (!o.input.pairs.has(kind) || (o.kinds && !o.kinds.includes(kind))) continue;
    const it = readKind(o.input, kind, o.onBytes)[Symbol.asyncIterator]();
    const first = await it.next();
    if (!first.done) streams.push({ kind, it, head: first.value });
  }
  // Merge by timestamp; write every window all files have moved past (beyond the tolerance).
  for (;;) {
    let low: Stream | undefined;
    for (const s of streams) if (s.head && (!low || s.head.record.timestamp < low.head!.record.timestamp)) low = s;
    if (!low) break;
    const { record, label } = low.head!;
    add(low.kind, record, label);
    const step = await low.it.next();
    low.head = step.done ? undefined : step.value;
    let watermark = Infinity;
    for (const s of streams) if (s.head && s.head.record.timestamp < watermark) watermark = s.head.record.timestamp;
    while (next < count && range.start + (next + 1) * windowMs <= watermark - o.toleranceMs) await writeWindow(next++);
  }
  while (next < count) await writeWindow(next++);
  return { windows: count, rows, unattributed, tooLate, labelled };
}

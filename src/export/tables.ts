// Each record kind as a flat table for Parquet / Arrow: the envelope, the fields of the native
// body worth a column (flattened, typed, in base units), then the labels. One row per record,
// except CloudWatch metric inputs: one row per MetricDatum (generate writes one per record).
import type { LabelLine, RecordKind } from '../model/record.js';
import { parseQuantity } from '../sinks/prometheus/quantity.js';
import type { Cell, ColumnSpec, ColumnType } from './columnar.js';
import type { FileEnvelope } from './dataset-input.js';
import type { EntityResolver } from './entities.js';
import { LogRowBuilder } from './log-rows.js';

type Row = Cell[];

export interface KindTable {
  readonly kind: RecordKind;
  readonly columns: readonly ColumnSpec[];
  /** The rows one record gives. */
  rows(record: FileEnvelope, label: LabelLine | undefined): Row[];
}

const col = (name: string, type: ColumnType): ColumnSpec => ({ name, type });

const ENVELOPE: readonly ColumnSpec[] = [col('id', 'string'), col('timestamp', 'timestamp'), col('service', 'string'), col('entity', 'string'), col('trace_id', 'string')];
const LABELS: readonly ColumnSpec[] = [
  col('anomalous', 'bool'),
  col('incident_id', 'string'),
  col('phase', 'string'),
  col('template_id', 'string'),
  col('late_ms', 'int'),
  col('skew_ms', 'int'),
  col('duplicate', 'bool'),
  col('missing_fields', 'string'),
];

export const ENVELOPE_COLUMNS = ENVELOPE.map((c) => c.name);
export const LABEL_COLUMNS = LABELS.map((c) => c.name);

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const s = (v: unknown): string | null => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : null);
const bool = (v: unknown): boolean | null => (typeof v === 'boolean' ? v : null);
const time = (v: unknown): number | null => {
  if (typeof v === 'number' && Number.isFinite(v)) return v < 1e11 ? Math.round(v * 1000) : v; // Sentry floats in seconds
  if (typeof v !== 'string') return null;
  const t = Date.parse(v);
  return Number.isFinite(t) ? t : null;
};
const quantity = (v: unknown): number | null => {
  const q = typeof v === 'string' ? parseQuantity(v) : Number.NaN;
  return Number.isFinite(q) ? q : null;
};

function labelCells(label: LabelLine | undefined): Row {
  return [label?.anomalous ?? null, label?.incident_id ?? null, label?.phase ?? null, label?.template_id ?? null, label?.late_ms ?? null, label?.skew_ms ?? null, label?.duplicate ?? false, label?.missing_fields?.join(',') ?? null];
}

function table(kind: RecordKind, own: readonly ColumnSpec[], entities: EntityResolver, cells: (body: Obj, r: FileEnvelope, label: LabelLine | undefined) => Row[]): KindTable {
  return {
    kind,
    columns: [...ENVELOPE, ...own, ...LABELS],
    rows(record, label) {
      const envelope: Row = [record.id, record.timestamp, record.service, entities.resolve(record.service) ?? null, record.trace_id ?? null];
      const labels = labelCells(label);
      return cells(obj(record.body), record, label).map((own) => [...envelope, ...own, ...labels]);
    },
  };
}

function podMetrics(entities: EntityResolver): KindTable {
  return table(
    'kubernetes_pod_metrics',
    [col('pod', 'string'), col('namespace', 'string'), col('window_s', 'double'), col('containers', 'string'), col('cpu_cores', 'double'), col('memory_bytes', 'double'), col('cfs_periods', 'int'), col('cfs_throttled_periods', 'int'), col('ready', 'bool'), col('restart_count', 'int'), col('last_terminated_reason', 'string')],
    entities,
    (b) => {
      const meta = obj(b.metadata);
      let cpu = 0;
      let mem = 0;
      let periods = 0;
      let throttled = 0;
      const names: string[] = [];
      for (const c of arr(b.containers).map(obj)) {
        names.push(s(c.name) ?? '');
        const usage = obj(c.usage);
        cpu += quantity(usage.cpu) ?? 0;
        mem += quantity(usage.memory) ?? 0;
        const cfs = obj(c.cfs);
        periods += num(cfs.periods) ?? 0;
        throttled += num(cfs.throttled_periods) ?? 0;
      }
      const statuses = arr(b.containerStatuses).map(obj);
      const reason = statuses.map((st) => s(obj(obj(st.lastState).terminated).reason)).find((x) => x !== null) ?? null;
      return [[s(meta.name), s(meta.namespace), windowSeconds(b.window), names.join(','), cpu, mem, periods, throttled, statuses.length > 0 ? statuses.every((st) => st.ready === true) : null, statuses.reduce((a, st) => a + (num(st.restartCount) ?? 0), 0), reason]];
    },
  );
}

function windowSeconds(v: unknown): number | null {
  const m = typeof v === 'string' ? /^(?:(\d+)h)?(?:(\d+)m)?(?:([\d.]+)s)?$/.exec(v) : null;
  return m ? Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0) : null;
}

function nodeMetrics(entities: EntityResolver): KindTable {
  return table(
    'kubernetes_node_metrics',
    [col('node', 'string'), col('instance_type', 'string'), col('zone', 'string'), col('cpu_cores', 'double'), col('memory_bytes', 'double'), col('fs_capacity_bytes', 'double'), col('fs_used_bytes', 'double'), col('fs_available_bytes', 'double'), col('ready', 'bool'), col('memory_pressure', 'bool'), col('disk_pressure', 'bool'), col('pid_pressure', 'bool')],
    entities,
    (b) => {
      const meta = obj(b.metadata);
      const labels = obj(meta.labels);
      const usage = obj(b.usage);
      const fs = obj(b.fs);
      const cond = (type: string): boolean | null => {
        const c = arr(b.conditions).map(obj).find((x) => x.type === type);
        return c ? c.status === 'True' : null;
      };
      return [[s(meta.name), s(labels['node.kubernetes.io/instance-type']), s(labels['topology.kubernetes.io/zone']), quantity(usage.cpu), quantity(usage.memory), num(fs.capacityBytes), num(fs.usedBytes), num(fs.availableBytes), cond('Ready'), cond('MemoryPressure'), cond('DiskPressure'), cond('PIDPressure')]];
    },
  );
}

function kubernetesEvents(entities: EntityResolver): KindTable {
  return table(
    'kubernetes_event',
    [col('name', 'string'), col('namespace', 'string'), col('event_time', 'timestamp'), col('type', 'string'), col('reason', 'string'), col('action', 'string'), col('note', 'string'), col('reporting_controller', 'string'), col('reporting_instance', 'string'), col('regarding_kind', 'string'), col('regarding_name', 'string'), col('regarding_namespace', 'string'), col('series_count', 'int'), col('series_last_observed', 'timestamp'), col('count', 'int')],
    entities,
    (b) => {
      const meta = obj(b.metadata);
      const reg = obj(b.regarding);
      const series = obj(b.series);
      return [[s(meta.name), s(meta.namespace), time(b.eventTime), s(b.type), s(b.reason), s(b.action), s(b.note), s(b.reportingController), s(b.reportingInstance), s(reg.kind), s(reg.name), s(reg.namespace), num(series.count), time(series.lastObservedTime), num(b.deprecatedCount)]];
    },
  );
}

function sentryErrors(entities: EntityResolver): KindTable {
  return table(
    'sentry_error',
    [col('event_id', 'string'), col('platform', 'string'), col('level', 'string'), col('logger', 'string'), col('transaction', 'string'), col('exception_type', 'string'), col('exception_module', 'string'), col('exception_value', 'string'), col('mechanism', 'string'), col('handled', 'bool'), col('frames', 'int'), col('in_app_frames', 'int'), col('breadcrumbs', 'int'), col('release', 'string'), col('environment', 'string'), col('server_name', 'string'), col('route', 'string'), col('http_status_code', 'int'), col('user_id', 'string'), col('span_id', 'string')],
    entities,
    (b) => {
      const values = arr(obj(b.exception).values).map(obj);
      const e = values[values.length - 1] ?? {};
      const mech = obj(e.mechanism);
      const frames = arr(obj(e.stacktrace).frames).map(obj);
      const tags = obj(b.tags);
      const trace = obj(obj(b.contexts).trace);
      return [[s(b.event_id), s(b.platform), s(b.level), s(b.logger), s(b.transaction), s(e.type), s(e.module), s(e.value), s(mech.type), bool(mech.handled), frames.length, frames.filter((f) => f.in_app === true).length, arr(b.breadcrumbs).length, s(b.release), s(b.environment), s(b.server_name), s(tags.route), num(tags['http.status_code']), s(obj(b.user).id), s(trace.span_id)]];
    },
  );
}

function sentryTransactions(entities: EntityResolver): KindTable {
  return table(
    'sentry_transaction',
    [col('event_id', 'string'), col('platform', 'string'), col('transaction', 'string'), col('op', 'string'), col('status', 'string'), col('start_timestamp', 'timestamp'), col('duration_ms', 'double'), col('spans', 'int'), col('failed_spans', 'int'), col('db_query_count', 'double'), col('db_time_ms', 'double'), col('http_status_code', 'int'), col('release', 'string'), col('server_name', 'string'), col('span_id', 'string'), col('parent_span_id', 'string')],
    entities,
    (b) => {
      const trace = obj(obj(b.contexts).trace);
      const spans = arr(b.spans).map(obj);
      const m = obj(b.measurements);
      const start = num(b.start_timestamp);
      const end = num(b.timestamp);
      const tags = obj(b.tags);
      return [[s(b.event_id), s(b.platform), s(b.transaction), s(trace.op), s(trace.status), time(b.start_timestamp), start !== null && end !== null ? Math.round((end - start) * 1e6) / 1e3 : null, spans.length, spans.filter((x) => typeof x.status === 'string' && x.status !== 'ok').length, num(obj(m['db.query_count']).value), num(obj(m['db.time']).value), num(tags['http.status_code']), s(b.release), s(b.server_name), s(trace.span_id), s(trace.parent_span_id)]];
    },
  );
}

function cloudwatchMetrics(entities: EntityResolver): KindTable {
  return table(
    'cloudwatch_metric',
    [col('namespace', 'string'), col('metric_name', 'string'), col('dimensions', 'string'), col('metric_timestamp', 'timestamp'), col('value', 'double'), col('sample_count', 'double'), col('sum', 'double'), col('minimum', 'double'), col('maximum', 'double'), col('unit', 'string'), col('storage_resolution', 'int')],
    entities,
    (b) =>
      arr(b.MetricData).map((v) => {
        const d = obj(v);
        const stats = obj(d.StatisticValues);
        const dims = arr(d.Dimensions)
          .map(obj)
          .map((x) => `${s(x.Name)}=${s(x.Value)}`)
          .join(';');
        return [s(b.Namespace), s(d.MetricName), dims, time(d.Timestamp), num(d.Value), num(stats.SampleCount), num(stats.Sum), num(stats.Minimum), num(stats.Maximum), s(d.Unit), num(d.StorageResolution)];
      }),
  );
}

function cloudwatchAlarms(entities: EntityResolver): KindTable {
  return table(
    'cloudwatch_alarm',
    [col('alarm_name', 'string'), col('state', 'string'), col('previous_state', 'string'), col('reason', 'string'), col('state_time', 'timestamp'), col('metric_namespace', 'string'), col('metric_name', 'string'), col('description', 'string')],
    entities,
    (b) => {
      const d = obj(b.detail);
      const state = obj(d.state);
      const cfg = obj(d.configuration);
      const metric = obj(obj(obj(arr(cfg.metrics)[0]).metricStat).metric);
      return [[s(d.alarmName), s(state.value), s(obj(d.previousState).value), s(state.reason), time(state.timestamp) ?? time(b.time), s(metric.namespace), s(metric.name), s(cfg.description)]];
    },
  );
}

function grafanaSeries(entities: EntityResolver): KindTable {
  return table(
    'grafana_series',
    [col('metric', 'string'), col('labels', 'string'), col('label_service', 'string'), col('label_pod', 'string'), col('label_node', 'string'), col('label_instance', 'string'), col('label_route', 'string'), col('label_method', 'string'), col('label_queue', 'string'), col('sample_time', 'timestamp'), col('value', 'double')],
    entities,
    (b) => {
      const m = obj(b.metric);
      const value = arr(b.value);
      const labels = Object.keys(m)
        .filter((k) => k !== '__name__')
        .sort()
        .map((k) => `${k}=${s(m[k])}`)
        .join(',');
      const raw = s(value[1]);
      const v = raw === null ? null : raw === 'NaN' ? Number.NaN : raw === '+Inf' ? Number.POSITIVE_INFINITY : raw === '-Inf' ? Number.NEGATIVE_INFINITY : num(raw);
      return [[s(m.__name__), labels, s(m.service), s(m.pod), s(m.node), s(m.instance), s(m.route), s(m.method), s(m.queue), time(value[0]), v]];
    },
  );
}

function grafanaAnnotations(entities: EntityResolver): KindTable {
  return table(
    'grafana_annotation',
    [col('dashboard_uid', 'string'), col('panel_id', 'int'), col('time', 'timestamp'), col('time_end', 'timestamp'), col('tags', 'string'), col('text', 'string')],
    entities,
    (b) => [[s(b.dashboardUID), num(b.panelId), num(b.time), num(b.timeEnd), arr(b.tags).map(s).join(','), s(b.text)]],
  );
}

function logTable(kind: 'kubernetes_log' | 'cloudwatch_log' | 'sentry_error', entities: EntityResolver, builder: LogRowBuilder, extra: readonly ColumnSpec[], extraCells: (b: Obj) => Row): KindTable {
  return table(kind, [col('host', 'string'), col('level', 'string'), col('component', 'string'), col('content', 'string'), col('event_template', 'string'), ...extra], entities, (b, r, label) => {
    const row = builder.build(kind, r, label)!;
    return [[row.host, row.level || null, row.component || null, row.content, row.eventTemplate || null, ...extraCells(b)]];
  });
}

/** The table of every kind. Sentry errors get the error columns (their message is exception_value). */
export function kindTables(entities: EntityResolver, builder: LogRowBuilder): ReadonlyMap<RecordKind, KindTable> {
  const list: KindTable[] = [
    logTable('kubernetes_log', entities, builder, [col('namespace', 'string'), col('container', 'string'), col('node', 'string'), col('stream', 'string'), col('cri_time', 'string')], (b) => {
      const k = obj(b.kubernetes);
      return [s(k.namespace_name), s(k.container_name), s(k.host), s(b.stream), s(b.time)];
    }),
    kubernetesEvents(entities),
    podMetrics(entities),
    nodeMetrics(entities),
    sentryErrors(entities),
    sentryTransactions(entities),
    cloudwatchMetrics(entities),
    logTable('cloudwatch_log', entities, builder, [col('log_group', 'string'), col('log_stream', 'string')], (b) => [s(b.logGroupName), s(b.logStreamName)]),
    cloudwatchAlarms(entities),
    grafanaSeries(entities),
    grafanaAnnotations(entities),
  ];
  return new Map(list.map((t) => [t.kind, t]));
}

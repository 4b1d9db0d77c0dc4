// Metric records as OTLP ResourceMetrics (the SDK's export shape, which the official serializers
// encode), built directly with explicit start/end times: the SDK's instruments would stamp the
// collection time instead of the replayed one. Names and instruments follow the OpenTelemetry
// semantic conventions for Kubernetes metrics; CloudWatch and Prometheus-style series keep their
// own names in OTel form (see the mapping in definition.ts).
import { ValueType, type Attributes, type HrTime } from '@opentelemetry/api';
import type { InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import { AggregationTemporality, DataPointType, type DataPoint, type MetricData, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { CloudWatchMetricBody, FileRecord, GrafanaSeriesBody, KubernetesNodeMetricsBody, KubernetesPodMetricsBody } from '../../model/record.js';
import { hrTimeOfIso, hrTimeOfMs, hrTimeOfSeconds, msOfHrTime } from './hrtime.js';
import { baseAttributes, imageAttributes, labelAttributes, regionOfEc2Hostname, regionOfZone, workloadAttributes, type ResourceAttributes, type ResourceCache } from './resources.js';
import {
  ATTR_CLOUD_AVAILABILITY_ZONE,
  ATTR_CLOUD_PLATFORM,
  ATTR_CLOUD_PROVIDER,
  ATTR_CLOUD_REGION,
  ATTR_CONTAINER_ID,
  ATTR_HOST_NAME,
  ATTR_HOST_TYPE,
  ATTR_K8S_CONTAINER_NAME,
  ATTR_K8S_NAMESPACE_NAME,
  ATTR_K8S_NODE_CONDITION_STATUS,
  ATTR_K8S_NODE_CONDITION_TYPE,
  ATTR_K8S_NODE_NAME,
  ATTR_K8S_POD_NAME,
  ATTR_SERVICE_NAMESPACE,
  CLOUD_PLATFORM_AWS_EKS,
  CLOUD_PROVIDER_AWS,
  K8S_NODE_LABEL_PREFIX,
  K8S_POD_LABEL_PREFIX,
  METRIC_CONTAINER_CPU_CFS_PERIODS,
  METRIC_CONTAINER_CPU_CFS_THROTTLED_PERIODS,
  METRIC_CONTAINER_CPU_USAGE,
  METRIC_CONTAINER_MEMORY_WORKING_SET,
  METRIC_K8S_CONTAINER_READY,
  METRIC_K8S_CONTAINER_RESTART_COUNT,
  METRIC_K8S_NODE_CONDITION_STATUS,
  METRIC_K8S_NODE_CPU_USAGE,
  METRIC_K8S_NODE_FILESYSTEM_AVAILABLE,
  METRIC_K8S_NODE_FILESYSTEM_CAPACITY,
  METRIC_K8S_NODE_FILESYSTEM_USAGE,
  METRIC_K8S_NODE_MEMORY_WORKING_SET,
  METRIC_K8S_POD_CPU_USAGE,
  METRIC_K8S_POD_MEMORY_WORKING_SET,
} from './semconv.js';


export interface MetricScopes {
  readonly kubernetes: InstrumentationScope;
  readonly cloudwatch: InstrumentationScope;
  readonly grafana: InstrumentationScope;
}

/** How a metric is recorded: a gauge, or a sum (counter / up-down counter). */
export interface Instrument {
  readonly name: string;
  readonly unit: string;
  readonly description?: string;
  readonly type: 'gauge' | 'sum';
  readonly valueType?: ValueType;
  readonly monotonic?: boolean;
  readonly temporality?: AggregationTemporality;
}

const gauge = (name: string, unit: string, valueType = ValueType.DOUBLE): Instrument => ({ name, unit, type: 'gauge', valueType });
/** An up-down counter reported as a (non-monotonic, cumulative) sum, as the conventions say. */
const upDown = (name: string, unit: string, valueType = ValueType.INT): Instrument => ({ name, unit, type: 'sum', valueType, monotonic: false, temporality: AggregationTemporality.CUMULATIVE });
const deltaCounter = (name: string, unit: string): Instrument => ({ name, unit, type: 'sum', valueType: ValueType.INT, monotonic: true, temporality: AggregationTemporality.DELTA });

const POD_CPU = gauge(METRIC_K8S_POD_CPU_USAGE, '{cpu}');
const POD_MEMORY = upDown(METRIC_K8S_POD_MEMORY_WORKING_SET, 'By');
const CONTAINER_CPU = gauge(METRIC_CONTAINER_CPU_USAGE, '{cpu}');
const CONTAINER_MEMORY = upDown(METRIC_CONTAINER_MEMORY_WORKING_SET, 'By');
const CONTAINER_RESTARTS = upDown(METRIC_K8S_CONTAINER_RESTART_COUNT, '{restart}');
const CONTAINER_READY = upDown(METRIC_K8S_CONTAINER_READY, '{container}');
const CFS_PERIODS = deltaCounter(METRIC_CONTAINER_CPU_CFS_PERIODS, '{period}');
const CFS_THROTTLED = deltaCounter(METRIC_CONTAINER_CPU_CFS_THROTTLED_PERIODS, '{period}');
const NODE_CPU = gauge(METRIC_K8S_NODE_CPU_USAGE, '{cpu}');
const NODE_MEMORY = upDown(METRIC_K8S_NODE_MEMORY_WORKING_SET, 'By');
const NODE_FS_CAPACITY = upDown(METRIC_K8S_NODE_FILESYSTEM_CAPACITY, 'By');
const NODE_FS_USAGE = upDown(METRIC_K8S_NODE_FILESYSTEM_USAGE, 'By');
const NODE_FS_AVAILABLE = upDown(METRIC_K8S_NODE_FILESYSTEM_AVAILABLE, 'By');
const NODE_CONDITION = upDown(METRIC_K8S_NODE_CONDITION_STATUS, '{node}');

/** A Kubernetes quantity ("253m", "253481n", "312456Ki", "1.5Gi", "2") as a plain number. */
export function parseQuantity(q: string): number {
  const m = /^([+-]?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)(n|u|m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/.exec(q.trim());
  if (!m) return Number.NaN;
  const n = Number(m[1]);
  switch (m[2]) {
    case undefined:
      return n;
    case 'n':
      return n / 1e9;
    case 'u':
      return n / 1e6;
    case 'm':
      return n / 1e3;
    case 'k':
      return n * 1e3;
    case 'M':
      return n * 1e6;
    case 'G':
      return n * 1e9;
    case 'T':
      return n * 1e12;
    case 'P':
      return n * 1e15;
    case 'E':
      return n * 1e18;
    case 'Ki':
      return n * 1024;
    case 'Mi':
      return n * 1024 ** 2;
    case 'Gi':
      return n * 1024 ** 3;
    case 'Ti':
      return n * 1024 ** 4;
    case 'Pi':
      return n * 1024 ** 5;
    default:
      return n * 1024 ** 6;
  }
}

/** A Go duration ("1m0s", "30s", "1h", "500ms") in ms. */
export function parseDurationMs(d: string): number {
  let total = 0;
  let matched = false;
  for (const m of d.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) {
    matched = true;
    const n = Number(m[1]);
    const unit = m[2];
    total += unit === 'h' ? n * 3_600_000 : unit === 'm' ? n * 60_000 : unit === 's' ? n * 1000 : unit === 'ms' ? n : unit === 'ns' ? n / 1e6 : n / 1e3;
  }
  return matched ? total : 0;
}

/** CloudWatch metric names in OTel form: `AWS/ApplicationELB` + `HTTPCode_Target_5XX_Count` -> `aws.applicationelb.http_code_target_5xx_count`. */
export function cloudwatchMetricName(namespace: string, metricName: string): string {
  const ns = namespace
    .split('/')
    .map((s) => s.toLowerCase().replace(/[^a-z0-9_]+/g, '_'))
    .filter(Boolean)
    .join('.');
  return `${ns}.${snakeCase(metricName)}`;
}

/** CamelCase to snake_case keeping acronyms (CPU, IOPS), plural acronyms (LCUs, IDs) and 2XX whole. */
export function snakeCase(name: string): string {
  const words: string[] = [];
  for (const part of name.split(/[^A-Za-z0-9]+/)) {
    for (const w of part.match(/[A-Z]{2,}s(?![a-z])|[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+[A-Za-z]*?(?=[A-Z][a-z]|$)|\d+/g) ?? []) words.push(w.toLowerCase());
  }
  return words.join('_');
}

const CLOUDWATCH_UNITS: Readonly<Record<string, string>> = {
  Seconds: 's',
  Microseconds: 'us',
  Milliseconds: 'ms',
  Bytes: 'By',
  Kilobytes: 'kBy',
  Megabytes: 'MBy',
  Gigabytes: 'GBy',
  Terabytes: 'TBy',
  Bits: 'bit',
  Kilobits: 'kbit',
  Megabits: 'Mbit',
  Gigabits: 'Gbit',
  Terabits: 'Tbit',
  Percent: '%',
  Count: '{count}',
  'Bytes/Second': 'By/s',
  'Kilobytes/Second': 'kBy/s',
  'Megabytes/Second': 'MBy/s',
  'Gigabytes/Second': 'GBy/s',
  'Terabytes/Second': 'TBy/s',
  'Bits/Second': 'bit/s',
  'Kilobits/Second': 'kbit/s',
  'Megabits/Second': 'Mbit/s',
  'Gigabits/Second': 'Gbit/s',
  'Terabits/Second': 'Tbit/s',
  'Count/Second': '{count}/s',
  None: '1',
};

export function cloudwatchUnit(unit: string | undefined): string {
  return unit ? (CLOUDWATCH_UNITS[unit] ?? unit) : '';
}

/** A unit from a Prometheus metric name's suffix, as the Prometheus-to-OTLP translation reads it. */
export function prometheusUnit(name: string): string {
  const base = name.endsWith('_total') ? name.slice(0, -6) : name;
  if (base.endsWith('_seconds')) return 's';
  if (base.endsWith('_bytes')) return 'By';
  if (base.endsWith('_ratio') || base.endsWith(':ratio')) return '1';
  return '';
}

/** A Prometheus sample value as text: a number, NaN, +Inf or -Inf (JavaScript's Number() reads neither Inf). */
export function prometheusValue(text: string): number {
  if (text === '+Inf' || text === 'Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  return Number(text);
}

interface MutableMetric {
  readonly instrument: Instrument;
  readonly points: Array<DataPoint<number>>;
}

/** Data points of one export, grouped by resource, then scope, then metric. */
export class MetricsBatch {
  private readonly byResource = new Map<Resource, Map<InstrumentationScope, Map<string, MutableMetric>>>();
  points = 0;
  /** Points left out because their value is NaN or infinite and the encoding cannot carry it. */
  dropped = 0;

  /** `finiteOnly`: OTLP/JSON as the SDK writes it turns NaN and ±Inf into null, so leave them out. */
  constructor(private readonly finiteOnly = false) {}

  add(resource: Resource, scope: InstrumentationScope, instrument: Instrument, point: DataPoint<number>): void {
    if (this.finiteOnly && !Number.isFinite(point.value)) {
      this.dropped++;
      return;
    }
    let scopes = this.byResource.get(resource);
    if (!scopes) this.byResource.set(resource, (scopes = new Map()));
    let metrics = scopes.get(scope);
    if (!metrics) scopes.set(scope, (metrics = new Map()));
    const key = `${instrument.name}|${instrument.type}|${instrument.temporality ?? ''}|${instrument.unit}`;
    let metric = metrics.get(key);
    if (!metric) metrics.set(key, (metric = { instrument, points: [] }));
    metric.points.push(point);
    this.points++;
  }

  toResourceMetrics(): ResourceMetrics[] {
    const out: ResourceMetrics[] = [];
    for (const [resource, scopes] of this.byResource) {
      out.push({
        resource,
        scopeMetrics: [...scopes].map(([scope, metrics]) => ({ scope, metrics: [...metrics.values()].map(toMetricData) })),
      });
    }
    return out;
  }
}

function toMetricData({ instrument, points }: MutableMetric): MetricData {
  const descriptor = { name: instrument.name, description: instrument.description ?? '', unit: instrument.unit, valueType: instrument.valueType ?? ValueType.DOUBLE };
  if (instrument.type === 'gauge') {
    return { descriptor, aggregationTemporality: AggregationTemporality.CUMULATIVE, dataPointType: DataPointType.GAUGE, dataPoints: points };
  }
  return {
    descriptor,
    aggregationTemporality: instrument.temporality ?? AggregationTemporality.CUMULATIVE,
    dataPointType: DataPointType.SUM,
    dataPoints: points,
    isMonotonic: instrument.monotonic ?? false,
  };
}

/**
 * Start times of cumulative series: when this replay first saw the series (the Prometheus
 * receiver does the same), moved to the previous point's time when a counter resets.
 */
class CumulativeStarts {
  private readonly series = new Map<string, { start: HrTime; last: number; lastTime: HrTime }>();

  constructor(private readonly maxEntries = 200_000) {}

  startOf(key: string, time: HrTime, value: number, monotonic: boolean): HrTime {
    const seen = this.series.get(key);
    if (!seen) {
      if (this.series.size >= this.maxEntries) this.series.clear();
      this.series.set(key, { start: time, last: value, lastTime: time });
      return time;
    }
    if (monotonic && value < seen.last && msOfHrTime(time) > msOfHrTime(seen.lastTime)) seen.start = seen.lastTime;
    if (msOfHrTime(time) >= msOfHrTime(seen.lastTime)) {
      seen.last = value;
      seen.lastTime = time;
    }
    return seen.start;
  }
}

const attrKey = (a: Attributes): string => JSON.stringify(a);

export class MetricMapper {
  private readonly starts = new CumulativeStarts();

  constructor(
    private readonly resources: ResourceCache,
    private readonly scopes: MetricScopes,
  ) {}

  /** Adds the record's data points; `record` is already rebased. Returns how many were added. */
  map(record: FileRecord, into: MetricsBatch): number {
    const before = into.points;
    switch (record.kind) {
      case 'kubernetes_pod_metrics':
        this.podMetrics(record.service, record.body, record.timestamp, into);
        break;
      case 'kubernetes_node_metrics':
        this.nodeMetrics(record.service, record.body, record.timestamp, into);
        break;
      case 'cloudwatch_metric':
        this.cloudwatchMetric(record.service, record.body, into);
        break;
      case 'grafana_series':
        this.grafanaSeries(record.service, record.body, into);
        break;
      default:
        break;
    }
    return into.points - before;
  }

  private cumulative(resourceKey: string, instrument: Instrument, time: HrTime, value: number, attributes: Attributes): HrTime {
    return this.starts.startOf(`${resourceKey}|${instrument.name}|${attrKey(attributes)}`, time, value, instrument.monotonic ?? false);
  }

  private podMetrics(service: string, body: KubernetesPodMetricsBody, timestamp: number, into: MetricsBatch): void {
    const end = hrTimeOfIso(body.timestamp) ?? hrTimeOfMs(timestamp);
    const windowMs = parseDurationMs(body.window);
    const start = hrTimeOfMs(msOfHrTime(end) - windowMs);
    const ns = body.metadata.namespace ?? '';
    const pod = body.metadata.name ?? '';
    const podKey = `p|${service}|${ns}|${pod}`;
    const podAttributes = (): ResourceAttributes => {
      const out = baseAttributes(service, false);
      out[ATTR_SERVICE_NAMESPACE] = ns;
      out[ATTR_K8S_NAMESPACE_NAME] = ns;
      out[ATTR_K8S_POD_NAME] = pod;
      workloadAttributes(pod, body.metadata.labels, out);
      labelAttributes(K8S_POD_LABEL_PREFIX, body.metadata.labels, out);
      return out;
    };
    const podResource = this.resources.get(podKey, podAttributes);
    const scope = this.scopes.kubernetes;
    let cpu = 0;
    let memory = 0;
    const statuses = new Map(body.containerStatuses.map((s) => [s.name, s]));
    for (const c of body.containers) {
      const status = statuses.get(c.name);
      const containerId = status?.containerID?.replace(/^[a-z]+:\/\//, '');
      const key = `${podKey}|${c.name}|${containerId ?? ''}|${status?.image ?? ''}`;
      const resource = this.resources.get(key, () => {
        const out = podAttributes();
        out[ATTR_K8S_CONTAINER_NAME] = c.name;
        if (containerId) out[ATTR_CONTAINER_ID] = containerId;
        imageAttributes(status?.image, out);
        return out;
      });
      const cores = parseQuantity(c.usage.cpu);
      const bytes = Math.round(parseQuantity(c.usage.memory));
      cpu += cores;
      memory += bytes;
      into.add(resource, scope, CONTAINER_CPU, { startTime: start, endTime: end, attributes: {}, value: cores });
      into.add(resource, scope, CONTAINER_MEMORY, { startTime: this.cumulative(key, CONTAINER_MEMORY, end, bytes, {}), endTime: end, attributes: {}, value: bytes });
      into.add(resource, scope, CFS_PERIODS, { startTime: start, endTime: end, attributes: {}, value: c.cfs.periods });
      into.add(resource, scope, CFS_THROTTLED, { startTime: start, endTime: end, attributes: {}, value: c.cfs.throttled_periods });
      if (status) {
        const restarts = status.restartCount ?? 0;
        into.add(resource, scope, CONTAINER_RESTARTS, { startTime: this.cumulative(key, CONTAINER_RESTARTS, end, restarts, {}), endTime: end, attributes: {}, value: restarts });
        const ready = status.ready ? 1 : 0;
        into.add(resource, scope, CONTAINER_READY, { startTime: this.cumulative(key, CONTAINER_READY, end, ready, {}), endTime: end, attributes: {}, value: ready });
      }
    }
    into.add(podResource, scope, POD_CPU, { startTime: start, endTime: end, attributes: {}, value: cpu });
    into.add(podResource, scope, POD_MEMORY, { startTime: this.cumulative(podKey, POD_MEMORY, end, memory, {}), endTime: end, attributes: {}, value: memory });
  }

  private nodeMetrics(service: string, body: KubernetesNodeMetricsBody, timestamp: number, into: MetricsBatch): void {
    const end = hrTimeOfIso(body.timestamp) ?? hrTimeOfMs(timestamp);
    const start = hrTimeOfMs(msOfHrTime(end) - parseDurationMs(body.window));
    const node = body.metadata.name ?? service;
    const key = `n|${service}|${node}`;
    const labels = body.metadata.labels;
    const resource = this.resources.get(key, () => {
      const out = baseAttributes(service, false);
      out[ATTR_K8S_NODE_NAME] = node;
      out[ATTR_HOST_NAME] = node;
      labelAttributes(K8S_NODE_LABEL_PREFIX, labels, out);
      const type = labels?.['node.kubernetes.io/instance-type'];
      const zone = labels?.['topology.kubernetes.io/zone'];
      if (type) out[ATTR_HOST_TYPE] = type;
      const region = (zone && regionOfZone(zone)) || regionOfEc2Hostname(node);
      if (region) {
        out[ATTR_CLOUD_PROVIDER] = CLOUD_PROVIDER_AWS;
        out[ATTR_CLOUD_PLATFORM] = CLOUD_PLATFORM_AWS_EKS;
        out[ATTR_CLOUD_REGION] = region;
        if (zone) out[ATTR_CLOUD_AVAILABILITY_ZONE] = zone;
      }
      return out;
    });
    const scope = this.scopes.kubernetes;
    const cumulative = (instrument: Instrument, value: number, attributes: Attributes = {}) =>
      into.add(resource, scope, instrument, { startTime: this.cumulative(key, instrument, end, value, attributes), endTime: end, attributes, value });
    into.add(resource, scope, NODE_CPU, { startTime: start, endTime: end, attributes: {}, value: parseQuantity(body.usage.cpu) });
    cumulative(NODE_MEMORY, Math.round(parseQuantity(body.usage.memory)));
    cumulative(NODE_FS_CAPACITY, body.fs.capacityBytes);
    cumulative(NODE_FS_USAGE, body.fs.usedBytes);
    cumulative(NODE_FS_AVAILABLE, body.fs.availableBytes);
    // Every (type, status) pair, 1 for the current status, as the convention asks.
    for (const c of body.conditions) {
      for (const status of ['true', 'false', 'unknown']) {
        cumulative(NODE_CONDITION, c.status?.toLowerCase() === status ? 1 : 0, { [ATTR_K8S_NODE_CONDITION_TYPE]: c.type ?? '', [ATTR_K8S_NODE_CONDITION_STATUS]: status });
      }
    }
  }

  private cloudwatchMetric(service: string, body: CloudWatchMetricBody, into: MetricsBatch): void {
    const resource = this.resources.get(`m|${service}`, () => baseAttributes(service, true));
    const scope = this.scopes.cloudwatch;
    for (const d of body.MetricData) {
      const time = (d.Timestamp && hrTimeOfIso(d.Timestamp)) || undefined;
      if (!time) continue;
      const name = cloudwatchMetricName(body.Namespace, d.MetricName);
      const unit = cloudwatchUnit(d.Unit);
      const attributes: Attributes = {};
      for (const dim of d.Dimensions ?? []) if (dim.Name) attributes[dim.Name] = dim.Value ?? '';
      const point = (value: number): DataPoint<number> => ({ startTime: time, endTime: time, attributes, value });
      const stats = d.StatisticValues;
      if (stats && stats.SampleCount !== undefined && stats.Sum !== undefined) {
        // A statistic set: its average under the metric's own name, and each statistic beside it.
        if (stats.SampleCount > 0) into.add(resource, scope, gauge(name, unit), point(stats.Sum / stats.SampleCount));
        into.add(resource, scope, gauge(`${name}.sum`, unit), point(stats.Sum));
        into.add(resource, scope, gauge(`${name}.sample_count`, '{count}'), point(stats.SampleCount));
        if (stats.Minimum !== undefined) into.add(resource, scope, gauge(`${name}.minimum`, unit), point(stats.Minimum));
        if (stats.Maximum !== undefined) into.add(resource, scope, gauge(`${name}.maximum`, unit), point(stats.Maximum));
      } else if (d.Values && d.Values.length > 0) {
        // Values with Counts: their weighted average, and the number of samples.
        let sum = 0;
        let count = 0;
        d.Values.forEach((v, i) => {
          const n = d.Counts?.[i] ?? 1;
          sum += v * n;
          count += n;
        });
        if (count > 0) into.add(resource, scope, gauge(name, unit), point(sum / count));
        into.add(resource, scope, gauge(`${name}.sample_count`, '{count}'), point(count));
      } else if (d.Value !== undefined) {
        into.add(resource, scope, gauge(name, unit), point(d.Value));
      }
    }
  }

  private grafanaSeries(service: string, body: GrafanaSeriesBody, into: MetricsBatch): void {
    const key = `g|${service}`;
    const resource = this.resources.get(key, () => baseAttributes(service, false));
    const { __name__: name, ...labels } = body.metric;
    const time = hrTimeOfSeconds(body.value[0]);
    const value = prometheusValue(body.value[1]);
    const attributes: Attributes = labels;
    if (name.endsWith('_total')) {
      const instrument: Instrument = { name, unit: prometheusUnit(name), type: 'sum', valueType: ValueType.DOUBLE, monotonic: true, temporality: AggregationTemporality.CUMULATIVE };
      into.add(resource, this.scopes.grafana, instrument, { startTime: this.cumulative(key, instrument, time, value, attributes), endTime: time, attributes, value });
    } else {
      into.add(resource, this.scopes.grafana, gauge(name, prometheusUnit(name)), { startTime: time, endTime: time, attributes, value });
    }
  }
}

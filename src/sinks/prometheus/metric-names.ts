// How records become Prometheus series. Names follow what the same data is called when scraped
// for real (cAdvisor, kube-state-metrics, node-exporter, YACE), so dashboards and alert rules
// written for those work on a replay. Where the source is a rate or a window increase rather than
// a counter (metrics-server's CPU usage, the CFS periods of one window) the series is a gauge with
// a name that says so. See the table in the sink's README section.
import type { CloudWatchMetricBody, KubernetesNodeMetricsBody, KubernetesPodMetricsBody } from '../../model/record.js';
import { sanitizeLabelName } from '../wire/label-names.js';
import { parseQuantity } from './quantity.js';

export interface SampleDraft {
  readonly name: string;
  readonly labels: Array<readonly [string, string]>;
  readonly value: number;
}

// ---- Kubernetes ---------------------------------------------------------------------------------

const CADVISOR = [['job', 'kubelet'], ['metrics_path', '/metrics/cadvisor']] as const;
const RESOURCE = [['job', 'kubelet'], ['metrics_path', '/metrics/resource']] as const;
const KSM = [['job', 'kube-state-metrics']] as const;
const NODE_EXPORTER = [['job', 'node-exporter']] as const;

/** PodMetrics (joined with container statuses and CFS counters) as container-level series. */
export function podSamples(b: KubernetesPodMetricsBody, service: string): SampleDraft[] {
  const out: SampleDraft[] = [];
  const pod = [['namespace', b.metadata.namespace ?? ''], ['pod', b.metadata.name ?? ''], ['service', service]] as const;
  const images = new Map(b.containerStatuses.map((s) => [s.name, s.image ?? '']));
  for (const c of b.containers) {
    const labels = [...pod, ['container', c.name], ['image', images.get(c.name) ?? '']] as const;
    out.push({ name: 'container_cpu_usage_cores', labels: [...labels, ...CADVISOR], value: parseQuantity(c.usage.cpu) });
    out.push({ name: 'container_memory_working_set_bytes', labels: [...labels, ...CADVISOR], value: parseQuantity(c.usage.memory) });
    out.push({ name: 'container_cpu_cfs_periods', labels: [...labels, ...CADVISOR], value: c.cfs.periods });
    out.push({ name: 'container_cpu_cfs_throttled_periods', labels: [...labels, ...CADVISOR], value: c.cfs.throttled_periods });
  }
  for (const s of b.containerStatuses) {
    const labels = [...pod, ['container', s.name], ...KSM] as const;
    out.push({ name: 'kube_pod_container_status_restarts_total', labels: [...labels], value: s.restartCount ?? 0 });
    out.push({ name: 'kube_pod_container_status_ready', labels: [...labels], value: s.ready ? 1 : 0 });
    const reason = s.lastState?.terminated?.reason;
    if (reason) out.push({ name: 'kube_pod_container_status_last_terminated_reason', labels: [...labels, ['reason', reason]], value: 1 });
  }
  return out;
}

/** NodeMetrics (with conditions and filesystem) as node-level series. */
export function nodeSamples(b: KubernetesNodeMetricsBody): SampleDraft[] {
  const node = [['node', b.metadata.name ?? '']] as const;
  const fs = [...node, ['mountpoint', '/'], ...NODE_EXPORTER] as const;
  const out: SampleDraft[] = [
    { name: 'node_cpu_usage_cores', labels: [...node, ...RESOURCE], value: parseQuantity(b.usage.cpu) },
    { name: 'node_memory_working_set_bytes', labels: [...node, ...RESOURCE], value: parseQuantity(b.usage.memory) },
    { name: 'node_filesystem_size_bytes', labels: [...fs], value: b.fs.capacityBytes },
    { name: 'node_filesystem_avail_bytes', labels: [...fs], value: b.fs.availableBytes },
    { name: 'node_filesystem_used_bytes', labels: [...fs], value: b.fs.usedBytes },
  ];
  for (const c of b.conditions) {
    const status = (c.status ?? 'Unknown').toLowerCase();
    for (const s of ['true', 'false', 'unknown']) {
      out.push({ name: 'kube_node_status_condition', labels: [...node, ['condition', c.type ?? ''], ['status', s], ...KSM], value: s === status ? 1 : 0 });
    }
  }
  return out;
}

// ---- CloudWatch (YACE) --------------------------------------------------------------------------

/** YACE's PromString: separators to "_", "%" to "_percent", CamelCase to snake_case, lower case. */
export function yacePromString(text: string): string {
  let out = '';
  let prev = '';
  for (const c of text) {
    if (' ,\t/\\.-:=@<>()\u201c'.includes(c)) out += '_';
    else if (c === '%') out += '_percent';
    else {
      const upper = c !== c.toLowerCase();
      if (upper && prev !== '' && (/[a-z]/.test(prev) || /[0-9]/.test(prev))) out += '_';
      out += c.toLowerCase();
    }
    prev = c;
  }
  return out;
}

/** YACE's BuildMetricName: aws_<namespace>_<metric>_<statistic>, e.g. aws_applicationelb_request_count_sum. */
export function yaceMetricName(namespace: string, metricName: string, statistic: string): string {
  let ns = yacePromString(namespace.toLowerCase());
  if (ns.startsWith('_')) ns = ns.slice(1);
  let metric = yacePromString(metricName);
  for (const part of ns.split('_')) if (part && metric.startsWith(part)) metric = metric.slice(part.length);
  if (metric.startsWith('_')) metric = metric.slice(1);
  return `${ns.startsWith('aws') ? '' : 'aws_'}${ns}_${metric}${statistic ? `_${yacePromString(statistic)}` : ''}`;
}

/** Units whose single values YACE users query as Sum; the others as Average. */
const SUM_UNITS = new Set(['Count', 'Bytes', 'Kilobytes', 'Megabytes', 'Gigabytes', 'Terabytes', 'Bits', 'Kilobits', 'Megabits', 'Gigabits', 'Terabits']);

/** One PutMetricData datum as YACE would export it: one series per statistic. */
export function cloudwatchSamples(b: CloudWatchMetricBody): Array<SampleDraft & { readonly timestamp?: string }> {
  const out: Array<SampleDraft & { timestamp?: string }> = [];
  for (const d of b.MetricData) {
    const labels: Array<readonly [string, string]> = [['job', 'yace']];
    for (const dim of d.Dimensions ?? []) if (dim.Name && dim.Value) labels.push([`dimension_${sanitizeLabelName(dim.Name)}`, dim.Value]);
    const push = (stat: string, value: number) => out.push({ name: yaceMetricName(b.Namespace, d.MetricName, stat), labels, value, timestamp: d.Timestamp });
    if (d.StatisticValues) {
      const s = d.StatisticValues;
      push('Sum', s.Sum ?? 0);
      push('SampleCount', s.SampleCount ?? 0);
      push('Minimum', s.Minimum ?? 0);
      push('Maximum', s.Maximum ?? 0);
      push('Average', s.SampleCount ? (s.Sum ?? 0) / s.SampleCount : Number.NaN);
    } else if (d.Values && d.Values.length > 0) {
      const counts = d.Counts ?? d.Values.map(() => 1);
      let sum = 0;
      let n = 0;
      d.Values.forEach((v, i) => {
        sum += v * (counts[i] ?? 1);
        n += counts[i] ?? 1;
      });
      push('Sum', sum);
      push('SampleCount', n);
      push('Minimum', Math.min(...d.Values));
      push('Maximum', Math.max(...d.Values));
      push('Average', n ? sum / n : Number.NaN);
    } else if (d.Value !== undefined) {
      push(SUM_UNITS.has(d.Unit ?? '') ? 'Sum' : 'Average', d.Value);
    }
  }
  return out;
}

/** A Prometheus sample value as the query API prints it ("1.5", "NaN", "+Inf"). */
export function parsePromValue(text: string): number {
  if (text === '+Inf' || text === 'Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  return Number(text);
}

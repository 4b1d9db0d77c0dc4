import { describe, expect, it } from 'vitest';
import { labelsString, normalizeLabels, parseLabelsString, sanitizeLabelName, sanitizeMetricName } from '../../../../src/sinks/wire/label-names.js';
import { cloudwatchSamples, nodeSamples, parsePromValue, podSamples, yaceMetricName, yacePromString } from '../../../../src/sinks/prometheus/metric-names.js';
import { parseQuantity } from '../../../../src/sinks/prometheus/quantity.js';
import type { CloudWatchMetricBody, KubernetesNodeMetricsBody, KubernetesPodMetricsBody } from '../../../../src/model/record.js';

describe('label and metric names', () => {
  it('sanitises to Prometheus naming', () => {
    expect(sanitizeLabelName('kubernetes.io/hostname')).toBe('kubernetes_io_hostname');
    expect(sanitizeLabelName('http.status_code')).toBe('http_status_code');
    expect(sanitizeLabelName('2xx')).toBe('_2xx');
    expect(sanitizeLabelName('ok_name')).toBe('ok_name');
    expect(sanitizeLabelName('a:b')).toBe('a_b');
    expect(sanitizeLabelName('')).toBe('_');
    expect(sanitizeMetricName('service:http_requests:rate1m')).toBe('service:http_requests:rate1m');
    expect(sanitizeMetricName('app.requests-total')).toBe('app_requests_total');
    expect(sanitizeMetricName('5xx')).toBe('_5xx');
  });

  it('normalises label sets: sorted by name, empty values dropped, first of two clashing names kept', () => {
    expect(normalizeLabels([['zone', 'a'], ['app', 'x'], ['empty', ''], ['a.b', '1'], ['a_b', '2']], 'm')).toEqual([
      ['__name__', 'm'],
      ['a_b', '1'],
      ['app', 'x'],
      ['zone', 'a'],
    ]);
  });

  it('prints and parses label sets the way Prometheus and Loki print them', () => {
    const pairs = normalizeLabels([['b', 'say "hi"\\n'], ['a', 'x']]);
    const text = labelsString(pairs);
    expect(text).toBe('{a="x", b="say \\"hi\\"\\\\n"}');
    expect([...parseLabelsString(text)]).toEqual(pairs);
    expect(parseLabelsString('{a="x",b="y"}').get('b')).toBe('y');
  });

  it('parses Kubernetes quantities and Prometheus values', () => {
    expect(parseQuantity('122116163n')).toBeCloseTo(0.122116163, 12);
    expect(parseQuantity('253m')).toBe(0.253);
    expect(parseQuantity('2')).toBe(2);
    expect(parseQuantity('1.5')).toBe(1.5);
    expect(parseQuantity('131209Ki')).toBe(131209 * 1024);
    expect(parseQuantity('2Gi')).toBe(2 * 1024 ** 3);
    expect(parseQuantity('1e3')).toBe(1000);
    expect(parseQuantity('1E')).toBe(1e18);
    expect(parseQuantity('12Zi')).toBeNaN();
    expect(parsePromValue('+Inf')).toBe(Infinity);
    expect(parsePromValue('-Inf')).toBe(-Infinity);
    expect(parsePromValue('NaN')).toBeNaN();
    expect(parsePromValue('0.019398')).toBe(0.019398);
  });
});

describe('YACE names for CloudWatch metrics', () => {
  it.each([
    ['AWS/ApplicationELB', 'RequestCount', 'Sum', 'aws_applicationelb_request_count_sum'],
    ['AWS/ApplicationELB', 'HTTPCode_Target_2XX_Count', 'Sum', 'aws_applicationelb_httpcode_target_2_xx_count_sum'],
    ['AWS/ApplicationELB', 'TargetResponseTime', 'p99', 'aws_applicationelb_target_response_time_p99'],
    ['AWS/RDS', 'CPUUtilization', 'Average', 'aws_rds_cpuutilization_average'],
    ['AWS/RDS', 'DatabaseConnections', 'SampleCount', 'aws_rds_database_connections_sample_count'],
    ['ContainerInsights', 'pod_memory_utilization_over_pod_limit', 'Maximum', 'aws_containerinsights_pod_memory_utilization_over_pod_limit_maximum'],
    ['AWS/Glue', 'glue.driver.aggregate.bytesRead', 'Sum', 'aws_glue_driver_aggregate_bytes_read_sum'],
    ['Shop/Application', 'ErrorCount', 'Sum', 'aws_shop_application_error_count_sum'],
  ])('%s %s %s -> %s', (ns, metric, stat, name) => {
    expect(yaceMetricName(ns, metric, stat)).toBe(name);
  });

  it('snake-cases like YACE (percent, separators)', () => {
    expect(yacePromString('FreeStorageSpace%')).toBe('free_storage_space_percent');
    expect(yacePromString('LoadBalancer')).toBe('load_balancer');
  });

  it('exports a single value as Sum (counts, bytes) or Average, statistic sets as five series, dimensions as labels', () => {
    const single: CloudWatchMetricBody = {
      Namespace: 'AWS/ApplicationELB',
      MetricData: [{ MetricName: 'RequestCount', Dimensions: [{ Name: 'LoadBalancer', Value: 'app/shop-prod-alb/d440' }], Timestamp: '2026-11-24T14:00:00Z', Value: 8311, Unit: 'Count' }],
    };
    expect(cloudwatchSamples(single)).toEqual([
      { name: 'aws_applicationelb_request_count_sum', labels: [['job', 'yace'], ['dimension_LoadBalancer', 'app/shop-prod-alb/d440']], value: 8311, timestamp: '2026-11-24T14:00:00Z' },
    ]);
    const pct: CloudWatchMetricBody = { Namespace: 'AWS/RDS', MetricData: [{ MetricName: 'CPUUtilization', Value: 41.5, Unit: 'Percent' }] };
    expect(cloudwatchSamples(pct).map((s) => s.name)).toEqual(['aws_rds_cpuutilization_average']);
    const stats: CloudWatchMetricBody = {
      Namespace: 'AWS/ApplicationELB',
      MetricData: [{ MetricName: 'TargetResponseTime', StatisticValues: { SampleCount: 4, Sum: 2, Minimum: 0.1, Maximum: 1.2 }, Unit: 'Seconds' }],
    };
    expect(Object.fromEntries(cloudwatchSamples(stats).map((s) => [s.name, s.value]))).toEqual({
      aws_applicationelb_target_response_time_sum: 2,
      aws_applicationelb_target_response_time_sample_count: 4,
      aws_applicationelb_target_response_time_minimum: 0.1,
      aws_applicationelb_target_response_time_maximum: 1.2,
      aws_applicationelb_target_response_time_average: 0.5,
    });
  });
});

describe('Kubernetes metric names', () => {
  const pod: KubernetesPodMetricsBody = {
    apiVersion: 'metrics.k8s.io/v1beta1',
    kind: 'PodMetrics',
    metadata: { name: 'checkout-7d9-xk2p', namespace: 'shop', labels: { app: 'checkout' } },
    timestamp: '2026-11-24T13:59:59Z',
    window: '1m0s',
    containers: [{ name: 'checkout', usage: { cpu: '253m', memory: '131209Ki' }, cfs: { periods: 600, throttled_periods: 42 } }],
    containerStatuses: [{ name: 'checkout', ready: false, restartCount: 3, started: true, image: 'reg/shop/checkout:1', containerID: 'containerd://abc', lastState: { terminated: { exitCode: 137, reason: 'OOMKilled', startedAt: '2026-11-24T13:00:00Z', finishedAt: '2026-11-24T13:50:00Z', containerID: 'x' } } }],
  };

  it('names pod series after cAdvisor and kube-state-metrics', () => {
    const byName = Object.fromEntries(podSamples(pod, 'checkout-service').map((s) => [s.name, s]));
    expect(Object.keys(byName).sort()).toEqual([
      'container_cpu_cfs_periods',
      'container_cpu_cfs_throttled_periods',
      'container_cpu_usage_cores',
      'container_memory_working_set_bytes',
      'kube_pod_container_status_last_terminated_reason',
      'kube_pod_container_status_ready',
      'kube_pod_container_status_restarts_total',
    ]);
    expect(byName['container_cpu_usage_cores']!.value).toBe(0.253);
    expect(byName['container_memory_working_set_bytes']!.value).toBe(131209 * 1024);
    expect(byName['container_cpu_cfs_throttled_periods']!.value).toBe(42);
    expect(byName['kube_pod_container_status_restarts_total']!.value).toBe(3);
    expect(byName['kube_pod_container_status_ready']!.value).toBe(0);
    expect(Object.fromEntries(byName['container_memory_working_set_bytes']!.labels)).toEqual({
      namespace: 'shop',
      pod: 'checkout-7d9-xk2p',
      service: 'checkout-service',
      container: 'checkout',
      image: 'reg/shop/checkout:1',
      job: 'kubelet',
      metrics_path: '/metrics/cadvisor',
    });
    expect(Object.fromEntries(byName['kube_pod_container_status_last_terminated_reason']!.labels)).toMatchObject({ reason: 'OOMKilled', job: 'kube-state-metrics' });
  });

  it('names node series after the kubelet, node-exporter and kube-state-metrics', () => {
    const node: KubernetesNodeMetricsBody = {
      apiVersion: 'metrics.k8s.io/v1beta1',
      kind: 'NodeMetrics',
      metadata: { name: 'ip-10-0-1-17.ec2.internal' },
      timestamp: '2026-11-24T14:00:00Z',
      window: '1m0s',
      usage: { cpu: '1213369690n', memory: '4636636Ki' },
      fs: { capacityBytes: 100, usedBytes: 40, availableBytes: 55 },
      conditions: [{ type: 'Ready', status: 'True' }, { type: 'MemoryPressure', status: 'False' }],
    };
    const samples = nodeSamples(node);
    const get = (name: string, extra: Record<string, string> = {}) =>
      samples.find((s) => s.name === name && Object.entries(extra).every(([k, v]) => s.labels.some(([a, b]) => a === k && b === v)))?.value;
    expect(get('node_cpu_usage_cores')).toBeCloseTo(1.21336969, 9);
    expect(get('node_memory_working_set_bytes')).toBe(4636636 * 1024);
    expect(get('node_filesystem_size_bytes')).toBe(100);
    expect(get('node_filesystem_avail_bytes')).toBe(55);
    expect(get('kube_node_status_condition', { condition: 'Ready', status: 'true' })).toBe(1);
    expect(get('kube_node_status_condition', { condition: 'Ready', status: 'false' })).toBe(0);
    expect(get('kube_node_status_condition', { condition: 'MemoryPressure', status: 'false' })).toBe(1);
    expect(samples.filter((s) => s.name === 'kube_node_status_condition')).toHaveLength(6);
  });
});

// The alarms the shop's on-call team keeps on its AWS resources and workloads, as PutMetricAlarm
// takes them. Each alarm watches one series of the catalog; thresholds scale with the configured
// traffic so they sit above an ordinary busy evening and below what incidents do.
import type { ComparisonOperator } from '@aws-sdk/client-cloudwatch';
import type { CloudWatchAlarmDefinition } from '../../model/record.js';
import { hashString, hex32 } from '../../random/rng.js';
import type { World } from '../../simulation/world.js';
import { catalogOf } from './catalog.js';
import type { Series } from './series.js';
import type { Statics } from './statics.js';

export type AlarmStat = 'Sum' | 'Average' | 'Maximum' | 'Minimum' | 'SampleCount' | 'p99';

export interface AlarmSpec {
  readonly name: string;
  readonly arn: string;
  readonly description: string;
  readonly series: Series;
  readonly stat: AlarmStat;
  readonly comparison: ComparisonOperator;
  readonly threshold: number;
  readonly periodSec: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  /** Id of the metric in the state-change event's configuration (stable per alarm). */
  readonly metricId: string;
  /** Seconds past the minute at which CloudWatch evaluates this alarm. */
  readonly evaluationOffsetMs: number;
  readonly definition: CloudWatchAlarmDefinition;
}

interface Draft {
  readonly name: string;
  readonly description: string;
  readonly series: Series | undefined;
  readonly stat: AlarmStat;
  readonly comparison: ComparisonOperator;
  readonly threshold: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly team?: string;
}

const PERIOD_SEC = 60;

function uuidOf(text: string): string {
  const h = hex32(hashString(text, 1)) + hex32(hashString(text, 2)) + hex32(hashString(text, 3)) + hex32(hashString(text, 4));
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** Rounds a threshold to two significant digits, the way people write them. */
function nice(v: number): number {
  if (v <= 0) return 0;
  const mag = 10 ** Math.floor(Math.log10(v) - 1);
  return Math.round(v / mag) * mag;
}

function drafts(st: Statics): Draft[] {
  const cat = catalogOf(st.world);
  const r = st.res;
  const find = (namespace: string, metric: string, dims: Record<string, string>): Series | undefined => {
    const key = `${namespace}|${metric}|${Object.entries(dims).map(([k, v]) => `${k}=${v}`).join(',')}`;
    return cat.byKey.get(key);
  };
  const rps = st.world.generation.traffic.requests_per_second;
  const perMin = rps * 60;
  const cluster = r.clusterName;
  const rds = st.world.topology.config.aws.rds;
  const out: Draft[] = [
    {
      name: `${cluster}-alb-target-5xx`,
      description: `Targets behind ${r.albName} answer more 5xx than usual (over ~1.8% of an average minute's requests for 3 minutes).`,
      series: find('AWS/ApplicationELB', 'HTTPCode_Target_5XX_Count', { LoadBalancer: r.albId }),
      stat: 'Sum',
      comparison: 'GreaterThanThreshold',
      threshold: nice(perMin * 0.018),
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      team: 'edge',
    },
    {
      name: `${cluster}-alb-p99-latency`,
      description: `p99 target response time of ${r.albName} above 2 s for 3 minutes.`,
      series: find('AWS/ApplicationELB', 'TargetResponseTime', { LoadBalancer: r.albId }),
      stat: 'p99',
      comparison: 'GreaterThanThreshold',
      threshold: 2,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      team: 'edge',
    },
    {
      name: `${cluster}-alb-unhealthy-hosts`,
      description: `At least one target of ${r.targetGroup.split('/')[1]} fails its health checks.`,
      series: find('AWS/ApplicationELB', 'UnHealthyHostCount', { TargetGroup: r.targetGroup, LoadBalancer: r.albId }),
      stat: 'Maximum',
      comparison: 'GreaterThanOrEqualToThreshold',
      threshold: 1,
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
      team: 'edge',
    },
    {
      name: `${cluster}-alb-tls-negotiation-errors`,
      description: `Clients fail TLS handshakes with ${r.albName} (expired or wrong certificate?).`,
      series: find('AWS/ApplicationELB', 'ClientTLSNegotiationErrorCount', { LoadBalancer: r.albId }),
      stat: 'Sum',
      comparison: 'GreaterThanThreshold',
      threshold: nice(perMin * 0.012),
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
      team: 'edge',
    },
    {
      name: `${r.rdsPrimary}-connections-high`,
      description: `${r.rdsPrimary} uses more than 60% of max_connections (${rds.max_connections}) for 3 minutes.`,
      series: find('AWS/RDS', 'DatabaseConnections', { DBInstanceIdentifier: r.rdsPrimary }),
      stat: 'Maximum',
      comparison: 'GreaterThanThreshold',
      threshold: Math.round(rds.max_connections * 0.6),
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      team: 'platform',
    },
    {
      name: `${r.rdsPrimary}-cpu-high`,
      description: `${r.rdsPrimary} CPU above 80% for 3 minutes.`,
      series: find('AWS/RDS', 'CPUUtilization', { DBInstanceIdentifier: r.rdsPrimary }),
      stat: 'Average',
      comparison: 'GreaterThanThreshold',
      threshold: 80,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      team: 'platform',
    },
    {
      name: `${r.rdsPrimary}-free-storage-low`,
      description: `${r.rdsPrimary} has less than 10% of its ${rds.allocated_storage_gib} GiB free.`,
      series: find('AWS/RDS', 'FreeStorageSpace', { DBInstanceIdentifier: r.rdsPrimary }),
      stat: 'Minimum',
      comparison: 'LessThanThreshold',
      threshold: Math.round(rds.allocated_storage_gib * 0.1 * 1024 ** 3),
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      team: 'platform',
    },
  ];
  if (r.cacheNodes[0]) {
    const primaryGetsPerMin = perMin * st.redisGetPerEdge * (r.cacheNodes.length > 1 ? 0.6 : 1);
    out.push({
      name: `${r.cacheNodes[0]}-cache-misses-high`,
      description: `Cache misses on ${r.cacheNodes[0]} above half of an average minute's reads (mass invalidation?).`,
      series: find('AWS/ElastiCache', 'CacheMisses', { CacheClusterId: r.cacheNodes[0] }),
      stat: 'Sum',
      comparison: 'GreaterThanThreshold',
      threshold: nice(primaryGetsPerMin * 0.55),
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      team: 'platform',
    });
  }
  for (const svc of st.serviceList) {
    const name = svc.service.name;
    const team = svc.service.config.team;
    const pod = { ClusterName: cluster, Namespace: svc.service.namespace, PodName: name };
    out.push(
      {
        name: `${cluster}-${name}-memory-over-limit`,
        description: `A ${name} pod uses more than 90% of its memory limit (OOM kill ahead).`,
        series: find('ContainerInsights', 'pod_memory_utilization_over_pod_limit', pod),
        stat: 'Maximum',
        comparison: 'GreaterThanThreshold',
        threshold: 90,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
        team,
      },
      {
        name: `${cluster}-${name}-cpu-over-limit`,
        description: `${name} pods run above 85% of their CPU limit for 5 minutes (throttling).`,
        series: find('ContainerInsights', 'pod_cpu_utilization_over_pod_limit', pod),
        stat: 'Average',
        comparison: 'GreaterThanThreshold',
        threshold: 85,
        evaluationPeriods: 5,
        datapointsToAlarm: 5,
        team,
      },
      {
        name: `${cluster}-${name}-container-restarts`,
        description: `A ${name} container has restarted.`,
        series: find('ContainerInsights', 'pod_number_of_container_restarts', pod),
        stat: 'Maximum',
        comparison: 'GreaterThanThreshold',
        threshold: 0,
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
        team,
      },
      {
        name: `${cluster}-${name}-5xx-errors`,
        description: `${name} answers more 5xx than usual (over ~2% of an average minute's requests for 3 minutes).`,
        series: find('Shop/Application', 'ErrorCount', { Service: name }),
        stat: 'Sum',
        comparison: 'GreaterThanThreshold',
        threshold: Math.max(20, nice(perMin * svc.throughputPerEdge * 0.02)),
        evaluationPeriods: 3,
        datapointsToAlarm: 3,
        team,
      },
    );
  }
  for (const node of st.world.topology.nodes) {
    out.push({
      name: `${cluster}-${node.name.split('.')[0]}-disk-usage`,
      description: `Filesystem of node ${node.name} more than 85% full.`,
      series: find('ContainerInsights', 'node_filesystem_utilization', { ClusterName: cluster, InstanceId: r.instanceIds.get(node.name)!, NodeName: node.name }),
      stat: 'Maximum',
      comparison: 'GreaterThanThreshold',
      threshold: 85,
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
      team: 'platform',
    });
  }
  for (const q of st.queues) {
    out.push({
      name: `${cluster}-rabbitmq-${q.queue.replace(/[^a-zA-Z0-9-]/g, '-')}-backlog`,
      description: `More than 1000 messages wait in ${q.queue} for 3 minutes (consumer ${q.consumer.service} behind).`,
      series: find('Shop/RabbitMQ', 'MessagesReady', { Queue: q.queue }),
      stat: 'Maximum',
      comparison: 'GreaterThanThreshold',
      threshold: 1000,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      team: st.services.get(q.consumer.service)?.service.config.team,
    });
  }
  return out;
}

function definitionOf(d: Draft & { series: Series }, st: Statics): CloudWatchAlarmDefinition {
  const s = d.series;
  const isPercentile = d.stat === 'p99';
  return {
    AlarmName: d.name,
    AlarmDescription: d.description,
    ActionsEnabled: true,
    OKActions: [st.res.alertTopicArn],
    AlarmActions: [st.res.alertTopicArn],
    InsufficientDataActions: [],
    MetricName: s.metricName,
    Namespace: s.namespace,
    ...(isPercentile ? { ExtendedStatistic: d.stat } : { Statistic: d.stat as Exclude<AlarmStat, 'p99'> }),
    Dimensions: s.dims,
    Period: PERIOD_SEC,
    EvaluationPeriods: d.evaluationPeriods,
    DatapointsToAlarm: d.datapointsToAlarm,
    Threshold: d.threshold,
    ComparisonOperator: d.comparison,
    // Sparse error counts have no datapoint when nothing failed: that is good news.
    TreatMissingData: 'notBreaching',
    ...(isPercentile ? { EvaluateLowSampleCountPercentile: 'evaluate' } : {}),
    Tags: [
      { Key: 'team', Value: d.team ?? 'platform' },
      { Key: 'environment', Value: st.world.topology.config.cluster.environment },
    ],
  };
}

const cache = new WeakMap<World, AlarmSpec[]>();

/** Every alarm of the shop with what the evaluator needs. */
export function alarmSpecs(world: World): AlarmSpec[] {
  let specs = cache.get(world);
  if (specs) return specs;
  const st = catalogOf(world).statics;
  specs = [];
  for (const d of drafts(st)) {
    if (!d.series) continue;
    const draft = { ...d, series: d.series };
    specs.push({
      name: d.name,
      arn: `arn:aws:cloudwatch:${st.res.region}:${st.res.account}:alarm:${d.name}`,
      description: d.description,
      series: d.series,
      stat: d.stat,
      comparison: d.comparison,
      threshold: d.threshold,
      periodSec: PERIOD_SEC,
      evaluationPeriods: d.evaluationPeriods,
      datapointsToAlarm: d.datapointsToAlarm,
      metricId: uuidOf(`${st.world.options.seed}:${d.name}`),
      evaluationOffsetMs: 8_000 + (hashString(d.name, st.world.options.seed) % 40_000),
      definition: definitionOf(draft, st),
    });
  }
  cache.set(world, specs);
  return specs;
}

/** The alarm definitions (PutMetricAlarm input), for the dataset's cloudwatch/alarm_definitions.json. */
export function alarmDefinitions(world: World): CloudWatchAlarmDefinition[] {
  return alarmSpecs(world).map((s) => s.definition);
}

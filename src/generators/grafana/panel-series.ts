// The series behind the shop's Grafana panels, one sample per step, the way Prometheus answers
// a panel's query: golden signals per service and route, pod memory and restarts, node usage,
// datastores, queues and certificate probes. Every value is a pure function of time.
import type { IncidentActivity } from '../../model/incident.js';
import { EDGE_DOMAIN, type Service } from '../../model/topology.js';
import { hashNormal, hashString } from '../../random/rng.js';
import type { ConditionModel } from '../../simulation/conditions.js';
import { goldenSignals, type ServiceSignals } from '../../simulation/golden-signals.js';
import type { JobRun } from '../../simulation/jobs.js';
import { baselineMemoryShare } from '../../simulation/pod-health.js';
import { queueDepth } from '../../simulation/queues.js';
import { cpuOf } from '../../simulation/resources.js';
import type { World } from '../../simulation/world.js';
import type { Incident } from '../../model/incident.js';
import { MINUTE, SECOND } from '../../time/calendar.js';

export interface Sample {
  readonly labels: Record<string, string> & { __name__: string };
  readonly value: number;
  readonly cause?: IncidentActivity;
}

/** Series names, exported so dashboards and alert rules name the same things. */
export const SERIES = {
  requestRate: 'service:http_requests:rate1m',
  errorRatio: 'service:http_errors:ratio_rate1m',
  latencyP50: 'service:http_request_duration_seconds:p50',
  latencyP95: 'service:http_request_duration_seconds:p95',
  latencyP99: 'service:http_request_duration_seconds:p99',
  cpuRatio: 'service:cpu_usage:ratio',
  memoryRatio: 'service:memory_working_set:max_ratio',
  throttledRatio: 'service:cpu_cfs_throttled:ratio',
  routeRate: 'route:http_requests:rate1m',
  routeErrorRatio: 'route:http_errors:ratio_rate1m',
  podRestarts: 'kube_pod_container_status_restarts_total',
  podMemory: 'container_memory_working_set_bytes',
  nodeCpu: 'node:cpu_utilization:ratio',
  nodeMemory: 'node:memory_utilization:ratio',
  nodeFilesystem: 'node:filesystem_usage:ratio',
  pgConnections: 'pg_stat_activity_count',
  pgConnectionsRatio: 'postgres:connections:ratio',
  redisHitRatio: 'redis:keyspace_hits:ratio',
  redisOps: 'redis:commands_processed:rate1m',
  queueReady: 'rabbitmq_queue_messages_ready',
  queueConsumers: 'rabbitmq_queue_consumers',
  dnsRequests: 'coredns:dns_requests:rate1m',
  dnsFailures: 'coredns:dns_responses_servfail:ratio',
  probeSuccess: 'probe_success',
  certExpiry: 'probe_ssl_earliest_cert_expiry',
} as const;

const jitter = (key: number, t: number, amount: number): number => 1 + amount * hashNormal(key, Math.floor(t / SECOND));

/** Signals for a time, memoised per window (alerts re-read earlier steps). */
export class SignalCache {
  private readonly cache = new Map<number, Map<string, ServiceSignals>>();

  constructor(
    private readonly world: World,
    private readonly conditions: ConditionModel,
  ) {}

  at(t: number): Map<string, ServiceSignals> {
    let s = this.cache.get(t);
    if (!s) {
      s = goldenSignals(this.world, this.conditions, t);
      this.cache.set(t, s);
    }
    return s;
  }
}

export function panelSamples(world: World, conditions: ConditionModel, signals: SignalCache, incidents: readonly Incident[], jobRuns: readonly JobRun[], t: number): Sample[] {
  const out: Sample[] = [];
  const all = signals.at(t);
  const ns = (s: Service) => s.namespace;
  for (const sig of all.values()) {
    const s = sig.service;
    const key = hashString(s.name);
    const base = { service: s.name, namespace: ns(s) };
    const cause = sig.cause;
    out.push({ labels: { __name__: SERIES.requestRate, ...base }, value: sig.rate * jitter(key, t, 0.03), cause });
    out.push({ labels: { __name__: SERIES.errorRatio, ...base }, value: Math.max(0, sig.errorRatio * jitter(key + 1, t, 0.15)), cause });
    out.push({ labels: { __name__: SERIES.latencyP50, ...base }, value: (sig.p50Ms / 1000) * jitter(key + 2, t, 0.05), cause });
    out.push({ labels: { __name__: SERIES.latencyP95, ...base }, value: (sig.p95Ms / 1000) * jitter(key + 3, t, 0.08), cause });
    out.push({ labels: { __name__: SERIES.latencyP99, ...base }, value: (sig.p99Ms / 1000) * jitter(key + 4, t, 0.12), cause });
    // Resource panels: the pods of the service.
    const pods = world.rollouts.podsAt(s.name, t).serving;
    const cond = conditions.at(s.name, t);
    // Resource series belong to an incident acting on this service itself.
    const own = cond.activities[0];
    let cpuSum = 0;
    let throttled = 0;
    let memMax = 0;
    const limit = s.config.resources.memory_limit_mib * 1024 * 1024;
    for (const pod of pods) {
      const cpu = cpuOf(world, s, pod.name, t, cond, jobRuns);
      cpuSum += cpu.usedCores;
      throttled += cpu.throttled;
      const share = world.podHealth.memoryShare(pod, t, incidents, baselineMemoryShare(pod, t));
      memMax = Math.max(memMax, share);
      const podLabels = { namespace: pod.namespace, pod: pod.name, container: s.name, service: s.name };
      out.push({ labels: { __name__: SERIES.podMemory, ...podLabels }, value: Math.round(limit * share), cause: own });
      out.push({ labels: { __name__: SERIES.podRestarts, ...podLabels }, value: world.podHealth.restartCount(pod, t, incidents) });
    }
    const n = Math.max(1, pods.length);
    const cpuLimit = s.config.resources.cpu_limit_millicores / 1000;
    out.push({ labels: { __name__: SERIES.cpuRatio, ...base }, value: cpuSum / n / cpuLimit, cause: own });
    out.push({ labels: { __name__: SERIES.memoryRatio, ...base }, value: memMax, cause: own });
    out.push({ labels: { __name__: SERIES.throttledRatio, ...base }, value: throttled / n, cause: own });
    for (const r of sig.routes) {
      if (r.rate <= 0) continue;
      const labels = { ...base, route: r.endpoint.path, method: r.endpoint.method };
      const rk = hashString(r.endpoint.route, key);
      out.push({ labels: { __name__: SERIES.routeRate, ...labels }, value: r.rate * jitter(rk, t, 0.05), cause });
      out.push({ labels: { __name__: SERIES.routeErrorRatio, ...labels }, value: Math.max(0, r.errorRatio * jitter(rk + 1, t, 0.2)), cause });
    }
  }
  nodeSamples(world, conditions, incidents, jobRuns, t, out);
  datastoreSamples(world, conditions, t, out);
  return out;
}

function nodeSamples(world: World, conditions: ConditionModel, incidents: readonly Incident[], jobRuns: readonly JobRun[], t: number, out: Sample[]): void {
  const cpu = new Map<string, number>();
  const mem = new Map<string, number>();
  for (const s of world.topology.services) {
    const cond = conditions.at(s.name, t);
    for (const pod of world.rollouts.podsAt(s.name, t).serving) {
      cpu.set(pod.node, (cpu.get(pod.node) ?? 0) + cpuOf(world, s, pod.name, t, cond, jobRuns).usedCores);
      const share = world.podHealth.memoryShare(pod, t, incidents, baselineMemoryShare(pod, t));
      mem.set(pod.node, (mem.get(pod.node) ?? 0) + share * s.config.resources.memory_limit_mib * 1024 * 1024);
    }
  }
  for (const node of world.topology.nodes) {
    const key = hashString(node.name);
    const labels = { node: node.name, instance_type: node.instanceType, zone: node.zone };
    out.push({ labels: { __name__: SERIES.nodeCpu, ...labels }, value: ((cpu.get(node.name) ?? 0) + 0.35) / node.cpuCores });
    out.push({ labels: { __name__: SERIES.nodeMemory, ...labels }, value: ((mem.get(node.name) ?? 0) + 1.6 * 1024 ** 3) / node.memoryBytes });
    let fs = 0.38 + 0.12 * ((key % 100) / 100);
    let cause: IncidentActivity | undefined;
    for (const i of incidents) {
      if (i.type !== 'disk_full' || i.detail.node !== node.name) continue;
      const a = conditions.activities(i.rootCause, t).find((x) => x.incident === i);
      if (!a) continue;
      const k = Math.min(1, a.intensity / i.severity);
      fs = fs + ((i.effects.root.disk_fill ?? 0.97) - fs) * k;
      if (k >= 0.02) cause = a;
    }
    out.push({ labels: { __name__: SERIES.nodeFilesystem, ...labels }, value: fs, cause });
  }
}

function datastoreSamples(world: World, conditions: ConditionModel, t: number, out: Sample[]): void {
  const rps = world.traffic.requestsPerSecond(t);
  for (const ds of world.topology.datastores) {
    const cond = conditions.at(ds.name, t);
    const key = hashString(ds.name);
    const calls = rps * world.flow.datastoreRate(ds.name);
    if (ds.config.type === 'postgres') {
      const max = ds.config.max_connections ?? 400;
      // Connections held: a base per client pod plus what incidents push it to.
      let ratio = 0.18 + 0.1 * world.traffic.factor(t);
      let cause = cond.activities[0];
      for (const caller of world.topology.callersOf(ds.name)) {
        const c = conditions.at(caller, t);
        if (c.dbConnections > ratio) {
          ratio = c.dbConnections;
          cause = c.activities[0];
        }
      }
      ratio = Math.min(1, ratio * jitter(key, t, 0.03));
      out.push({ labels: { __name__: SERIES.pgConnections, datname: 'shop', instance: ds.name }, value: Math.round(ratio * max), cause });
      out.push({ labels: { __name__: SERIES.pgConnectionsRatio, instance: ds.name }, value: ratio, cause });
    } else if (ds.config.type === 'redis') {
      const hit = Math.max(0, Math.min(1, (0.92 - cond.cacheMissRate) * jitter(key, t, 0.005)));
      out.push({ labels: { __name__: SERIES.redisHitRatio, instance: ds.name }, value: hit, cause: cond.activities[0] });
      out.push({ labels: { __name__: SERIES.redisOps, instance: ds.name }, value: calls * jitter(key + 1, t, 0.04) });
    } else if (ds.config.type === 'rabbitmq') {
      for (const queue of ds.config.queues ?? []) {
        const consumer = world.topology.services.find((s) => s.consumers.some((c) => c.queue === queue));
        const perMin = rps * 60 * world.flow.queueRate(queue);
        const depth = consumer ? queueDepth(conditions, consumer.name, queue, t, perMin) : 0;
        const cause = consumer ? conditions.activities(consumer.name, t)[0] : undefined;
        out.push({ labels: { __name__: SERIES.queueReady, queue, vhost: '/' }, value: depth, cause });
        out.push({ labels: { __name__: SERIES.queueConsumers, queue, vhost: '/' }, value: consumer ? consumer.config.replicas * 4 : 0 });
      }
    } else if (ds.config.type === 'dns') {
      out.push({ labels: { __name__: SERIES.dnsRequests, server: 'dns://:53' }, value: rps * 3.2 * jitter(key, t, 0.04) });
      out.push({ labels: { __name__: SERIES.dnsFailures, server: 'dns://:53' }, value: Math.min(1, 0.0005 + cond.errorRate), cause: cond.activities[0] });
    } else if (ds.config.type === 'external_api' && ds.config.host) {
      const ok = 1 - Math.min(1, cond.errorRate + cond.rateLimited);
      const up = hashNormal(key, Math.floor(t / MINUTE)) > 2.8 * ok ? 0 : 1; // a failed probe now and then
      out.push({ labels: { __name__: SERIES.probeSuccess, instance: `https://${ds.config.host}`, job: 'blackbox' }, value: cond.errorRate > 0.5 ? 0 : up, cause: cond.activities[0] });
      out.push({ labels: { __name__: SERIES.certExpiry, instance: `https://${ds.config.host}`, job: 'blackbox' }, value: certExpiry(conditions, ds.name, t, key), cause: certCause(conditions, ds.name, t) });
    }
  }
  // The shop's public endpoint (the edge) has a certificate of its own.
  const edge = world.topology.edge;
  out.push({ labels: { __name__: SERIES.certExpiry, instance: `https://${EDGE_DOMAIN}`, job: 'blackbox' }, value: certExpiry(conditions, edge.name, t, hashString(edge.name)), cause: certCause(conditions, edge.name, t) });
}

/** Expiry (unix seconds) of the certificate at a target: months ahead, or already past while an expiry incident runs. */
function certExpiry(conditions: ConditionModel, target: string, t: number, key: number): number {
  const a = conditions.activities(target, t).find((x) => x.incident.type === 'certificate_expiry');
  if (a) return Math.floor(a.incident.onset / SECOND);
  const renewedEvery = 60 * 24 * 3600 * SECOND;
  const phase = (key % 1000) * 3600 * SECOND;
  return Math.floor((Math.floor((t + phase) / renewedEvery) * renewedEvery - phase + 90 * 24 * 3600 * SECOND) / SECOND);
}

function certCause(conditions: ConditionModel, target: string, t: number): IncidentActivity | undefined {
  return conditions.activities(target, t).find((x) => x.incident.type === 'certificate_expiry');
}

// ContainerInsights: what the CloudWatch agent reports for the EKS cluster. Pod metrics are
// aggregated per workload (PodName = the Deployment), so each datapoint carries the statistics
// over that workload's pods; node metrics add the system, daemonset and in-cluster datastore
// pods; cluster metrics count nodes.
import type { StandardUnit } from '@aws-sdk/client-cloudwatch';
import type { ClusterNode } from '../../model/topology.js';
import { rawIntensity } from '../../incidents/timeline.js';
import { hashString, hashUnit } from '../../random/rng.js';
import { DAY } from '../../time/calendar.js';
import type { Snap } from './model.js';
import { defineSeries, statsOf, type Sample, type Series, type SeriesSpec } from './series.js';
import type { Statics } from './statics.js';

const NS = 'ContainerInsights';
const MIB = 1024 ** 2;
const GIB = 1024 ** 3;
/** aws-node, kube-proxy, fluent-bit and the CloudWatch agent on every node. */
const DAEMONSET_PODS = 4;
const DAEMONSET = { cpu: 60, mem: 450 * MIB, cpuReq: 125, memReq: 300 * MIB };
const SYSTEM = { cpu: 180, mem: 1.1 * GIB };
/** In-cluster datastore pods: usage and requests. */
const INFRA: Record<string, { cpu: number; mem: number; cpuReq: number; memReq: number }> = {
  rabbitmq: { cpu: 120, mem: 700 * MIB, cpuReq: 500, memReq: 1024 * MIB },
  dns: { cpu: 15, mem: 35 * MIB, cpuReq: 100, memReq: 70 * MIB },
};

interface NodeState {
  readonly pods: number;
  readonly cpuMilli: number;
  readonly memBytes: number;
  readonly cpuReq: number;
  readonly memReq: number;
  readonly netBps: number;
  readonly fs: number;
}

function nodeStates(s: Snap): Map<string, NodeState> {
  return s.memo('nodes', () => {
    const st = s.st;
    const acc = new Map<string, { pods: number; cpuMilli: number; memBytes: number; cpuReq: number; memReq: number; netBps: number }>();
    for (const n of st.world.topology.nodes) {
      acc.set(n.name, { pods: DAEMONSET_PODS, cpuMilli: SYSTEM.cpu + DAEMONSET.cpu, memBytes: SYSTEM.mem + DAEMONSET.mem, cpuReq: DAEMONSET.cpuReq, memReq: DAEMONSET.memReq, netBps: 20_000 });
    }
    for (const svc of st.serviceList) {
      const p = s.pods(svc.service.name);
      p.running.forEach((pod, i) => {
        const a = acc.get(pod.node);
        if (!a) return;
        a.pods++;
        a.cpuMilli += p.cpuMilli[i]!;
        a.memBytes += p.memShare[i]! * svc.memLimitBytes;
        a.cpuReq += svc.cpuRequestMilli;
        a.memReq += svc.memRequestBytes;
        a.netBps += p.rxBps[i]! + p.txBps[i]!;
      });
    }
    for (const [ds, pods] of st.world.infraPods) {
      const kind = st.world.topology.datastore(ds)?.config.type === 'dns' ? INFRA.dns! : INFRA.rabbitmq!;
      for (const pod of pods) {
        const a = acc.get(pod.node);
        if (!a) continue;
        a.pods++;
        a.cpuMilli += kind.cpu * (0.6 + 0.4 * s.moment.rps / st.world.generation.traffic.requests_per_second);
        a.memBytes += kind.mem;
        a.cpuReq += kind.cpuReq;
        a.memReq += kind.memReq;
        a.netBps += 40_000 * (s.moment.rps / st.world.generation.traffic.requests_per_second);
      }
    }
    const out = new Map<string, NodeState>();
    for (const n of st.world.topology.nodes) out.set(n.name, { ...acc.get(n.name)!, fs: filesystem(s, n) });
    return out;
  });
}

/** Node disk: images and logs, a daily sawtooth (log rotation, image GC), and a disk_full incident on its node. */
function filesystem(s: Snap, node: ClusterNode): number {
  const level = 0.3 + 0.15 * hashUnit(hashString(node.name), 11);
  let fs = level + 0.04 * ((s.t % DAY) / DAY);
  for (const incident of s.scope.incidents) {
    if (incident.type !== 'disk_full' || incident.detail.node !== node.name || !incident.signature.cloudwatch.includes('container_insights')) continue;
    const a = s.cond(incident.rootCause).activities.find((x) => x.incident === incident);
    if (!a) continue;
    fs = Math.max(fs, (incident.effects.root.disk_fill ?? 0.99) * Math.min(1, a.intensity / incident.severity));
  }
  return Math.min(1, fs);
}

/** Nodes NotReady: a partitioned zone's nodes stop reporting while the partition is at its worst. */
function failedNodes(s: Snap): number {
  let failed = 0;
  for (const incident of s.scope.incidents) {
    if (incident.type !== 'network_partition' || !incident.detail.zone || !incident.signature.cloudwatch.includes('container_insights')) continue;
    if (rawIntensity(incident, s.t) < 0.5) continue;
    failed += s.st.world.topology.nodes.filter((n) => n.zone === incident.detail.zone).length;
  }
  return failed;
}

export function containerSeries(st: Statics): Series[] {
  const cluster = st.res.clusterName;
  const CL = ['ClusterName', cluster] as const;
  const out: Series[] = [];
  const add = (metricName: string, dimensions: ReadonlyArray<readonly [string, string]>, unit: StandardUnit, resource: string, targets: readonly string[], model: (s: Snap, p: number) => Sample | undefined, extra: Partial<SeriesSpec> = {}): void => {
    out.push(defineSeries({ namespace: NS, metricName, dimensions, unit, resource, targets, model, ...extra }));
  };
  const coresOf = (node: string): number => (st.nodes.get(node)?.cpuCores ?? 4) * 1000;
  const memOf = (node: string): number => st.nodes.get(node)?.memoryBytes ?? 16 * GIB;

  for (const svc of st.serviceList) {
    const name = svc.service.name;
    const ns = svc.service.namespace;
    const dims = [CL, ['Namespace', ns], ['PodName', name]] as const;
    const targets = [name];
    const pod = (metric: string, unit: StandardUnit, model: (s: Snap) => Sample | undefined, extra: Partial<SeriesSpec> = {}): void =>
      add(metric, dims, unit, name, targets, model, { noise: 'gauge', jitter: 0.04, max: 100, ...extra });
    const running = (s: Snap) => s.pods(name);
    pod('pod_cpu_utilization', 'Percent', (s) => statsOf(running(s).cpuMilli.map((c, i) => (100 * c) / coresOf(running(s).running[i]!.node))));
    pod('pod_memory_utilization', 'Percent', (s) => statsOf(running(s).memShare.map((m, i) => (100 * m * svc.memLimitBytes) / memOf(running(s).running[i]!.node))), { jitter: 0.01 });
    pod('pod_cpu_utilization_over_pod_limit', 'Percent', (s) => statsOf(running(s).cpuMilli.map((c) => (100 * c) / svc.cpuLimitMilli)), { visibleAbs: 5 });
    pod('pod_memory_utilization_over_pod_limit', 'Percent', (s) => statsOf(running(s).memShare.map((m) => 100 * m)), { jitter: 0.01, visibleAbs: 5 });
    pod('pod_cpu_reserved_capacity', 'Percent', (s) => statsOf(running(s).running.map((p) => (100 * svc.cpuRequestMilli) / coresOf(p.node))), { noise: 'none' });
    pod('pod_memory_reserved_capacity', 'Percent', (s) => statsOf(running(s).running.map((p) => (100 * svc.memRequestBytes) / memOf(p.node))), { noise: 'none' });
    add('pod_network_rx_bytes', dims, 'Bytes/Second', name, targets, (s) => statsOf(running(s).rxBps)?.mean, { jitter: 0.06 });
    add('pod_network_tx_bytes', dims, 'Bytes/Second', name, targets, (s) => statsOf(running(s).txBps)?.mean, { jitter: 0.06 });
    add('pod_number_of_container_restarts', dims, 'Count', name, targets, (s) => statsOf(running(s).restarts), { noise: 'none' });
    add('service_number_of_running_pods', [CL, ['Namespace', ns], ['Service', name]], 'Count', name, targets, (s) => running(s).running.length, { noise: 'none' });
  }

  // Namespaces: workloads plus in-cluster datastores and system pods.
  const nsPods = new Map<string, { services: string[]; fixed: number }>();
  for (const ns of st.world.topology.config.namespaces) nsPods.set(ns, { services: [], fixed: 0 });
  for (const svc of st.serviceList) nsPods.get(svc.service.namespace)?.services.push(svc.service.name);
  for (const [, pods] of st.world.infraPods) for (const p of pods) { const e = nsPods.get(p.namespace); if (e) e.fixed++; }
  const ks = nsPods.get('kube-system');
  if (ks) ks.fixed += DAEMONSET_PODS * st.world.topology.nodes.length;
  for (const [ns, { services, fixed }] of nsPods) {
    add('namespace_number_of_running_pods', [CL, ['Namespace', ns]], 'Count', cluster, services, (s) => fixed + services.reduce((n, x) => n + s.pods(x).running.length, 0), { noise: 'none' });
  }

  const everyone = st.allTargets;
  for (const node of st.world.topology.nodes) {
    const dims = [CL, ['InstanceId', st.res.instanceIds.get(node.name)!], ['NodeName', node.name]] as const;
    const n = (s: Snap): NodeState => nodeStates(s).get(node.name)!;
    const cap = node.cpuCores * 1000;
    add('node_cpu_utilization', dims, 'Percent', node.name, everyone, (s) => (100 * n(s).cpuMilli) / cap, { max: 100, jitter: 0.05, visibleAbs: 5 });
    add('node_memory_utilization', dims, 'Percent', node.name, everyone, (s) => (100 * n(s).memBytes) / node.memoryBytes, { max: 100, jitter: 0.01, visibleAbs: 3 });
    add('node_filesystem_utilization', dims, 'Percent', node.name, everyone, (s) => 100 * n(s).fs, { max: 100, jitter: 0.003, visibleAbs: 3 });
    add('node_network_total_bytes', dims, 'Bytes/Second', node.name, everyone, (s) => n(s).netBps, { jitter: 0.06 });
    add('node_number_of_running_pods', dims, 'Count', node.name, everyone, (s) => n(s).pods, { noise: 'none' });
    add('node_cpu_reserved_capacity', dims, 'Percent', node.name, everyone, (s) => (100 * n(s).cpuReq) / cap, { noise: 'none', max: 100 });
    add('node_memory_reserved_capacity', dims, 'Percent', node.name, everyone, (s) => (100 * n(s).memReq) / node.memoryBytes, { noise: 'none', max: 100 });
  }

  const clusterAvg = (pick: (x: NodeState, node: ClusterNode) => number) => (s: Snap): number => {
    const states = nodeStates(s);
    let sum = 0;
    for (const node of st.world.topology.nodes) sum += pick(states.get(node.name)!, node);
    return sum / st.world.topology.nodes.length;
  };
  add('node_cpu_utilization', [CL], 'Percent', cluster, everyone, clusterAvg((x, node) => (100 * x.cpuMilli) / (node.cpuCores * 1000)), { max: 100, jitter: 0.04, visibleAbs: 5 });
  add('node_memory_utilization', [CL], 'Percent', cluster, everyone, clusterAvg((x, node) => (100 * x.memBytes) / node.memoryBytes), { max: 100, jitter: 0.01, visibleAbs: 3 });
  add('node_filesystem_utilization', [CL], 'Percent', cluster, everyone, clusterAvg((x) => 100 * x.fs), { max: 100, jitter: 0.003, visibleAbs: 3 });
  add('cluster_node_count', [CL], 'Count', cluster, everyone, () => st.world.topology.nodes.length, { noise: 'none' });
  add('cluster_failed_node_count', [CL], 'Count', cluster, everyone, (s) => failedNodes(s), { noise: 'none' });
  return out;
}

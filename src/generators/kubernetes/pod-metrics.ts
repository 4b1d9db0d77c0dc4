// Pod and node resource samples as metrics-server serves them (metrics.k8s.io/v1beta1), with
// each pod's container statuses (restarts, last termination) and CFS throttling, and each
// node's conditions and filesystem usage.
import type { KubernetesNodeMetricsBody, KubernetesPodMetricsBody, Truth } from '../../model/record.js';
import type { Service } from '../../model/topology.js';
import { hashString, smoothNoise } from '../../random/rng.js';
import { baselineMemoryShare } from '../../simulation/pod-health.js';
import { cpuOf } from '../../simulation/resources.js';
import type { Pod } from '../../simulation/rollouts.js';
import { ceilTo, goDuration, isoSeconds, MINUTE, SECOND } from '../../time/calendar.js';
import { truthOf, truthOfIncident, type Generator, type GenerationContext } from '../generator.js';
import { containerOf, podLabels } from './pod-meta.js';

const NORMAL: Truth = { anomalous: false };
const CFS_PERIOD_MS = 100;
/** Below this an incident's effect on a metric is lost in its noise. */
export const MIN_LABEL_INTENSITY = 0.02;

const nanoCores = (cores: number): string => `${Math.max(0, Math.round(cores * 1e9))}n`;
const kib = (bytes: number): string => `${Math.max(0, Math.round(bytes / 1024))}Ki`;

export class PodMetricsGenerator implements Generator {
  readonly name = 'kubernetes.pod_metrics';
  readonly source = 'kubernetes' as const;

  generate(ctx: GenerationContext): void {
    const { world, window } = ctx;
    const step = world.podMetricsIntervalMs;
    const windowLabel = goDuration(step);
    for (let t = ceilTo(window.start, step); t < window.end; t += step) {
      const nodeCpu = new Map<string, number>();
      const nodeMem = new Map<string, number>();
      for (const service of world.topology.services) {
        const cond = ctx.conditions.at(service.name, t);
        for (const pod of world.rollouts.podsAt(service.name, t).serving) {
          const sample = this.podSample(ctx, service, pod, t, windowLabel, cond);
          nodeCpu.set(pod.node, (nodeCpu.get(pod.node) ?? 0) + sample.cpu);
          nodeMem.set(pod.node, (nodeMem.get(pod.node) ?? 0) + sample.memory);
        }
      }
      this.nodeSamples(ctx, t, windowLabel, nodeCpu, nodeMem);
    }
  }

  private podSample(ctx: GenerationContext, service: Service, pod: Pod, t: number, windowLabel: string, cond: ReturnType<GenerationContext['conditions']['at']>): { cpu: number; memory: number } {
    const { world, incidents } = ctx;
    const limitBytes = service.config.resources.memory_limit_mib * 1024 * 1024;
    const cpu = cpuOf(world, service, pod.name, t, cond, ctx.jobRuns);
    const share = world.podHealth.memoryShare(pod, t, incidents, baselineMemoryShare(pod, t));
    const memory = limitBytes * share;
    const restarts = world.podHealth.restartCount(pod, t, incidents);
    const lastRestart = restarts > 0 ? this.lastRestart(ctx, pod, t) : undefined;
    const periods = Math.round(world.podMetricsIntervalMs / CFS_PERIOD_MS);
    const skew = world.skewMs(pod.node);
    const ts = t + skew;
    const body: KubernetesPodMetricsBody = {
      apiVersion: 'metrics.k8s.io/v1beta1',
      kind: 'PodMetrics',
      metadata: { name: pod.name, namespace: pod.namespace, creationTimestamp: isoSeconds(ts), labels: podLabels(pod) },
      timestamp: isoSeconds(ts),
      window: windowLabel,
      containers: [{ name: containerOf(pod), usage: { cpu: nanoCores(cpu.usedCores), memory: kib(memory) }, cfs: { periods, throttled_periods: Math.round(periods * cpu.throttled) } }],
      containerStatuses: [
        {
          name: containerOf(pod),
          ready: !lastRestart || t - lastRestart.t > lastRestart.backoffMs + 20 * SECOND,
          started: true,
          restartCount: restarts,
          image: pod.image,
          containerID: `containerd://${pod.containerId}`,
          lastState: lastRestart
            ? { terminated: { exitCode: lastRestart.exitCode, reason: lastRestart.reason === 'OOMKilled' ? 'OOMKilled' : 'Error', startedAt: isoSeconds(pod.created), finishedAt: isoSeconds(lastRestart.t) } }
            : {},
        },
      ],
    };
    // A sample belongs to an incident while one is acting on its service (from the first
    // drift, not only once a threshold is crossed), or just after a restart it caused.
    const activity = cond.activities[0];
    const truth = activity && activity.intensity >= MIN_LABEL_INTENSITY ? truthOf(activity) : lastRestart && t - lastRestart.t < 10 * MINUTE ? truthOfIncident(lastRestart.incident, 'peak') : NORMAL;
    ctx.emit('kubernetes_pod_metrics', ts, service.name, body, skew ? { ...truth, skewMs: skew } : truth);
    return { cpu: cpu.usedCores, memory };
  }

  private lastRestart(ctx: GenerationContext, pod: Pod, t: number) {
    let last;
    for (const incident of ctx.incidents) for (const r of ctx.world.podHealth.restartsOf(incident)) if (r.pod.name === pod.name && r.t <= t && (!last || r.t > last.t)) last = r;
    return last;
  }

  private nodeSamples(ctx: GenerationContext, t: number, windowLabel: string, cpu: Map<string, number>, mem: Map<string, number>): void {
    const { world, incidents } = ctx;
    for (const node of world.topology.nodes) {
      const key = hashString(node.name);
      // The OS, kubelet, container runtime and DaemonSets (log shipper, CNI) use their share.
      const system = 0.35 + 0.05 * smoothNoise(key, t, 6 * MINUTE);
      const usedCpu = (cpu.get(node.name) ?? 0) + system;
      const usedMem = (mem.get(node.name) ?? 0) + 1.6 * 1024 ** 3;
      const disk = this.diskShare(ctx, node.name, t, key);
      const notReady = incidents.find((i) => i.type === 'network_partition' && i.detail.zone === node.zone && i.signature.kubernetes.includes('node_not_ready') && t >= i.onset + 40 * SECOND && t < i.recoveryStart + 20 * SECOND);
      const pressure = disk.incident && disk.share > 0.88;
      const since = isoSeconds(Date.UTC(2026, 0, 3, 9, 0, 0));
      const body: KubernetesNodeMetricsBody = {
        apiVersion: 'metrics.k8s.io/v1beta1',
        kind: 'NodeMetrics',
        metadata: { name: node.name, creationTimestamp: isoSeconds(t), labels: { 'kubernetes.io/hostname': node.name, 'node.kubernetes.io/instance-type': node.instanceType, 'topology.kubernetes.io/zone': node.zone } },
        timestamp: isoSeconds(t),
        window: windowLabel,
        usage: { cpu: nanoCores(usedCpu), memory: kib(usedMem) },
        fs: { capacityBytes: node.diskBytes, usedBytes: Math.round(node.diskBytes * disk.share), availableBytes: Math.round(node.diskBytes * (1 - disk.share)) },
        conditions: [
          { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available', lastHeartbeatTime: isoSeconds(t), lastTransitionTime: since },
          pressure
            ? { type: 'DiskPressure', status: 'True', reason: 'KubeletHasDiskPressure', message: 'kubelet has disk pressure', lastHeartbeatTime: isoSeconds(t), lastTransitionTime: isoSeconds(t - MINUTE) }
            : { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure', lastHeartbeatTime: isoSeconds(t), lastTransitionTime: since },
          notReady
            ? { type: 'Ready', status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastHeartbeatTime: isoSeconds(notReady.onset), lastTransitionTime: isoSeconds(notReady.onset + 40 * SECOND) }
            : { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: isoSeconds(t), lastTransitionTime: since },
        ],
      };
      const incident = notReady ?? disk.incident;
      ctx.emit('kubernetes_node_metrics', t, node.name, body, incident ? truthOfIncident(incident, t < incident.peak ? 'onset' : t < incident.recoveryStart ? 'peak' : 'recovery') : NORMAL);
    }
  }

  private diskShare(ctx: GenerationContext, node: string, t: number, key: number) {
    const base = 0.38 + 0.12 * ((key % 100) / 100) + 0.01 * smoothNoise(key, t, 30 * MINUTE);
    for (const incident of ctx.incidents) {
      if (incident.type !== 'disk_full' || incident.detail.node !== node) continue;
      const a = ctx.conditions.activities(incident.rootCause, t).find((x) => x.incident === incident);
      if (!a) continue;
      const fill = (incident.effects.root.disk_fill ?? 0.97) * Math.min(1, a.intensity / incident.severity);
      return { share: Math.max(base, base + (fill - base) * Math.min(1, a.intensity / incident.severity)), incident };
    }
    return { share: base, incident: undefined };
  }
}

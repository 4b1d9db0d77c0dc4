// Container restarts and memory: when pods get OOM-killed during a leak, when a broken release
// crash-loops, when CoreDNS fails its liveness probe. Events, logs, pod metrics and every
// restart counter read the same schedule, so they agree with one another.
import type { Incident } from '../model/incident.js';
import type { Datastore, Topology } from '../model/topology.js';
import { hashInts, hashString, hashUnit, hex32, smoothNoise } from '../random/rng.js';
import { MINUTE, SECOND } from '../time/calendar.js';
import type { Pod, RolloutPlanner } from './rollouts.js';

export type RestartReason = 'OOMKilled' | 'Error' | 'Liveness';

export interface Restart {
  readonly pod: Pod;
  /** When the container died. */
  readonly t: number;
  readonly reason: RestartReason;
  readonly exitCode: number;
  readonly incident: Incident;
  /** Back-off before the kubelet starts it again. */
  readonly backoffMs: number;
}

const MAX_BACKOFF_MS = 300 * SECOND;

/** Pods of the in-cluster datastores (RabbitMQ StatefulSet, CoreDNS Deployment): they do not roll. */
export function infraPods(topology: Topology, seed: number): Map<string, Pod[]> {
  const out = new Map<string, Pod[]>();
  const created = Date.UTC(2026, 0, 3, 9, 0, 0);
  for (const ds of topology.datastores) {
    if (ds.config.managed_by !== 'kubernetes') continue;
    out.set(ds.name, infraPodsOf(topology, ds, seed, created));
  }
  return out;
}

function infraPodsOf(topology: Topology, ds: Datastore, seed: number, created: number): Pod[] {
  const isDns = ds.config.type === 'dns';
  const replicas = isDns ? 2 : 3;
  const namespace = ds.config.namespace ?? 'default';
  const image = isDns ? 'registry.k8s.io/coredns/coredns:v1.11.3' : 'docker.io/library/rabbitmq:3.13.7-management';
  const rsHash = hex32(hashString(ds.name, seed)).replace(/[aeiou01]/g, 'x').slice(0, 10);
  return Array.from({ length: replicas }, (_, i) => {
    const h = hashInts(seed, hashString(ds.name), i);
    const node = topology.nodes[(h >>> 5) % topology.nodes.length]!;
    const uid = hex32(hashInts(h, 1)) + hex32(hashInts(h, 2)) + hex32(hashInts(h, 3)) + hex32(hashInts(h, 4));
    return {
      name: isDns ? `coredns-${rsHash}-${hex32(h).slice(0, 5).replace(/[aeiou01]/g, 'z')}` : `${ds.name}-${i}`,
      service: ds.name,
      namespace,
      uid: `${uid.slice(0, 8)}-${uid.slice(8, 12)}-4${uid.slice(13, 16)}-b${uid.slice(17, 20)}-${uid.slice(20, 32)}`,
      node: node.name,
      ip: `10.0.${node.index + 1}${i}.${(h >>> 10) % 240 + 10}`,
      revision: rsHash,
      version: image.split(':')[1]!,
      replica: i,
      created,
      containerId: Array.from({ length: 8 }, (_, k) => hex32(hashInts(h, 20 + k))).join(''),
      image,
      imageDigest: `sha256:${Array.from({ length: 8 }, (_, k) => hex32(hashInts(hashString(image), k))).join('')}`,
    };
  });
}

export class PodHealth {
  private readonly cache = new Map<string, Restart[]>();

  constructor(
    private readonly topology: Topology,
    private readonly rollouts: RolloutPlanner,
    private readonly infra: ReadonlyMap<string, Pod[]>,
  ) {}

  /** Every restart an incident causes, across all its pods. */
  restartsOf(incident: Incident): Restart[] {
    const cached = this.cache.get(incident.id);
    if (cached) return cached;
    const out: Restart[] = [];
    if (incident.type === 'memory_leak' && this.topology.isService(incident.rootCause)) {
      const pods = this.rollouts.podsAt(incident.rootCause, incident.onset).serving;
      for (const pod of pods) {
        const { cycleMs, offsetMs } = this.leakCycle(incident, pod);
        for (let t = incident.onset + offsetMs; t < incident.recoveryStart; t += cycleMs) {
          out.push({ pod, t, reason: 'OOMKilled', exitCode: 137, incident, backoffMs: 10 * SECOND });
        }
      }
    } else if (incident.type === 'bad_deployment' && incident.detail.failureMode === 'crash_loop' && this.topology.isService(incident.rootCause)) {
      const broken = this.rollouts.podsAt(incident.rootCause, incident.onset).broken;
      if (broken) {
        let t = broken.created + 20 * SECOND;
        for (let k = 0; t < incident.recoveryStart; k++) {
          const backoffMs = Math.min(MAX_BACKOFF_MS, 10 * SECOND * 2 ** k);
          out.push({ pod: broken, t, reason: 'Error', exitCode: 1, incident, backoffMs });
          t += backoffMs + 4 * SECOND + (hashInts(t, 3) % 3000);
        }
      }
    } else if (incident.type === 'dns_failure' && incident.signature.kubernetes.includes('dns_pod_restarts')) {
      const pods = this.infra.get(incident.rootCause) ?? [];
      pods.forEach((pod, i) => {
        for (let t = incident.onset + 45 * SECOND + i * 17 * SECOND; t < incident.recoveryStart; t += 3 * MINUTE) {
          out.push({ pod, t, reason: 'Liveness', exitCode: 0, incident, backoffMs: 10 * SECOND });
        }
      });
    }
    out.sort((a, b) => a.t - b.t || a.pod.name.localeCompare(b.pod.name));
    if (this.cache.size > 4096) this.cache.clear();
    this.cache.set(incident.id, out);
    return out;
  }

  /** Restarts of any pod in [start, end) from the given incidents. */
  restartsIn(incidents: readonly Incident[], start: number, end: number): Restart[] {
    const out: Restart[] = [];
    for (const incident of incidents) for (const r of this.restartsOf(incident)) if (r.t >= start && r.t < end) out.push(r);
    return out.sort((a, b) => a.t - b.t || a.pod.name.localeCompare(b.pod.name));
  }

  /** Container restarts of a pod up to t, counting the incidents given. */
  restartCount(pod: Pod, t: number, incidents: readonly Incident[]): number {
    let n = 0;
    for (const incident of incidents) {
      if (incident.onset > t) continue;
      for (const r of this.restartsOf(incident)) if (r.pod.name === pod.name && r.t <= t) n++;
    }
    return n;
  }

  /** Memory working set of a pod's main container as a share of its limit. */
  memoryShare(pod: Pod, t: number, incidents: readonly Incident[], baseline: number): number {
    for (const incident of incidents) {
      if (incident.type !== 'memory_leak' || incident.rootCause !== pod.service || t < incident.onset || t >= incident.recoveryStart) continue;
      const { cycleMs, offsetMs } = this.leakCycle(incident, pod);
      if (pod.created > incident.onset) continue;
      // Memory climbs from the baseline to the limit over one cycle, then the kernel kills it.
      const sinceOnset = t - incident.onset;
      const frac = sinceOnset < offsetMs ? sinceOnset / offsetMs : ((sinceOnset - offsetMs) % cycleMs) / cycleMs;
      return Math.min(1, baseline + (1.0 - baseline) * frac);
    }
    return baseline;
  }

  private leakCycle(incident: Incident, pod: Pod): { cycleMs: number; offsetMs: number } {
    const cycleMs = Math.max(6 * MINUTE, (incident.peak - incident.onset) * 0.6);
    const offsetMs = Math.round(cycleMs * (0.7 + 0.5 * hashUnit(hashString(pod.name), 77)));
    return { cycleMs, offsetMs };
  }
}

/** A pod's ordinary working-set share of its limit: a GC sawtooth around a per-pod level. */
export function baselineMemoryShare(pod: Pod, t: number): number {
  const key = hashString(pod.name);
  const level = 0.42 + 0.18 * hashUnit(key, 5);
  const saw = ((t - pod.created) % (11 * MINUTE)) / (11 * MINUTE);
  return level + 0.06 * saw + 0.03 * smoothNoise(key, t, 9 * MINUTE);
}

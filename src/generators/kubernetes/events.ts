// Kubernetes Events: the normal lifecycle (rollouts, cron jobs) and the trouble incidents cause
// (OOM kills, crash loops, image pull failures, failing probes, disk pressure and evictions,
// nodes going NotReady, certificates failing to renew), with kubelet-style series for repeats.
import type { Incident } from '../../model/incident.js';
import type { Truth } from '../../model/record.js';
import type { Service } from '../../model/topology.js';
import { hashString, type Rng } from '../../random/rng.js';
import { jobPodOf } from '../../simulation/jobs.js';
import type { Restart } from '../../simulation/pod-health.js';
import type { Pod, Rollout } from '../../simulation/rollouts.js';
import { MINUTE, SECOND } from '../../time/calendar.js';
import { truthOf, truthOfIncident, type Generator, type GenerationContext } from '../generator.js';
import { makeEvent, uidOf, type EventSpec, type ObjectRef } from './event-factory.js';
import { containerOf } from './pod-meta.js';

const NORMAL: Truth = { anomalous: false };

export class KubernetesEventGenerator implements Generator {
  readonly name = 'kubernetes.events';
  readonly source = 'kubernetes' as const;

  generate(ctx: GenerationContext): void {
    new EventWriter(ctx, ctx.rng('kubernetes-events')).run();
  }
}

function podRef(pod: Pod, container = true): ObjectRef {
  return { kind: 'Pod', name: pod.name, namespace: pod.namespace, uid: pod.uid, apiVersion: 'v1', fieldPath: container ? `spec.containers{${containerOf(pod)}}` : undefined };
}

class EventWriter {
  private readonly cluster: string;

  constructor(
    private readonly ctx: GenerationContext,
    private readonly rng: Rng,
  ) {
    this.cluster = ctx.world.topology.config.cluster.name;
  }

  run(): void {
    this.rollouts();
    this.restarts();
    this.jobs();
    this.incidents();
    this.everydayProbeBlips();
  }

  private inWindow(t: number): boolean {
    return t >= this.ctx.window.start && t < this.ctx.window.end;
  }

  private emit(spec: EventSpec, service: string, truth: Truth): void {
    if (!this.inWindow(spec.t)) return;
    // The kubelet stamps events with its node's clock.
    const node = spec.controller === 'kubelet' ? spec.instance : undefined;
    const skew = node ? this.ctx.world.skewMs(node) : 0;
    const t = Math.floor(spec.t + skew);
    const body = makeEvent(skew ? { ...spec, t, series: spec.series ? { ...spec.series, first: spec.series.first + skew } : undefined } : spec);
    this.ctx.emit('kubernetes_event', t, service, body, skew ? { ...truth, skewMs: skew } : truth);
  }

  // ---- rollouts ---------------------------------------------------------------------------------

  private rollouts(): void {
    const { world, window } = this.ctx;
    for (const r of world.rollouts.rolloutsIn(window.start - 30 * MINUTE, window.end)) {
      const service = world.topology.service(r.service);
      const truth = this.rolloutTruth(r);
      const deployment: ObjectRef = { kind: 'Deployment', name: service.name, namespace: service.namespace, uid: uidOf(this.cluster, 'deploy', service.name), apiVersion: 'apps/v1' };
      const newRs = this.replicaSet(service, r.revision);
      const pods = world.rollouts.podsOf(r);
      const previous = world.rollouts.stableRollout(r.service, r.start - 1);
      const oldRs = this.replicaSet(service, previous.revision);
      const old = previous.revision === r.revision ? [] : world.rollouts.podsOf(previous);
      const replicas = service.config.replicas;
      pods.forEach((pod, i) => {
        const t = pod.created;
        this.emit({ t, regarding: deployment, reason: 'ScalingReplicaSet', note: `Scaled up replica set ${newRs.name} from ${i} to ${i + 1}`, type: 'Normal', controller: 'deployment-controller', instance: 'kube-controller-manager', action: 'ScaleUp' }, service.name, truth);
        this.emit({ t: t + 15, regarding: newRs, reason: 'SuccessfulCreate', note: `Created pod: ${pod.name}`, type: 'Normal', controller: 'replicaset-controller', instance: 'kube-controller-manager', action: 'Create' }, service.name, truth);
        this.podStart(pod, t + 40, r.reason === 'bad_release' ? undefined : truth, r);
        const replaced = old[i];
        if (replaced && r.reason !== 'bad_release') {
          const down = t + 12 * SECOND;
          this.emit({ t: down, regarding: deployment, reason: 'ScalingReplicaSet', note: `Scaled down replica set ${oldRs.name} from ${replicas - i} to ${replicas - i - 1}`, type: 'Normal', controller: 'deployment-controller', instance: 'kube-controller-manager', action: 'ScaleDown' }, service.name, truth);
          this.emit({ t: down + 20, regarding: oldRs, reason: 'SuccessfulDelete', note: `Deleted pod: ${replaced.name}`, type: 'Normal', controller: 'replicaset-controller', instance: 'kube-controller-manager', action: 'Delete' }, service.name, truth);
          this.emit({ t: down + 60, regarding: podRef(replaced), reason: 'Killing', note: `Stopping container ${containerOf(replaced)}`, type: 'Normal', controller: 'kubelet', instance: replaced.node, action: 'Killing' }, service.name, truth);
        }
      });
      if (r.reason === 'rollback') {
        // The broken surge pod goes away with the rollback.
        const broken = world.rollouts.podsAt(r.service, r.start - 1).broken;
        if (broken) this.emit({ t: r.start + 5 * SECOND, regarding: podRef(broken), reason: 'Killing', note: `Stopping container ${containerOf(broken)}`, type: 'Normal', controller: 'kubelet', instance: broken.node, action: 'Killing' }, service.name, truth);
      }
    }
  }

  private replicaSet(service: Service, revision: string): ObjectRef {
    return { kind: 'ReplicaSet', name: `${service.name}-${revision}`, namespace: service.namespace, uid: uidOf(this.cluster, 'rs', service.name, revision), apiVersion: 'apps/v1' };
  }

  private rolloutTruth(r: Rollout): Truth {
    if (!r.incidentId) return NORMAL;
    const incident = this.ctx.incidents.find((i) => i.id === r.incidentId);
    return incident ? truthOfIncident(incident, r.reason === 'bad_release' ? 'onset' : 'recovery') : NORMAL;
  }

  /** Scheduled -> Pulling -> Pulled -> Created -> Started, or the image pull failing. */
  private podStart(pod: Pod, t: number, truth: Truth | undefined, rollout?: Rollout): void {
    const service = pod.service;
    const incident = rollout?.incidentId ? this.ctx.incidents.find((i) => i.id === rollout.incidentId) : undefined;
    const badTruth = incident ? truthOfIncident(incident, 'onset') : NORMAL;
    const normal = truth ?? badTruth;
    const ref = podRef(pod);
    this.emit({ t, regarding: podRef(pod, false), reason: 'Scheduled', note: `Successfully assigned ${pod.namespace}/${pod.name} to ${pod.node}`, type: 'Normal', controller: 'default-scheduler', instance: 'default-scheduler-ip-10-0-0-5', action: 'Binding' }, service, normal);
    const pullAt = t + 900;
    this.emit({ t: pullAt, regarding: ref, reason: 'Pulling', note: `Pulling image "${pod.image}"`, type: 'Normal', controller: 'kubelet', instance: pod.node }, service, normal);
    if (rollout?.reason === 'bad_release' && incident?.detail.failureMode === 'image_pull') {
      this.imagePullFailures(pod, pullAt, incident);
      return;
    }
    const pullSecs = 1.2 + (hashString(pod.name) % 4000) / 1000;
    const pulled = pullAt + pullSecs * SECOND;
    this.emit({ t: pulled, regarding: ref, reason: 'Pulled', note: `Successfully pulled image "${pod.image}" in ${pullSecs.toFixed(3)}s (${pullSecs.toFixed(3)}s including waiting). Image size: ${90_000_000 + (hashString(pod.image) % 300_000_000)} bytes.`, type: 'Normal', controller: 'kubelet', instance: pod.node }, service, normal);
    this.emit({ t: pulled + 150, regarding: ref, reason: 'Created', note: `Created container: ${containerOf(pod)}`, type: 'Normal', controller: 'kubelet', instance: pod.node }, service, normal);
    this.emit({ t: pulled + 400, regarding: ref, reason: 'Started', note: `Started container ${containerOf(pod)}`, type: 'Normal', controller: 'kubelet', instance: pod.node }, service, normal);
  }

  /** ErrImagePull then ImagePullBackOff, repeating with the kubelet's back-off until the rollback. */
  private imagePullFailures(pod: Pod, first: number, incident: Incident): void {
    const ref = podRef(pod);
    const repo = pod.image.split(':')[0];
    const notFound = `Failed to pull image "${pod.image}": rpc error: code = NotFound desc = failed to pull and unpack image "${pod.image}": failed to resolve reference "${pod.image}": ${repo}:${pod.version}: not found`;
    let t = first + 1500;
    for (let k = 0; t < incident.recoveryStart; k++) {
      const truth = truthOfIncident(incident, t < incident.peak ? 'onset' : 'peak');
      const count = k + 1;
      const series = (t0: number) => (count >= 2 ? { first: t0, count } : undefined);
      this.emit({ t, regarding: ref, reason: 'Failed', note: notFound, type: 'Warning', controller: 'kubelet', instance: pod.node, series: series(first + 1500) }, pod.service, truth);
      this.emit({ t: t + 5, regarding: ref, reason: 'Failed', note: 'Error: ErrImagePull', type: 'Warning', controller: 'kubelet', instance: pod.node, series: series(first + 1505) }, pod.service, truth);
      this.emit({ t: t + 900, regarding: ref, reason: 'BackOff', note: `Back-off pulling image "${pod.image}"`, type: 'Normal', controller: 'kubelet', instance: pod.node, series: series(first + 2400) }, pod.service, truth);
      this.emit({ t: t + 905, regarding: ref, reason: 'Failed', note: 'Error: ImagePullBackOff', type: 'Warning', controller: 'kubelet', instance: pod.node, series: series(first + 2405) }, pod.service, truth);
      t += Math.min(300, 10 * 2 ** k) * SECOND + 2 * SECOND;
    }
  }

  // ---- restarts -----------------------------------------------------------------------------------

  private restarts(): void {
    const { world, window, incidents } = this.ctx;
    const all = world.podHealth.restartsIn(incidents, window.start - 10 * MINUTE, window.end);
    const count = new Map<string, number>();
    for (const r of all) {
      // How many restarts this pod had before, to number the series like the kubelet does.
      const n = (count.get(r.pod.name) ?? world.podHealth.restartCount(r.pod, r.t - 1, incidents)) + 1;
      count.set(r.pod.name, n);
      this.restart(r, n);
    }
  }

  private restart(r: Restart, n: number): void {
    const { pod, incident } = r;
    const truth = truthOfIncident(incident, r.t < incident.peak ? 'onset' : 'peak');
    const ref = podRef(pod);
    const restartAt = r.t + r.backoffMs;
    const series = (first: number) => (n >= 2 ? { first, count: n } : undefined);
    const firstStart = pod.created + 40;
    if (r.reason === 'OOMKilled' && incident.signature.kubernetes.includes('oom_killed')) {
      const node = this.ctx.world.topology.nodes.find((x) => x.name === pod.node);
      const rssKb = Math.round((this.ctx.world.topology.findService(pod.service)?.config.resources.memory_limit_mib ?? 512) * 1024 * 0.99);
      const pid = 1000 + (hashString(pod.name + r.t) % 60000);
      const proc = { java: 'java', python: 'gunicorn', node: 'node', go: pod.service }[this.ctx.world.topology.findService(pod.service)?.language ?? 'go'];
      this.emit(
        { t: r.t, regarding: { kind: 'Node', name: pod.node, uid: uidOf(this.cluster, 'node', pod.node), apiVersion: 'v1' }, reason: 'OOMKilling', note: `Memory cgroup out of memory: Killed process ${pid} (${proc}) total-vm:${rssKb * 3}kB, anon-rss:${rssKb}kB, file-rss:${Math.round(rssKb / 40)}kB, shmem-rss:0kB, UID:1000 pgtables:${Math.round(rssKb / 500)}kB oom_score_adj:${node ? 983 : 1000}`, type: 'Warning', controller: 'kernel-monitor', instance: pod.node },
        pod.service,
        truth,
      );
    }
    if (r.reason === 'Liveness') {
      for (let i = 0; i < 3; i++) {
        this.emit({ t: r.t - (2 - i) * 10 * SECOND, regarding: ref, reason: 'Unhealthy', note: `Liveness probe failed: Get "http://${pod.ip}:8080/health": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`, type: 'Warning', controller: 'kubelet', instance: pod.node, series: i > 0 ? { first: r.t - 20 * SECOND, count: i + 1 } : undefined }, pod.service, truth);
      }
      this.emit({ t: r.t + 50, regarding: ref, reason: 'Killing', note: `Container ${containerOf(pod)} failed liveness probe, will be restarted`, type: 'Normal', controller: 'kubelet', instance: pod.node }, pod.service, truth);
    }
    if (r.reason === 'Error' || (r.reason === 'OOMKilled' && n >= 2)) {
      this.emit({ t: r.t + 1200, regarding: ref, reason: 'BackOff', note: `Back-off restarting failed container ${containerOf(pod)} in pod ${pod.name}_${pod.namespace}(${pod.uid})`, type: 'Warning', controller: 'kubelet', instance: pod.node, series: series(r.t + 1200) }, pod.service, truth);
    }
    this.emit({ t: restartAt, regarding: ref, reason: 'Pulled', note: `Container image "${pod.image}" already present on machine`, type: 'Normal', controller: 'kubelet', instance: pod.node, series: { first: firstStart, count: n + 1 } }, pod.service, truth);
    this.emit({ t: restartAt + 120, regarding: ref, reason: 'Created', note: `Created container: ${containerOf(pod)}`, type: 'Normal', controller: 'kubelet', instance: pod.node, series: { first: firstStart + 150, count: n + 1 } }, pod.service, truth);
    this.emit({ t: restartAt + 350, regarding: ref, reason: 'Started', note: `Started container ${containerOf(pod)}`, type: 'Normal', controller: 'kubelet', instance: pod.node, series: { first: firstStart + 400, count: n + 1 } }, pod.service, truth);
  }

  // ---- cron jobs ----------------------------------------------------------------------------------

  private jobs(): void {
    const { world } = this.ctx;
    for (const run of this.ctx.jobRuns) {
      const service = world.topology.findService(run.job.service);
      if (!service) continue;
      const info = jobPodOf(run, world.options.seed);
      const node = world.topology.nodes[info.nodeIndex % world.topology.nodes.length]!;
      const cron: ObjectRef = { kind: 'CronJob', name: run.job.name, namespace: service.namespace, uid: uidOf(this.cluster, 'cronjob', run.job.name), apiVersion: 'batch/v1' };
      const job: ObjectRef = { kind: 'Job', name: info.jobName, namespace: service.namespace, uid: uidOf(this.cluster, 'job', info.jobName), apiVersion: 'batch/v1' };
      const pod: ObjectRef = { kind: 'Pod', name: info.podName, namespace: service.namespace, uid: info.uid, apiVersion: 'v1', fieldPath: `spec.containers{${run.job.name}}` };
      const image = `${world.rollouts.stableRollout(service.name, run.start).version}`;
      const t = run.start;
      this.emit({ t, regarding: cron, reason: 'SuccessfulCreate', note: `Created job ${info.jobName}`, type: 'Normal', controller: 'cronjob-controller', instance: 'kube-controller-manager' }, service.name, NORMAL);
      this.emit({ t: t + 30, regarding: job, reason: 'SuccessfulCreate', note: `Created pod: ${info.podName}`, type: 'Normal', controller: 'job-controller', instance: 'kube-controller-manager' }, service.name, NORMAL);
      this.emit({ t: t + 60, regarding: { ...pod, fieldPath: undefined }, reason: 'Scheduled', note: `Successfully assigned ${service.namespace}/${info.podName} to ${node.name}`, type: 'Normal', controller: 'default-scheduler', instance: 'default-scheduler-ip-10-0-0-5', action: 'Binding' }, service.name, NORMAL);
      this.emit({ t: t + 700, regarding: pod, reason: 'Pulled', note: `Container image "123456789012.dkr.ecr.us-east-1.amazonaws.com/shop/${service.name}:${image}" already present on machine`, type: 'Normal', controller: 'kubelet', instance: node.name }, service.name, NORMAL);
      this.emit({ t: t + 850, regarding: pod, reason: 'Created', note: `Created container: ${run.job.name}`, type: 'Normal', controller: 'kubelet', instance: node.name }, service.name, NORMAL);
      this.emit({ t: t + 1100, regarding: pod, reason: 'Started', note: `Started container ${run.job.name}`, type: 'Normal', controller: 'kubelet', instance: node.name }, service.name, NORMAL);
      this.emit({ t: run.end, regarding: job, reason: 'Completed', note: 'Job completed', type: 'Normal', controller: 'job-controller', instance: 'kube-controller-manager' }, service.name, NORMAL);
      this.emit({ t: run.end + 4 * SECOND, regarding: cron, reason: 'SawCompletedJob', note: `Saw completed job: ${info.jobName}, condition: Complete`, type: 'Normal', controller: 'cronjob-controller', instance: 'kube-controller-manager' }, service.name, NORMAL);
    }
  }

  // ---- incident signals ---------------------------------------------------------------------------

  private incidents(): void {
    for (const incident of this.ctx.incidents) {
      const k8s = incident.signature.kubernetes;
      if (k8s.includes('unhealthy_probes')) this.probes(incident);
      if (incident.type === 'disk_full') this.diskPressure(incident, k8s);
      if (k8s.includes('node_not_ready') && incident.detail.zone) this.nodeNotReady(incident);
      if (k8s.includes('certificate_events')) this.certificate(incident);
    }
  }

  /** Readiness probes time out on the pods of affected services, a series per pod. */
  private probes(incident: Incident): void {
    const { world, window, conditions } = this.ctx;
    for (const target of incident.affected) {
      const service = world.topology.findService(target.target);
      if (!service) continue;
      const start = incident.onset + target.delayMs;
      for (let m = Math.max(Math.ceil(window.start / MINUTE) * MINUTE, Math.floor(start / MINUTE) * MINUTE); m < window.end; m += MINUTE) {
        const activity = conditions.activities(service.name, m).find((a) => a.incident === incident);
        if (!activity || activity.intensity < 0.35) continue;
        const pods = world.rollouts.podsAt(service.name, m).serving;
        for (const pod of pods) {
          if (hashString(pod.name + m) % 3 !== 0) continue;
          const n = Math.max(2, Math.round((m - start) / (20 * SECOND)));
          const t = m + (hashString(pod.name) % 50) * SECOND;
          this.emit({ t, regarding: podRef(pod), reason: 'Unhealthy', note: `Readiness probe failed: Get "http://${pod.ip}:${service.config.port}/ready": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`, type: 'Warning', controller: 'kubelet', instance: pod.node, series: { first: start + (hashString(pod.name) % 20) * SECOND, count: n } }, service.name, truthOf(activity));
        }
      }
    }
  }

  private diskPressure(incident: Incident, signals: readonly string[]): void {
    const nodeName = incident.detail.node;
    if (!nodeName) return;
    const node: ObjectRef = { kind: 'Node', name: nodeName, uid: uidOf(this.cluster, 'node', nodeName), apiVersion: 'v1' };
    const pressureAt = incident.onset + (incident.peak - incident.onset) * 0.8;
    const truth = (t: number) => truthOfIncident(incident, t < incident.peak ? 'onset' : t < incident.recoveryStart ? 'peak' : 'recovery');
    if (signals.includes('disk_pressure')) {
      this.emit({ t: pressureAt, regarding: node, reason: 'NodeHasDiskPressure', note: `Node ${nodeName} status is now: NodeHasDiskPressure`, type: 'Normal', controller: 'kubelet', instance: nodeName }, incident.rootCause, truth(pressureAt));
      this.emit({ t: pressureAt + 10 * SECOND, regarding: node, reason: 'EvictionThresholdMet', note: 'Attempting to reclaim ephemeral-storage', type: 'Warning', controller: 'kubelet', instance: nodeName }, incident.rootCause, truth(pressureAt));
      this.emit({ t: pressureAt + 40 * SECOND, regarding: node, reason: 'FreeDiskSpaceFailed', note: `Failed to garbage collect required amount of images. Attempted to free ${4_000_000_000 + (hashString(incident.id) % 900_000_000)} bytes, but only found 0 bytes eligible to free.`, type: 'Warning', controller: 'kubelet', instance: nodeName }, incident.rootCause, truth(pressureAt));
      const clear = incident.end - 60 * SECOND;
      this.emit({ t: clear, regarding: node, reason: 'NodeHasNoDiskPressure', note: `Node ${nodeName} status is now: NodeHasNoDiskPressure`, type: 'Normal', controller: 'kubelet', instance: nodeName }, incident.rootCause, truth(clear));
    }
    if (signals.includes('evicted')) {
      const victims = this.podsOnNode(nodeName, pressureAt).slice(0, 2);
      victims.forEach((pod, i) => {
        const t = pressureAt + (20 + i * 7) * SECOND;
        const avail = 3_000_000 + (hashString(pod.name) % 2_000_000);
        this.emit({ t, regarding: podRef(pod, false), reason: 'Evicted', note: `The node was low on resource: ephemeral-storage. Threshold quantity: 10Gi, available: ${avail}Ki. Container ${containerOf(pod)} was using ${5 + (hashString(pod.name) % 9)}Gi, request is 0, has larger consumption of ephemeral-storage.`, type: 'Warning', controller: 'kubelet', instance: nodeName }, pod.service, truth(t));
        this.emit({ t: t + 200, regarding: podRef(pod), reason: 'Killing', note: `Stopping container ${containerOf(pod)}`, type: 'Normal', controller: 'kubelet', instance: nodeName }, pod.service, truth(t));
      });
    }
    if (signals.includes('failed_scheduling')) {
      const service = this.ctx.world.topology.findService(incident.rootCause);
      if (service) {
        const t = pressureAt + 35 * SECOND;
        const pending: ObjectRef = { kind: 'Pod', name: `${service.name}-pending-${incident.id.slice(-2)}`, namespace: service.namespace, uid: uidOf(incident.id, 'pending'), apiVersion: 'v1' };
        const nodes = this.ctx.world.topology.nodes.length;
        for (let k = 0; k < 4 && t + k * MINUTE < incident.recoveryStart; k++) {
          this.emit({ t: t + k * MINUTE, regarding: pending, reason: 'FailedScheduling', note: `0/${nodes} nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/disk-pressure: }, ${nodes - 1} Insufficient cpu. preemption: 0/${nodes} nodes are available: 1 Preemption is not helpful for scheduling, ${nodes - 1} No preemption victims found for incoming pod.`, type: 'Warning', controller: 'default-scheduler', instance: 'default-scheduler-ip-10-0-0-5', action: 'Scheduling', series: k > 0 ? { first: t, count: k + 1 } : undefined }, service.name, truth(t));
        }
      }
    }
  }

  private podsOnNode(node: string, t: number): Pod[] {
    const out: Pod[] = [];
    for (const s of this.ctx.world.topology.services) for (const p of this.ctx.world.rollouts.podsAt(s.name, t).serving) if (p.node === node) out.push(p);
    return out.sort((a, b) => a.name.localeCompare(b.name));
  }

  /** A zone cut off: its nodes stop posting status, the node controller marks them NotReady. */
  private nodeNotReady(incident: Incident): void {
    const nodes = this.ctx.world.topology.nodes.filter((n) => n.zone === incident.detail.zone);
    for (const n of nodes) {
      const ref: ObjectRef = { kind: 'Node', name: n.name, uid: uidOf(this.cluster, 'node', n.name), apiVersion: 'v1' };
      const down = incident.onset + 40 * SECOND + (n.index % 3) * 1000;
      if (down < incident.recoveryStart) {
        this.emit({ t: down, regarding: ref, reason: 'NodeNotReady', note: `Node ${n.name} status is now: NodeNotReady`, type: 'Normal', controller: 'node-controller', instance: 'kube-controller-manager' }, incident.rootCause, truthOfIncident(incident, 'peak'));
        for (const pod of this.podsOnNode(n.name, down).slice(0, 4)) {
          this.emit({ t: down + 500, regarding: podRef(pod, false), reason: 'NodeNotReady', note: 'Node is not ready', type: 'Warning', controller: 'node-controller', instance: 'kube-controller-manager' }, pod.service, truthOfIncident(incident, 'peak'));
        }
        const up = incident.recoveryStart + 20 * SECOND;
        this.emit({ t: up, regarding: ref, reason: 'NodeReady', note: `Node ${n.name} status is now: NodeReady`, type: 'Normal', controller: 'kubelet', instance: n.name }, incident.rootCause, truthOfIncident(incident, 'recovery'));
      }
    }
  }

  /** cert-manager failing to renew before the expiry, then succeeding. */
  private certificate(incident: Incident): void {
    const root = incident.rootCause;
    const callers = this.ctx.world.topology.callersOf(root);
    const owner = this.ctx.world.topology.findService(root) ?? this.ctx.world.topology.findService(callers[0] ?? '');
    if (!owner) return;
    const name = this.ctx.world.topology.isService(root) ? 'shop-public-tls' : `${root}-client-tls`;
    const cert: ObjectRef = { kind: 'Certificate', name, namespace: owner.namespace, uid: uidOf(this.cluster, 'cert', name), apiVersion: 'cert-manager.io/v1' };
    const truth = (t: number) => truthOfIncident(incident, t < incident.peak ? 'onset' : t < incident.recoveryStart ? 'peak' : 'recovery');
    const t0 = incident.onset + 5 * SECOND;
    this.emit({ t: t0, regarding: cert, reason: 'Issuing', note: `Renewing certificate as renewal was scheduled at ${new Date(incident.onset - 30 * 24 * 3600_000).toISOString().replace('.000Z', 'Z')}`, type: 'Normal', controller: 'cert-manager-certificates-trigger', instance: 'cert-manager-7d9f8b6c5d-x2k4p' }, owner.name, truth(t0));
    for (let k = 0; t0 + (k + 1) * 2 * MINUTE < incident.recoveryStart && k < 6; k++) {
      const t = t0 + (k + 1) * 2 * MINUTE;
      this.emit({ t, regarding: cert, reason: 'Failed', note: `The certificate request has failed to complete and will be retried: Failed to wait for order resource "${name}-${1 + k}-${hashString(name) % 9000000000}" to become ready: order is in "errored" state: Failed to finalize Order: 400 urn:ietf:params:acme:error:badCSR`, type: 'Warning', controller: 'cert-manager-certificates-issuing', instance: 'cert-manager-7d9f8b6c5d-x2k4p', series: k > 0 ? { first: t0 + 2 * MINUTE, count: k + 1 } : undefined }, owner.name, truth(t));
    }
    const done = incident.recoveryStart - 10 * SECOND;
    this.emit({ t: done, regarding: cert, reason: 'Issuing', note: 'The certificate has been successfully issued', type: 'Normal', controller: 'cert-manager-certificates-issuing', instance: 'cert-manager-7d9f8b6c5d-x2k4p' }, owner.name, truth(done));
  }

  /** Now and then a readiness probe times out for no incident at all (a GC pause, a noisy neighbour). */
  private everydayProbeBlips(): void {
    const { world, window } = this.ctx;
    const expected = ((window.end - window.start) / MINUTE) * 0.02;
    const n = this.rng.poisson(expected);
    for (let i = 0; i < n; i++) {
      const service = this.rng.pick(world.topology.services);
      const t = window.start + this.rng.int(window.end - window.start);
      const pods = world.rollouts.podsAt(service.name, t).serving;
      const pod = pods[this.rng.int(pods.length)];
      if (!pod) continue;
      this.emit({ t, regarding: podRef(pod), reason: 'Unhealthy', note: `Readiness probe failed: Get "http://${pod.ip}:${service.config.port}/ready": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`, type: 'Warning', controller: 'kubelet', instance: pod.node }, service.name, NORMAL);
    }
  }
}


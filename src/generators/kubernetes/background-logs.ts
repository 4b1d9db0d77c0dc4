// Lines no single request causes: pods starting and stopping, crash loops, JVM GC logs, cron
// jobs, the warnings services print while an incident wears them down, and the in-cluster
// datastores' own logs.
import type { Incident, IncidentActivity } from '../../model/incident.js';
import type { Truth } from '../../model/record.js';
import type { Service } from '../../model/topology.js';
import { hashInts, hashString, hashUnit, type Rng } from '../../random/rng.js';
import { jobPodOf } from '../../simulation/jobs.js';
import { baselineMemoryShare } from '../../simulation/pod-health.js';
import { JOB_REVISION, type Pod, type Rollout } from '../../simulation/rollouts.js';
import { isoMillis, MINUTE, SECOND } from '../../time/calendar.js';
import { appFrames } from '../code/code-map.js';
import { exceptionFor } from '../code/exceptions.js';
import { truthOf, truthOfIncident, type GenerationContext } from '../generator.js';
import type { Template } from '../template.js';
import {
  CIRCUIT_STATE,
  CONNECTION_LOST,
  CONSUMER_LAG,
  COREDNS_ERROR,
  CRASH_EXIT,
  DISK_WRITE_FAILED,
  JOB_FINISHED,
  JOB_PROGRESS,
  JOB_STARTED,
  JVM_GC_FULL,
  JVM_GC_YOUNG,
  MEMORY_HIGH,
  POOL_STARVATION,
  POOL_STATS,
  RABBIT_ACCEPT,
  RABBIT_AUTH,
  RABBIT_BLOCKED,
  RABBIT_DISK_ALARM,
  RABBIT_DISK_CLEARED,
  RATE_LIMITED_BY,
  CACHE_MISS_RATE,
  SHUTDOWN,
  STARTUP,
  THROTTLED,
} from './log-templates.js';
import type { LogWriter } from './log-writer.js';

const NORMAL: Truth = { anomalous: false };

export class BackgroundLogs {
  constructor(
    private readonly ctx: GenerationContext,
    private readonly writer: LogWriter,
  ) {}

  emit(rng: Rng): void {
    this.rollouts();
    this.restarts(rng);
    this.gc();
    this.jobs();
    this.incidents(rng);
  }

  private inWindow(t: number): boolean {
    return t >= this.ctx.window.start && t < this.ctx.window.end;
  }

  // ---- pods starting and stopping -------------------------------------------------------------

  private startup(service: Service, pod: Pod, at: number, truth: Truth): void {
    const lang = service.language;
    const lines = STARTUP[lang];
    const appName = service.name.replace(/-(\w)/g, (_, c: string) => c.toUpperCase()).replace(/^\w/, (c) => c.toUpperCase());
    lines.forEach((tpl, i) => {
      const t = at + 800 + i * (lang === 'java' ? 900 : 350);
      const args = this.startupArgs(tpl, service, pod, appName, at);
      this.writer.write(service, pod, { t, level: 'info', template: tpl, args, logger: lang === 'java' ? `com.shop.${appName}Application` : lang === 'python' ? 'gunicorn.error' : 'server', source: 'main.go:61' }, { ...truth, templateId: tpl.id });
    });
    // Services that use the broker say hello to it: RabbitMQ logs the new connection.
    const broker = this.ctx.world.topology.datastoreOfType('rabbitmq');
    const brokerPod = broker ? this.ctx.world.infraPods.get(broker.name)?.[hashString(pod.name) % 3] : undefined;
    if (brokerPod && this.ctx.world.topology.callersOf(broker!.name).includes(service.name)) {
      const t = at + 2500;
      const conn = `<0.${1000 + (hashString(pod.name) % 8000)}.0>`;
      const port = 30000 + (hashString(pod.name) % 30000);
      this.rabbit(brokerPod, t, RABBIT_ACCEPT, [conn, pod.ip, port, brokerPod.ip], 'info', { anomalous: false, templateId: RABBIT_ACCEPT.id });
      this.rabbit(brokerPod, t + 4, RABBIT_AUTH, [conn, pod.ip, port, brokerPod.ip], 'info', { anomalous: false, templateId: RABBIT_AUTH.id });
    }
  }

  private startupArgs(tpl: Template, service: Service, pod: Pod, appName: string, at: number): Array<string | number> {
    switch (tpl.id) {
      case 'start.java.1':
        return [appName, pod.version];
      case 'start.java.2':
        return ['production'];
      case 'start.java.5':
        return [((hashString(pod.name) >>> 4) % 0xffffff).toString(16)];
      case 'start.java.8': {
        const secs = (6 + (hashString(pod.name) % 900) / 100).toFixed(3);
        return [appName, secs, (Number(secs) + 0.6).toFixed(3)];
      }
      case 'start.python.3':
        return [service.config.framework.startsWith('fastapi') ? 'uvicorn.workers.UvicornWorker' : 'sync'];
      case 'start.python.4':
        return [7 + (hashString(pod.name) % 4)];
      case 'start.node.1':
        return ['production'];
      case 'start.node.2':
        return ['postgres', 20 + (at % 60)];
      case 'start.node.3':
        return [service.config.port];
      case 'start.go.1':
        return [service.name, pod.version, pod.revision.slice(0, 7)];
      case 'start.go.2':
        return [service.config.endpoints[0]?.calls[0]?.target ?? 'config'];
      case 'start.go.3':
        return [service.config.port];
      default:
        return [];
    }
  }

  private shutdown(service: Service, pod: Pod, at: number): void {
    SHUTDOWN[service.language].forEach((tpl, i) => {
      const args = tpl.id === 'stop.python.2' ? [7 + (hashString(pod.name) % 4)] : tpl.id === 'stop.node.2' ? [hashString(pod.name) % 12] : [];
      this.writer.write(service, pod, { t: at + 200 + i * 700, level: 'info', template: tpl, args, logger: 'lifecycle', source: 'main.go:88' }, { anomalous: false, templateId: tpl.id });
    });
  }

  private rollouts(): void {
    const { window, world } = this.ctx;
    const ro = world.rollouts;
    // Rollouts that could still be replacing pods during this window.
    for (const r of ro.rolloutsIn(window.start - 15 * MINUTE, window.end)) {
      const service = world.topology.service(r.service);
      const truth = this.rolloutTruth(r);
      const pods = ro.podsOf(r);
      if (r.reason === 'bad_release') {
        // The surge pod never becomes ready: image pull errors print nothing; a crash on boot
        // prints its start and its crash at every restart (see restarts()).
        continue;
      }
      const previous = ro.stableRollout(r.service, r.start - 1);
      const old = previous.revision === r.revision ? [] : ro.podsOf(previous);
      pods.forEach((pod, i) => {
        if (this.inWindow(pod.created)) this.startup(service, pod, pod.created, truth);
        const replaced = old[i];
        const stopAt = pod.created + 12 * SECOND;
        if (replaced && this.inWindow(stopAt)) this.shutdown(service, replaced, stopAt);
      });
    }
  }

  private rolloutTruth(r: Rollout): Truth {
    if (!r.incidentId) return NORMAL;
    const incident = this.ctx.incidents.find((i) => i.id === r.incidentId);
    return incident ? truthOfIncident(incident, r.reason === 'bad_release' ? 'onset' : 'recovery') : NORMAL;
  }

  // ---- restarts: OOM kills, crash loops, failing probes ----------------------------------------

  private restarts(rng: Rng): void {
    const { window, world, incidents } = this.ctx;
    for (const r of world.podHealth.restartsIn(incidents, window.start - 10 * MINUTE, window.end)) {
      const truth = truthOfIncident(r.incident, 'peak');
      const service = world.topology.findService(r.pod.service);
      const startAt = r.t + r.backoffMs;
      if (!service) {
        if (this.inWindow(startAt)) this.writer.writeRaw(r.pod.service, r.pod, startAt + 900, '.:53\nCoreDNS-1.11.3\nlinux/amd64, go1.22.7, a6338e9'.split('\n')[0]!, 'stdout', { ...truth, templateId: 'coredns.start' });
        continue;
      }
      if (r.reason === 'Error') {
        // A crash on boot: the start, then the fatal error, then the exit.
        const spec = exceptionFor('startup_crash', service.language);
        const args = spec.args({ target: service.name, host: '', port: 0, upstream: '', status: 0, timeoutMs: 0, poolSize: 0, waiting: 0, entityId: '0', queue: '', path: '/', ip: '' });
        if (this.inWindow(r.t)) {
          this.startup(service, r.pod, r.t - 6 * SECOND, truth);
          this.writer.write(service, r.pod, { t: r.t - 300, level: 'error', template: spec.template, args, logger: 'main', error: { type: spec.type, module: spec.module, message: spec.template.fill(args), frames: spec.frames }, source: 'main.go:42' }, { ...truth, templateId: spec.template.id }, undefined, appFrames(service, undefined, 'start'));
          this.writer.write(service, r.pod, { t: r.t - 100, level: 'error', template: CRASH_EXIT, args: [], logger: 'main', source: 'main.go:44' }, { ...truth, templateId: CRASH_EXIT.id });
        }
      } else if (this.inWindow(startAt)) {
        this.startup(service, r.pod, startAt + rng.int(500), truth);
      }
    }
  }

  // ---- JVM garbage collection ------------------------------------------------------------------

  private gc(): void {
    const { window, world, incidents } = this.ctx;
    const interval = world.generation.traffic.gc_pauses.interval_mins * MINUTE;
    const [minPause, maxPause] = world.generation.traffic.gc_pauses.pause_ms;
    for (const service of world.topology.services) {
      if (service.language !== 'java') continue;
      const limitMb = service.config.resources.memory_limit_mib;
      const pods = world.rollouts.podsAt(service.name, window.start).serving;
      for (const pod of pods) {
        const key = hashString(pod.name);
        const leaking = incidents.some((i) => i.type === 'memory_leak' && i.rootCause === service.name && i.onset < window.end && i.recoveryStart > window.start);
        const every = leaking ? interval / 4 : interval;
        const first = Math.ceil((window.start - pod.created) / every);
        for (let k = Math.max(1, first); ; k++) {
          const t = pod.created + k * every + Math.floor(hashUnit(key, k) * 20 * SECOND);
          if (t >= window.end) break;
          if (t < window.start) continue;
          const share = world.podHealth.memoryShare(pod, t, incidents, baselineMemoryShare(pod, t));
          const before = Math.round(limitMb * share);
          const full = share > 0.85;
          const after = Math.round(before * (full ? 0.92 : 0.35 + 0.1 * hashUnit(key, k, 2)));
          const pause = (full ? 4 : 1) * (minPause + (maxPause - minPause) * hashUnit(key, k, 3) ** 3);
          const tpl = full ? JVM_GC_FULL : JVM_GC_YOUNG;
          const uptime = `${isoMillis(t).slice(0, 23)}+0000`;
          const text = tpl.fill([uptime, k, before, after, limitMb, pause.toFixed(3)]);
          const activity = full ? this.ctx.conditions.activities(service.name, t)[0] : undefined;
          this.writer.writeRaw(service.name, pod, t, text, 'stdout', truthOf(activity, tpl.id));
        }
      }
    }
  }

  // ---- cron jobs ------------------------------------------------------------------------------

  private jobs(): void {
    const { world } = this.ctx;
    for (const run of this.ctx.jobRuns) {
      const service = world.topology.findService(run.job.service);
      if (!service) continue;
      const info = jobPodOf(run, world.options.seed);
      const node = world.topology.nodes[info.nodeIndex % world.topology.nodes.length]!;
      // The job runs the service's current image (a CronJob pod, not a ReplicaSet's).
      const release = world.rollouts.stableRollout(service.name, run.start);
      const serviceImage = world.rollouts.podsOf(release)[0]?.image ?? release.version;
      const pod: Pod = {
        name: info.podName,
        service: service.name,
        namespace: service.namespace,
        uid: info.uid,
        node: node.name,
        ip: `10.0.${node.index + 1}9.${(info.nodeIndex >>> 3) % 200 + 20}`,
        revision: JOB_REVISION,
        version: release.version,
        replica: 0,
        created: run.start,
        containerId: info.containerId,
        image: serviceImage,
        imageDigest: `sha256:${info.containerId}`,
        job: info.jobName,
      };
      const recordsPerMin = 1000 + (hashString(run.job.name) % 20000);
      const durationSecs = Math.round((run.end - run.start) / SECOND);
      const lines: Array<[number, Template, Array<string | number>]> = [[run.start + 3 * SECOND, JOB_STARTED, [run.job.name, run.job.schedule]]];
      for (let t = run.start + 5 * MINUTE; t < run.end; t += 5 * MINUTE) lines.push([t, JOB_PROGRESS, [run.job.name, Math.round(((t - run.start) / MINUTE) * recordsPerMin)]]);
      lines.push([run.end - 2 * SECOND, JOB_FINISHED, [run.job.name, durationSecs, Math.round((durationSecs / 60) * recordsPerMin)]]);
      for (const [t, tpl, args] of lines) {
        if (this.inWindow(t)) this.writer.write(service, pod, { t, level: 'info', template: tpl, args, logger: 'jobs', source: 'job.go:57' }, { anomalous: false, templateId: tpl.id });
      }
    }
  }

  // ---- incidents wearing services down ---------------------------------------------------------

  private incidents(rng: Rng): void {
    const { window, incidents, conditions } = this.ctx;
    for (let m = Math.ceil(window.start / MINUTE) * MINUTE; m < window.end; m += MINUTE) {
      for (const incident of incidents) {
        if (m < incident.onset || m >= incident.end + 10 * MINUTE) continue;
        const k8s = incident.signature.kubernetes;
        for (const target of incident.affected) {
          const activity = conditions.activities(target.target, m).find((a) => a.incident === incident);
          if (!activity || activity.intensity < 0.15) continue;
          this.incidentMinute(rng, incident, activity, m, k8s.includes('warning_logs'), k8s.includes('error_logs'));
        }
      }
    }
  }

  private incidentMinute(rng: Rng, incident: Incident, a: IncidentActivity, m: number, warnings: boolean, errors: boolean): void {
    const { world } = this.ctx;
    const name = a.target.target;
    const service = world.topology.findService(name);
    const truthBase = truthOf(a);
    const t = m + rng.int(50 * SECOND);
    if (!service) {
      this.datastoreMinute(rng, incident, a, m);
      return;
    }
    const pods = world.rollouts.podsAt(name, m).serving;
    const pod = pods[rng.int(pods.length)];
    if (!pod) return;
    const lang = service.language;
    const write = (tpl: Template, args: Array<string | number>, level: 'warn' | 'error' = 'warn', at = t) =>
      this.writer.write(service, pod, { t: at, level, template: tpl, args, logger: 'monitor', source: 'monitor.go:73' }, { ...truthBase, templateId: tpl.id });
    const root = a.target.hops === 0;
    switch (incident.type) {
      case 'memory_leak':
        if (root && warnings) {
          const share = world.podHealth.memoryShare(pod, t, this.ctx.incidents, baselineMemoryShare(pod, t));
          const limit = service.config.resources.memory_limit_mib;
          if (share < 0.8) break;
          const used = Math.round(limit * share);
          const args = lang === 'java' ? [Math.round(share * 100), used, limit] : lang === 'python' ? [7 + (hashString(pod.name) % 4), used, Math.round(limit * 0.8)] : lang === 'node' ? [used, Math.round(used * 0.82), limit] : [used, limit, 1000 + rng.int(5000)];
          write(MEMORY_HIGH[lang], args);
        }
        break;
      case 'db_pool_exhaustion':
        if (root && warnings) {
          const size = lang === 'java' ? 20 : lang === 'python' ? 10 : lang === 'node' ? 10 : 25;
          const waiting = Math.round(5 + 60 * a.intensity * rng.next());
          const args = lang === 'java' ? [size, size, 0, waiting] : lang === 'python' ? [size, size, 10, waiting] : lang === 'node' ? [size, 0, waiting] : [size, 0, size, 100 + rng.int(5000)];
          write(POOL_STATS[lang], args);
          if (lang === 'java' && rng.chance(0.3)) write(POOL_STARVATION, [(30 + rng.next() * 60).toFixed(3)]);
        }
        break;
      case 'cpu_throttling':
        if (root && warnings) write(THROTTLED, [Math.round(200 + 1500 * a.intensity * rng.next()), 40 + rng.int(200)]);
        break;
      case 'cache_stampede':
        if (!root && warnings && world.topology.callersOf(incident.rootCause).includes(name)) {
          const hits = Math.round(2000 * (1 - a.intensity));
          const misses = Math.round(2000 * a.intensity + rng.int(200));
          write(CACHE_MISS_RATE, [Math.round((100 * misses) / Math.max(1, hits + misses)), hits, misses]);
        }
        break;
      case 'queue_backlog':
        if (root && warnings) {
          for (const c of service.consumers) {
            const ready = Math.round(((m - incident.onset) / MINUTE) * 900 * a.intensity);
            write(CONSUMER_LAG, [c.queue, ready, Math.round(ready / 15)]);
          }
        }
        break;
      case 'rate_limiting':
        if (warnings) write(RATE_LIMITED_BY, [incident.rootCause, Math.round(100 * a.intensity * 0.4), 100]);
        break;
      case 'network_partition':
        if (errors && rng.chance(0.7)) {
          const ds = world.topology.datastore(incident.rootCause);
          write(CONNECTION_LOST, [incident.rootCause, ds?.config.host ?? `${incident.rootCause}.shop.svc.cluster.local`, 1 + rng.int(8)], 'error');
        }
        break;
      case 'cascading_failure':
        if (!root && warnings) this.circuit(service, pod, incident, a, m);
        break;
      case 'disk_full':
        if (root && errors && rng.chance(0.8)) write(DISK_WRITE_FAILED, [service.name], 'error');
        break;
      default:
        break;
    }
  }

  /** Circuit breakers open when the trouble reaches a caller, then probe every minute. */
  private circuit(service: Service, pod: Pod, incident: Incident, a: IncidentActivity, m: number): void {
    const start = incident.onset + a.target.delayMs;
    const end = incident.recoveryStart + a.target.delayMs;
    const upstream = incident.affected.find((x) => x.hops === a.target.hops - 1)?.target ?? incident.rootCause;
    const write = (t: number, from: string, to: string) => {
      if (this.inWindow(t)) this.writer.write(service, pod, { t, level: to === 'OPEN' ? 'error' : 'warn', template: CIRCUIT_STATE, args: [upstream, from, to], logger: 'circuitbreaker', source: 'breaker.go:112' }, { ...truthOf(a), templateId: CIRCUIT_STATE.id });
    };
    const minutesIn = Math.round((m - start) / MINUTE);
    const at = m + 17 * SECOND;
    if (minutesIn === 1) write(at, 'CLOSED', 'OPEN');
    else if (minutesIn > 1 && m < end) {
      write(at, 'OPEN', 'HALF_OPEN');
      write(at + 2 * SECOND, 'HALF_OPEN', 'OPEN');
    } else if (m >= end && m < end + MINUTE) write(at, 'HALF_OPEN', 'CLOSED');
  }

  private datastoreMinute(rng: Rng, incident: Incident, a: IncidentActivity, m: number): void {
    const { world } = this.ctx;
    const pods = world.infraPods.get(a.target.target);
    if (!pods) return;
    const truth = truthOf(a);
    if (incident.type === 'dns_failure') {
      const n = 2 + rng.int(6);
      for (let i = 0; i < n; i++) {
        const pod = pods[rng.int(pods.length)]!;
        const callers = world.topology.services;
        const victim = callers[rng.int(callers.length)]!;
        const host = victim.config.endpoints[0]?.calls[0]?.target ?? victim.name;
        const ds = world.topology.datastore(host);
        const text = `[ERROR] ${COREDNS_ERROR.fill([ds?.config.host ?? `${host}.shop.svc.cluster.local`, pod.ip, 30000 + rng.int(30000), '10.0.0.2'])}`;
        this.writer.writeRaw(pod.service, pod, m + rng.int(59 * SECOND), text, 'stdout', { ...truth, templateId: COREDNS_ERROR.id });
      }
    } else if (incident.type === 'disk_full' && world.topology.datastore(a.target.target)?.config.type === 'rabbitmq') {
      const pod = pods[0]!;
      const node = `${pod.name}.${a.target.target}-headless.${pod.namespace}.svc.cluster.local`;
      const startMin = Math.floor((incident.onset + (incident.peak - incident.onset) * 0.5) / MINUTE) * MINUTE;
      if (m === startMin) this.rabbit(pod, m + 3 * SECOND, RABBIT_DISK_ALARM, [node, 40_000_000 + rng.int(9_000_000), 50_000_000], 'warning', { ...truth, templateId: RABBIT_DISK_ALARM.id });
      if (m > startMin && m < incident.recoveryStart && rng.chance(0.5)) this.rabbit(pod, m + rng.int(50 * SECOND), RABBIT_BLOCKED, [`<0.${1000 + rng.int(8000)}.0>`], 'warning', { ...truth, templateId: RABBIT_BLOCKED.id });
      if (m === Math.floor(incident.recoveryStart / MINUTE) * MINUTE) this.rabbit(pod, m + 5 * SECOND, RABBIT_DISK_CLEARED, [node], 'info', { ...truth, templateId: RABBIT_DISK_CLEARED.id });
    }
  }

  private rabbit(pod: Pod, t: number, tpl: Template, args: Array<string | number>, level: string, truth: Truth): void {
    if (!this.inWindow(t)) return;
    const micros = String(hashInts(Math.floor(t), 5) % 1000).padStart(3, '0');
    const stamp = `${isoMillis(t).replace('T', ' ').slice(0, 23)}${micros}+00:00`;
    this.writer.writeRaw(pod.service, pod, t, `${stamp} [${level}] <0.${700 + (hashString(tpl.id) % 300)}.0> ${tpl.fill(args)}`, 'stdout', truth);
  }
}

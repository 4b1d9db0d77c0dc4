// Grafana: the panel series of the shop's dashboards, and the annotations engineers see on
// them: deploy markers, alert state changes, and incidents the on-call declared.
import type { GrafanaAnnotationBody, GrafanaSeriesBody, Truth } from '../../model/record.js';
import { hashString } from '../../random/rng.js';
import { ceilTo, MINUTE, SECOND } from '../../time/calendar.js';
import { truthOf, truthOfIncident, type Generator, type GenerationContext } from '../generator.js';
import { ALERT_RULES, breaches, instancesOf, type AlertInstance } from './alert-rules.js';
import { panelSamples, SignalCache, type Sample } from './panel-series.js';

const NORMAL: Truth = { anomalous: false };
export const DASHBOARD_UIDS = { overview: 'obsynth-service-overview', incidents: 'obsynth-incident-timeline', kubernetes: 'obsynth-kubernetes', aws: 'obsynth-aws' } as const;

/** Formats a sample value the way the Prometheus API does (shortest round-trip string). */
function promValue(v: number): string {
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : v < 0 ? '-Inf' : 'NaN';
  return String(Math.round(v * 1e6) / 1e6);
}

export class GrafanaGenerator implements Generator {
  readonly name = 'grafana';
  readonly source = 'grafana' as const;

  generate(ctx: GenerationContext): void {
    const { world, window } = ctx;
    const step = world.grafanaStepMs;
    const signals = new SignalCache(world, ctx.conditions);
    const samplesAt = new Map<number, Sample[]>();
    const samples = (t: number): Sample[] => {
      let s = samplesAt.get(t);
      if (!s) {
        s = panelSamples(world, ctx.conditions, signals, ctx.incidents, ctx.jobRuns, t);
        samplesAt.set(t, s);
      }
      return s;
    };
    const maxFor = Math.max(...ALERT_RULES.map((r) => r.forSteps));
    for (let t = ceilTo(window.start, step); t < window.end; t += step) {
      const now = samples(t);
      for (const s of now) {
        const body: GrafanaSeriesBody = { metric: s.labels, value: [t / SECOND, promValue(s.value)] };
        ctx.emit('grafana_series', t, s.labels.service ?? s.labels.instance ?? s.labels.node ?? s.labels.queue ?? s.labels.__name__, body, s.cause ? truthOf(s.cause) : NORMAL);
      }
      this.alerts(ctx, t, step, maxFor, samples);
    }
    this.deploys(ctx);
    this.declaredIncidents(ctx);
  }

  /** Alert state changes at t: firing when the condition has held forSteps steps, resolved when it stops. */
  private alerts(ctx: GenerationContext, t: number, step: number, maxFor: number, samples: (t: number) => Sample[]): void {
    const history: Array<Map<string, AlertInstance>> = [];
    for (let k = 0; k <= maxFor; k++) history.push(instancesOf(samples(t - k * step)));
    const firing = (key: string, at: number, rule: (typeof ALERT_RULES)[number]) => {
      for (let k = at; k < at + rule.forSteps; k++) {
        const inst = history[k]?.get(key);
        if (!inst || !breaches(rule, inst.value, inst.labels.service)) return false;
      }
      return true;
    };
    for (const inst of history[0]!.values()) {
      const rule = inst.rule;
      if (rule.forSteps + 1 > history.length) continue;
      const now = firing(inst.key, 0, rule);
      const before = firing(inst.key, 1, rule);
      if (now === before) continue;
      const subject = Object.values(inst.labels).join(', ');
      const text = now
        ? `[FIRING] ${rule.name} ${subject}: ${rule.summary} (value ${promValue(inst.value)})`
        : `[RESOLVED] ${rule.name} ${subject}: back within threshold (value ${promValue(inst.value)})`;
      const body: GrafanaAnnotationBody = {
        dashboardUID: DASHBOARD_UIDS.overview,
        time: t,
        tags: ['alert', rule.name, `severity:${rule.severity}`, now ? 'state:alerting' : 'state:normal', ...Object.entries(inst.labels).map(([k, v]) => `${k}:${v}`)],
        text,
      };
      const cause = inst.cause ?? this.causeNear(ctx, inst, t, step);
      ctx.emit('grafana_annotation', t, inst.labels.service ?? inst.labels.instance ?? inst.labels.node ?? inst.labels.queue ?? rule.name, body, cause ? truthOf(cause, `alert.${rule.name}`) : { anomalous: false, templateId: `alert.${rule.name}` });
    }
  }

  /** A resolved alert's sample no longer carries a cause; look back for the one that fired it. */
  private causeNear(ctx: GenerationContext, inst: AlertInstance, t: number, step: number) {
    const target = inst.labels.service ?? inst.labels.instance;
    if (!target) return undefined;
    for (let k = 1; k <= 5; k++) {
      const a = ctx.conditions.activities(target, t - k * step)[0];
      if (a) return a;
    }
    return undefined;
  }

  private deploys(ctx: GenerationContext): void {
    const { world, window } = ctx;
    for (const r of world.rollouts.rolloutsIn(window.start, window.end)) {
      const service = world.topology.service(r.service);
      const replicas = r.reason === 'bad_release' ? 1 : service.config.replicas;
      const verb = r.reason === 'rollback' ? 'Rolled back' : 'Deployed';
      const incident = r.incidentId ? ctx.incidents.find((i) => i.id === r.incidentId) : undefined;
      const body: GrafanaAnnotationBody = {
        dashboardUID: DASHBOARD_UIDS.overview,
        time: r.start,
        timeEnd: r.start + replicas * r.stepMs + 30 * SECOND,
        tags: ['deploy', `service:${r.service}`, `version:${r.version}`, ...(r.reason === 'rollback' ? ['rollback'] : [])],
        text: `${verb} ${r.service} ${r.version} (${r.commit}) by ${service.config.team}-ci`,
      };
      const truth = incident ? (incident.signature.grafana.includes('deploy_annotation') || r.reason !== 'bad_release' ? truthOfIncident(incident, r.reason === 'bad_release' ? 'onset' : 'recovery', 'deploy') : { anomalous: false, templateId: 'deploy' }) : { anomalous: false, templateId: 'deploy' };
      ctx.emit('grafana_annotation', r.start, r.service, body, truth);
    }
  }

  /** The on-call declares an incident a few minutes after it starts hurting, and closes it after recovery. */
  private declaredIncidents(ctx: GenerationContext): void {
    for (const incident of ctx.incidents) {
      if (!incident.signature.grafana.includes('incident_annotation')) continue;
      const delay = (4 + (hashString(incident.id) % 9)) * MINUTE;
      const t = incident.onset + delay;
      if (t < ctx.window.start || t >= ctx.window.end || t >= incident.end) continue;
      const sev = incident.severity > 0.85 ? 'sev1' : incident.severity > 0.7 ? 'sev2' : 'sev3';
      const body: GrafanaAnnotationBody = {
        dashboardUID: DASHBOARD_UIDS.incidents,
        time: t,
        timeEnd: incident.end + 5 * MINUTE,
        tags: ['incident', sev, `service:${incident.affected[incident.affected.length - 1]?.target ?? incident.rootCause}`],
        text: `Incident declared (${sev}): elevated errors and latency; investigating`,
      };
      ctx.emit('grafana_annotation', t, incident.rootCause, body, truthOfIncident(incident, t < incident.peak ? 'onset' : 'peak', 'incident'));
    }
  }
}

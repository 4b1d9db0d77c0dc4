// Which incidents happen when. Each UTC day is planned on its own from (seed, day), so any
// window can be generated without planning the days before it, and a live replay can go on
// forever. Placed incidents (--incident, --all-incidents) are added on top.
import type { IncidentType, IncidentsFile, ScenarioConfig } from '../config/schema.js';
import { INCIDENT_TYPES } from '../config/schema.js';
import type { Incident, IncidentDetail } from '../model/incident.js';
import { EDGE_DOMAIN, type Topology } from '../model/topology.js';
import { cumulativeWeights, Rng } from '../random/rng.js';
import { DAY, MINUTE, SECOND, type TimeWindow, utcDate } from '../time/calendar.js';
import { propagate } from './propagation.js';
import { calver } from '../simulation/releases.js';

export interface PlannerOptions {
  readonly seed: number;
  readonly perDay: number;
  readonly minGapMs: number;
}

export interface PlacedIncident {
  readonly type: IncidentType;
  readonly at: number;
  /** Optional root cause; otherwise drawn from the scenario's targets. */
  readonly target?: string;
}

export class IncidentPlanner {
  private readonly types: IncidentType[];
  private readonly typeWeights: number[];
  private readonly longestMs: number;
  private readonly dayCache = new Map<number, Incident[]>();

  constructor(
    private readonly scenarios: IncidentsFile['scenarios'],
    private readonly topology: Topology,
    private readonly options: PlannerOptions,
  ) {
    this.types = INCIDENT_TYPES.filter((t) => (scenarios[t]?.weight ?? 0) > 0);
    this.typeWeights = cumulativeWeights(this.types.map((t) => scenarios[t]!.weight));
    this.longestMs = Math.max(0, ...INCIDENT_TYPES.map((t) => (scenarios[t]?.duration_mins[1] ?? 0) * MINUTE));
  }

  scenario(type: IncidentType): ScenarioConfig {
    const s = this.scenarios[type];
    if (!s) throw new Error(`scenario ${type} is not configured`);
    return s;
  }

  /** The longest any incident can last including propagation delays (for look-back). */
  get lookBackMs(): number {
    return this.longestMs + 30 * MINUTE;
  }

  /** Incidents drawn at random for one UTC day (onsets inside the day), sorted by onset. */
  planDay(day: number): Incident[] {
    const cached = this.dayCache.get(day);
    if (cached) return cached;
    const out: Incident[] = [];
    if (this.types.length > 0 && this.options.perDay > 0) {
      const rng = Rng.derive(this.options.seed, 'incidents', day);
      const count = rng.poisson(this.options.perDay);
      const drafts: Array<{ type: IncidentType; at: number; target: string; rng: Rng }> = [];
      for (let n = 0; n < count; n++) {
        const type = rng.pickWeighted(this.types, this.typeWeights);
        const scenario = this.scenario(type);
        const target = rng.pick(scenario.targets);
        // A few tries to keep the same trouble from overlapping itself on one target.
        for (let attempt = 0; attempt < 4; attempt++) {
          const at = day * DAY + Math.floor(rng.next() * (DAY / SECOND)) * SECOND;
          const clash = drafts.some(
            (d) => d.type === type && d.target === target && Math.abs(d.at - at) < this.options.minGapMs + scenario.duration_mins[1] * MINUTE,
          );
          if (!clash) {
            drafts.push({ type, at, target, rng: rng.fork('incident', n) });
            break;
          }
        }
      }
      drafts.sort((a, b) => a.at - b.at || a.type.localeCompare(b.type));
      drafts.forEach((d, i) => out.push(this.build(`inc-${utcDate(d.at).replaceAll('-', '')}-${String(i + 1).padStart(2, '0')}`, d.type, d.at, d.target, d.rng, false)));
    }
    if (this.dayCache.size >= 1024) this.dayCache.delete(this.dayCache.keys().next().value as number);
    this.dayCache.set(day, out);
    return out;
  }

  /** An incident the user asked for. `index` keeps ids unique. */
  place(placed: PlacedIncident, index: number): Incident {
    const scenario = this.scenario(placed.type);
    const rng = Rng.derive(this.options.seed, 'placed', index, placed.type, placed.at);
    const target = placed.target ?? rng.pick(scenario.targets);
    return this.build(`inc-${utcDate(placed.at).replaceAll('-', '')}-p${String(index + 1).padStart(2, '0')}`, placed.type, placed.at, target, rng, true);
  }

  /** One of each type, spread evenly over the window (for --all-incidents). */
  spreadAllTypes(window: TimeWindow): PlacedIncident[] {
    const span = window.end - window.start;
    const types = INCIDENT_TYPES.filter((t) => this.scenarios[t]);
    return types.map((type, i) => ({ type, at: Math.floor((window.start + ((i + 0.5) * span) / types.length) / SECOND) * SECOND }));
  }

  /** Every incident active during the window: random ones from the days around it, plus placed ones. */
  incidentsFor(window: TimeWindow, placed: readonly Incident[] = []): Incident[] {
    const first = Math.floor((window.start - this.lookBackMs) / DAY);
    const last = Math.floor((window.end - 1) / DAY);
    const all: Incident[] = [];
    for (let d = first; d <= last; d++) all.push(...this.planDay(d));
    all.push(...placed);
    // Callers feel an incident until its end plus their propagation delay.
    const tail = (i: Incident) => i.end + Math.max(0, ...i.affected.map((a) => a.delayMs));
    return all.filter((i) => tail(i) > window.start && i.onset < window.end).sort((a, b) => a.onset - b.onset || a.id.localeCompare(b.id));
  }

  private build(id: string, type: IncidentType, onset: number, root: string, rng: Rng, placed: boolean): Incident {
    const scenario = this.scenario(type);
    const [minDur, maxDur] = scenario.duration_mins;
    const duration = Math.round(rng.between(minDur, maxDur) * MINUTE);
    const peak = onset + Math.round(duration * scenario.onset_fraction);
    const recoveryStart = onset + Math.round(duration * (1 - scenario.recovery_fraction));
    const affected = propagate(this.topology, root, scenario.propagation, rng);
    return {
      id,
      type,
      rootCause: root,
      affected,
      onset,
      peak: Math.min(peak, recoveryStart),
      recoveryStart,
      end: onset + duration,
      severity: Math.round(rng.between(0.6, 1) * 100) / 100,
      shape: scenario.shape,
      recovery: scenario.recovery,
      effects: scenario.effects,
      signature: scenario.signature,
      detail: this.detail(type, root, onset, rng),
      placed,
    };
  }

  private detail(type: IncidentType, root: string, onset: number, rng: Rng): IncidentDetail {
    const nodes = this.topology.nodes;
    switch (type) {
      case 'bad_deployment':
        return { badVersion: calver(onset), failureMode: rng.chance(0.5) ? 'image_pull' : 'crash_loop' };
      case 'network_partition':
        return { zone: rng.pick([...new Set(nodes.map((n) => n.zone))].sort()) };
      case 'disk_full':
        return { node: rng.pick(nodes).name };
      case 'certificate_expiry': {
        const ds = this.topology.datastore(root);
        return { certificateHost: ds?.config.host ?? EDGE_DOMAIN };
      }
      default:
        return {};
    }
  }
}

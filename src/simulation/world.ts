// Everything that stays the same for a whole run, built once per worker from the validated
// configuration and the run's options: the shop, its traffic, its incidents and rollouts.
import type { LoadedConfig } from '../config/load.js';
import type { GenerationFile } from '../config/schema.js';
import { IncidentPlanner, type PlacedIncident } from '../incidents/planner.js';
import type { Incident } from '../model/incident.js';
import type { Source } from '../model/record.js';
import { Topology } from '../model/topology.js';
import { hashString, hashUnit } from '../random/rng.js';
import { DAY, MINUTE, SECOND, type TimeWindow } from '../time/calendar.js';
import { TrafficModel } from '../traffic/traffic-model.js';
import { TrafficFlow } from './flow.js';
import { JobSchedule } from './jobs.js';
import { infraPods, PodHealth } from './pod-health.js';
import { RolloutPlanner, type Pod } from './rollouts.js';

/** What a run was asked to do (CLI options after validation). */
export interface RunOptions {
  readonly seed: number;
  readonly start: number;
  readonly end: number;
  readonly sources: readonly Source[];
  readonly volumeMultiplier: number;
  readonly incidentsPerDay: number;
  readonly placed: readonly PlacedIncident[];
}

/** Config values a worker needs; plain data so it crosses thread boundaries. */
export type WorldConfig = Pick<LoadedConfig, 'services' | 'incidents' | 'generation'>;

const CW_PERIODS = [60, 30, 10, 5, 1];

export class World {
  readonly topology: Topology;
  readonly traffic: TrafficModel;
  readonly flow: TrafficFlow;
  readonly planner: IncidentPlanner;
  readonly rollouts: RolloutPlanner;
  readonly jobs: JobSchedule;
  readonly generation: GenerationFile;
  readonly placedIncidents: readonly Incident[];
  /** Pods of in-cluster datastores (RabbitMQ, CoreDNS) by datastore name. */
  readonly infraPods: ReadonlyMap<string, Pod[]>;
  readonly podHealth: PodHealth;
  readonly sources: ReadonlySet<Source>;
  /** Sampling interval of each metric family, shortened as the volume multiplier grows. */
  readonly cloudwatchPeriodMs: number;
  readonly grafanaStepMs: number;
  readonly podMetricsIntervalMs: number;
  private readonly skewByNode = new Map<string, number>();

  constructor(
    readonly config: WorldConfig,
    readonly options: RunOptions,
  ) {
    this.generation = config.generation;
    this.topology = new Topology(config.services);
    this.traffic = new TrafficModel(config.generation.traffic, options.seed);
    this.flow = new TrafficFlow(this.topology);
    this.planner = new IncidentPlanner(config.incidents.scenarios, this.topology, {
      seed: options.seed,
      perDay: options.incidentsPerDay,
      minGapMs: config.generation.incidents.min_gap_mins * MINUTE,
    });
    this.placedIncidents = options.placed.map((p, i) => this.planner.place(p, i));
    this.rollouts = new RolloutPlanner(
      this.topology,
      options.seed,
      config.generation.traffic.utc_offset_minutes,
      (day) => [...this.planner.planDay(day), ...this.placedIncidents.filter((i) => Math.floor(i.onset / DAY) === day)],
      this.planner.lookBackMs,
    );
    this.infraPods = infraPods(this.topology, options.seed);
    this.podHealth = new PodHealth(this.topology, this.rollouts, this.infraPods);
    this.jobs = new JobSchedule(config.generation.traffic.jobs, config.generation.traffic.utc_offset_minutes);
    this.sources = new Set(options.sources);
    const m = Math.max(options.volumeMultiplier, 1e-9);
    const cwBase = config.generation.sources.cloudwatch.period_secs;
    this.cloudwatchPeriodMs = (CW_PERIODS.find((p) => p <= cwBase / Math.max(1, m)) ?? 1) * SECOND;
    this.grafanaStepMs = Math.max(1, Math.round(config.generation.sources.grafana.step_secs / Math.max(1, m))) * SECOND;
    this.podMetricsIntervalMs = Math.max(1, Math.round(60 / Math.max(1, m))) * SECOND;
    // The configured share of hosts (at least one when the share is above zero) runs a
    // skewed clock; which ones follows from the seed.
    const { hosts, max_ms } = config.generation.realism.clock_skew;
    const ranked = this.topology.nodes.map((n) => ({ name: n.name, key: hashString(n.name, options.seed) })).sort((a, b) => hashUnit(a.key, 1) - hashUnit(b.key, 1));
    const skewedCount = hosts > 0 ? Math.max(1, Math.round(hosts * ranked.length)) : 0;
    ranked.forEach((n, i) => {
      const offset = i < skewedCount ? Math.round((hashUnit(n.key, 2) * 2 - 1) * max_ms) : 0;
      this.skewByNode.set(n.name, offset === 0 && i < skewedCount ? 1 : offset);
    });
  }

  /** All incidents (random and placed) active at some point in the window. */
  incidentsFor(window: TimeWindow): Incident[] {
    return this.planner.incidentsFor(window, this.placedIncidents);
  }

  /** Incidents whose onset lies in the run's range: the ground truth of this run. */
  incidentsOfRun(): Incident[] {
    const { start, end } = this.options;
    return this.incidentsFor({ start, end }).filter((i) => i.onset >= start && i.onset < end);
  }

  /** How far a node's clock is off (ms); records stamped on that node carry it. */
  skewMs(node: string): number {
    return this.skewByNode.get(node) ?? 0;
  }

  has(source: Source): boolean {
    return this.sources.has(source);
  }
}

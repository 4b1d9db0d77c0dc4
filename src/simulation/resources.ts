// CPU demand of a service's pods: a share of the request that follows traffic, multiplied by
// incidents and periodic jobs. Shared by Kubernetes pod metrics, Container Insights and Grafana
// saturation panels so all three tell the same story.
import type { Service } from '../model/topology.js';
import { hashString, smoothNoise } from '../random/rng.js';
import { MINUTE } from '../time/calendar.js';
import type { Condition } from './conditions.js';
import { jobLoad, type JobRun } from './jobs.js';
import type { World } from './world.js';

export interface CpuReading {
  /** Cores the container would use without a limit. */
  readonly demandCores: number;
  /** Cores it gets (capped by the limit). */
  readonly usedCores: number;
  /** Share of CFS periods throttled. */
  readonly throttled: number;
}

export function cpuOf(world: World, service: Service, podName: string, t: number, cond: Condition, jobRuns: readonly JobRun[]): CpuReading {
  const res = service.config.resources;
  const request = res.cpu_request_millicores / 1000;
  const limit = res.cpu_limit_millicores / 1000;
  const load = world.traffic.factor(t);
  const noise = 1 + 0.12 * smoothNoise(hashString(podName), t, 4 * MINUTE);
  const jobs = jobLoad(jobRuns, service.name, t);
  const demand = request * (0.12 + 0.38 * load) * noise * cond.cpuFactor * jobs.cpu;
  const used = Math.min(limit, demand);
  const throttledByLimit = demand > limit ? 1 - limit / demand : demand > limit * 0.8 ? 0.02 : 0;
  return { demandCores: demand, usedCores: used, throttled: Math.min(0.95, Math.max(throttledByLimit, cond.throttleRatio)) };
}

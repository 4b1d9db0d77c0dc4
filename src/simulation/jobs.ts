// Periodic jobs (nightly batches, cron tasks): when each run starts and what it does to load.
import type { JobConfig } from '../config/schema.js';
import { type CronSchedule, parseCron } from '../time/cron.js';
import { MINUTE, floorTo } from '../time/calendar.js';
import { hashInts, hashString, hex32 } from '../random/rng.js';

export interface JobRun {
  readonly job: JobConfig;
  readonly start: number;
  readonly end: number;
}

export class JobSchedule {
  private readonly schedules: Array<{ job: JobConfig; cron: CronSchedule }>;
  private readonly longestMs: number;

  constructor(jobs: readonly JobConfig[], utcOffsetMinutes: number) {
    this.schedules = jobs.map((job) => ({ job, cron: parseCron(job.schedule, utcOffsetMinutes) }));
    this.longestMs = Math.max(0, ...jobs.map((j) => j.duration_mins * MINUTE));
  }

  /** Runs active at any point in [start, end), in start order. */
  runsOverlapping(start: number, end: number): JobRun[] {
    const runs: JobRun[] = [];
    for (let m = floorTo(start - this.longestMs, MINUTE); m < end; m += MINUTE) {
      for (const { job, cron } of this.schedules) {
        if (!cron.matches(m)) continue;
        const run = { job, start: m, end: m + job.duration_mins * MINUTE };
        if (run.end > start) runs.push(run);
      }
    }
    return runs;
  }
}

/** CPU and database load multipliers from the runs active at t. */
export function jobLoad(runs: readonly JobRun[], service: string, t: number): { cpu: number; db: number } {
  let cpu = 1;
  let db = 1;
  for (const r of runs) {
    if (t < r.start || t >= r.end) continue;
    if (r.job.service === service) cpu *= r.job.cpu_factor;
    db *= r.job.db_load_factor;
  }
  return { cpu, db };
}

/** The pod a CronJob run creates (job name carries the scheduled minute, as the controller names it). */
export interface JobPodInfo {
  readonly jobName: string;
  readonly podName: string;
  readonly uid: string;
  readonly nodeIndex: number;
  readonly containerId: string;
}

export function jobPodOf(run: JobRun, seed: number): JobPodInfo {
  const minutes = Math.floor(run.start / MINUTE);
  const jobName = `${run.job.name}-${minutes}`;
  const h = hashInts(seed, hashString(jobName));
  const hex = hex32(h) + hex32(hashInts(h, 1)) + hex32(hashInts(h, 2)) + hex32(hashInts(h, 3));
  return {
    jobName,
    podName: `${jobName}-${hex.slice(0, 5).replace(/[aeiou01]/g, 'x')}`,
    uid: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`,
    nodeIndex: h >>> 4,
    containerId: hex + hex32(hashInts(h, 4)) + hex32(hashInts(h, 5)) + hex32(hashInts(h, 6)) + hex32(hashInts(h, 7)),
  };
}

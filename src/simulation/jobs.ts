// Periodic jobs (nightly batches, cron tasks): when each run starts and what it does to load.
import type { JobConfig } from '../config/schema.js';
import { type CronSchedule, parseCron } from '../time/cron.js';
import { MINUTE, floorTo } from '../time/calendar.js';

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

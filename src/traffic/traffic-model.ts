// How busy the shop is at a moment: a daily curve with peaks, quieter weekends, monthly
// seasons, named special days and slow noise. A pure function of time, normalised so that an
// ordinary weekday in a month with factor 1 averages to 1.
import type { GenerationFile } from '../config/schema.js';
import { MONTH_KEYS } from '../config/schema.js';
import { hashString, smoothNoise } from '../random/rng.js';
import { dayOfWeek, hourOfDay, MINUTE, monthOf } from '../time/calendar.js';

export type TrafficConfig = GenerationFile['traffic'];

export class TrafficModel {
  private readonly diurnalNorm: number;
  private readonly noiseKey: number;
  private readonly monthFactors: number[];
  private readonly specialDays: Map<string, number>;

  constructor(
    private readonly config: TrafficConfig,
    seed: number,
  ) {
    let sum = 0;
    for (let m = 0; m < 1440; m++) sum += this.diurnalRaw(m / 60);
    this.diurnalNorm = sum / 1440;
    this.noiseKey = hashString('traffic-noise', seed);
    this.monthFactors = MONTH_KEYS.map((k) => config.seasonal_factors[k] ?? 1);
    this.specialDays = new Map(config.special_days.map((d) => [d.date, d.factor]));
  }

  get utcOffsetMinutes(): number {
    return this.config.utc_offset_minutes;
  }

  /** Requests per second at the load balancer. */
  requestsPerSecond(t: number): number {
    return this.config.requests_per_second * this.factor(t);
  }

  /** Load relative to an ordinary weekday average (1 = average). */
  factor(t: number): number {
    return this.baseFactor(t) * (1 + this.config.noise.amplitude * smoothNoise(this.noiseKey, t, this.config.noise.period_mins * MINUTE));
  }

  /** The same without noise: what an ideal day looks like (for plots and expectations). */
  baseFactor(t: number): number {
    const offset = this.config.utc_offset_minutes;
    const diurnal = this.diurnalRaw(hourOfDay(t, offset)) / this.diurnalNorm;
    const dow = dayOfWeek(t, offset);
    const weekly = dow === 0 || dow === 6 ? this.config.weekend_factor : 1;
    const seasonal = this.monthFactors[monthOf(t, offset)] ?? 1;
    return diurnal * weekly * seasonal * this.specialDayFactor(t);
  }

  private specialDayFactor(t: number): number {
    if (this.specialDays.size === 0) return 1;
    const d = new Date(t + this.config.utc_offset_minutes * MINUTE);
    const key = `${String(d.getUTCMonth() + 1).padStart(2, '0')}-${String(d.getUTCDate()).padStart(2, '0')}`;
    return this.specialDays.get(key) ?? 1;
  }

  /** Trough plus a gaussian bump per peak hour (wrapping round midnight). */
  private diurnalRaw(hour: number): number {
    let bump = 0;
    for (const p of this.config.peak_hours) {
      let d = Math.abs(hour - p.hour);
      if (d > 12) d = 24 - d;
      bump = Math.max(bump, p.weight * Math.exp(-(d * d) / (2 * p.width_hours * p.width_hours)));
    }
    const t = this.config.trough_factor;
    return t + (1 - t) * bump;
  }
}

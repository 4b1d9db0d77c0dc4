// A clock for tests: sleeping advances virtual time at once, so schedules can be checked exactly.
import type { Clock } from '../../src/time/clock.js';

export class FakeClock implements Clock {
  slept = 0;
  constructor(public t: number) {}
  now(): number {
    return this.t;
  }
  monotonic(): number {
    return this.t;
  }
  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw signal.reason;
    this.t += Math.max(0, ms);
    this.slept += Math.max(0, ms);
    await Promise.resolve();
  }
}

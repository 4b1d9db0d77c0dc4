// One sink's lane: records are batched (by count and by time), one batch is in flight at a
// time, and the queue in front is bounded, so a slow backend slows the replay instead of
// growing memory. Delivery is in order, which is what makes a per-sink checkpoint exact.
import type { Clock } from '../time/clock.js';
import { writeWithRetry, type RetryPolicy } from '../sinks/retrying.js';
import type { ReplayRecord, Sink } from '../sinks/sink.js';

export interface BatchPolicy {
  readonly maxRecords: number;
  /** Send a partial batch once its first record has waited this long. */
  readonly timeoutMs: number;
  /** Records waiting (queued batches + the open one) before offer() makes the caller wait. */
  readonly maxQueuedRecords: number;
}

export const DEFAULT_BATCH: BatchPolicy = { maxRecords: 1000, timeoutMs: 1000, maxQueuedRecords: 10_000 };

export interface ChannelStats {
  delivered: number;
  rejected: number;
  rejectedByReason: Record<string, number>;
  retries: number;
  batches: number;
  /** Highest seq delivered or rejected (everything up to it is settled, in order). */
  settledSeq: number;
  /** Rebased event time of the last settled record. */
  lastTime: number;
  lastError?: string;
}

/** A lane stops when a batch keeps failing (backend down): the replay ends, to be resumed. */
export class ChannelStopped extends Error {}

export class SinkChannel {
  readonly stats: ChannelStats;
  private open: ReplayRecord[] = [];
  private openSince = 0;
  private readonly ready: ReplayRecord[][] = [];
  private queued = 0;
  private running: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private spaceWaiters: Array<() => void> = [];
  private stopped: Error | undefined;

  constructor(
    readonly sink: Sink,
    private readonly batch: BatchPolicy,
    private readonly retry: RetryPolicy,
    private readonly clock: Clock,
    settledSeq: number,
    private readonly onSettled: (channel: SinkChannel) => void,
    private readonly signal?: AbortSignal,
  ) {
    this.stats = { delivered: 0, rejected: 0, rejectedByReason: {}, retries: 0, batches: 0, settledSeq, lastTime: 0 };
  }

  /** Queues a record; resolves once there is room (back-pressure). Throws if the lane stopped. */
  async offer(r: ReplayRecord): Promise<void> {
    if (this.stopped) throw this.stopped;
    if (this.open.length === 0) {
      this.openSince = this.clock.monotonic();
      this.armTimer();
    }
    this.open.push(r);
    this.queued++;
    if (this.open.length >= this.batch.maxRecords) this.seal();
    while (this.queued >= this.batch.maxQueuedRecords && !this.stopped) await new Promise<void>((resolve) => this.spaceWaiters.push(resolve));
    if (this.stopped) throw this.stopped;
  }

  /** Sends what is open and waits until everything queued has settled. */
  async drain(): Promise<void> {
    this.seal();
    while (this.running) await this.running;
    if (this.stopped) throw this.stopped;
  }

  get error(): Error | undefined {
    return this.stopped;
  }

  private armTimer(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.open.length > 0 && this.clock.monotonic() - this.openSince >= this.batch.timeoutMs - 1) this.seal();
      else if (this.open.length > 0) this.armTimer();
    }, this.batch.timeoutMs);
    this.timer.unref?.();
  }

  private seal(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.open.length > 0) {
      this.ready.push(this.open);
      this.open = [];
    }
    if (!this.running && this.ready.length > 0) this.running = this.pump().finally(() => (this.running = undefined));
  }

  private async pump(): Promise<void> {
    while (this.ready.length > 0 && !this.stopped) {
      const batch = this.ready.shift()!;
      const result = await writeWithRetry(this.sink, batch, this.retry, this.clock, { onRetry: () => this.stats.retries++ }, this.signal).catch((err: unknown) => ({
        status: 'failure' as const,
        exhausted: true,
        error: err instanceof Error ? err : new Error(String(err)),
      }));
      if (result.status === 'failure' && result.exhausted) {
        // Nothing of this batch is settled: stop here so a resumed replay sends it again.
        this.stopped = new ChannelStopped(`${this.sink.name}: ${result.error.message}`);
        this.stats.lastError = result.error.message;
        break;
      }
      this.stats.batches++;
      const rejected = result.status === 'failure' ? batch.map((r) => ({ seq: r.seq, reason: result.error.message })) : result.status === 'success' ? (result.rejected ?? []) : [];
      for (const rej of rejected) {
        const reason = rej.reason.length > 160 ? `${rej.reason.slice(0, 157)}...` : rej.reason;
        this.stats.rejectedByReason[reason] = (this.stats.rejectedByReason[reason] ?? 0) + 1;
      }
      if (result.status === 'failure') this.stats.lastError = result.error.message;
      this.stats.rejected += rejected.length;
      this.stats.delivered += batch.length - rejected.length;
      const last = batch[batch.length - 1]!;
      this.stats.settledSeq = last.seq;
      this.stats.lastTime = last.time;
      this.queued -= batch.length;
      this.onSettled(this);
      this.wake();
    }
    this.wake();
  }

  private wake(): void {
    const waiters = this.spaceWaiters;
    this.spaceWaiters = [];
    for (const w of waiters) w();
  }
}

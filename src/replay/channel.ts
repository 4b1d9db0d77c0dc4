// One sink's lane: records are batched (by count and by time), one batch is in flight at a
// time (or the few the sink allows), and the queue in front is bounded, so a slow backend
// slows the replay instead of growing memory. Batches settle in order, which is what makes a
// per-sink checkpoint exact.
import type { Clock } from '../time/clock.js';
import { writeWithRetry, type RetryPolicy } from '../sinks/retrying.js';
import type { ReplayRecord, Sink, WriteResult } from '../sinks/sink.js';

export interface BatchPolicy {
  readonly maxRecords: number;
  /** Send a partial batch once its first record has waited this long. */
  readonly timeoutMs: number;
  /** Records waiting (queued batches + the open one) before offer() makes the caller wait. */
  readonly maxQueuedRecords: number;
}

/** Five batches queued: enough to keep a sink busy; more only holds records longer (and a
 * replay's heap grows with what it holds long). */
export const DEFAULT_BATCH: BatchPolicy = { maxRecords: 1000, timeoutMs: 1000, maxQueuedRecords: 5000 };

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
  /** Batches being written, oldest first (they settle in this order). */
  private readonly inFlight: Array<{ batch: ReplayRecord[]; result: Promise<WriteResult> }> = [];
  private queued = 0;
  private running: Promise<void> | undefined;
  /** True while pump() runs (seal() then only starts more writes). */
  private pumping = false;
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

  /**
   * Queues a record. Returns nothing when there is room for more, else a promise that resolves
   * once there is (back-pressure): the caller awaits only then. Throws if the lane stopped.
   */
  offer(r: ReplayRecord): Promise<void> | undefined {
    if (this.stopped) throw this.stopped;
    if (this.open.length === 0) {
      this.openSince = this.clock.monotonic();
      this.armTimer();
    }
    this.open.push(r);
    this.queued++;
    if (this.open.length >= this.batch.maxRecords) this.seal();
    return this.queued >= this.batch.maxQueuedRecords ? this.room() : undefined;
  }

  private async room(): Promise<void> {
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
    if (this.pumping) this.dispatch();
    else if (this.ready.length > 0) {
      this.pumping = true;
      const run: Promise<void> = this.pump().finally(() => {
        if (this.running === run) this.running = undefined;
      });
      this.running = run;
    }
  }

  /** Starts writes for ready batches while the sink has room for more in flight. */
  private dispatch(): void {
    const limit = Math.max(1, this.sink.batchesInFlight ?? 1);
    while (this.inFlight.length < limit && this.ready.length > 0 && !this.stopped) {
      const batch = this.ready.shift()!;
      const result = writeWithRetry(this.sink, batch, this.retry, this.clock, { onRetry: () => this.stats.retries++ }, this.signal).catch((err: unknown) => ({
        status: 'failure' as const,
        exhausted: true,
        error: err instanceof Error ? err : new Error(String(err)),
      }));
      this.inFlight.push({ batch, result });
    }
  }

  private async pump(): Promise<void> {
    const inFlight = this.inFlight;
    try {
      this.dispatch();
      while (inFlight.length > 0 && !this.stopped) {
        // Settled in order: a later batch that got through first waits for the earlier one.
        const { batch, result: pending } = inFlight[0]!;
        const result = await pending;
        inFlight.shift();
        if (result.status === 'failure' && result.exhausted) {
          // Nothing of this batch (or after it) is settled: stop here so a resumed replay sends it again.
          this.stopped = new ChannelStopped(`${this.sink.name}: ${result.error.message}`);
          this.stats.lastError = result.error.message;
          await Promise.all(inFlight.map((f) => f.result));
          inFlight.length = 0;
          break;
        }
        this.settle(batch, result);
        this.dispatch();
      }
    } finally {
      // Cleared in the same turn the loop ends (no await between): a batch sealed after this
      // starts a new pump instead of waiting in flight with no one to settle it.
      this.pumping = false;
      this.wake();
    }
  }

  private settle(batch: readonly ReplayRecord[], result: WriteResult): void {
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

  private wake(): void {
    const waiters = this.spaceWaiters;
    this.spaceWaiters = [];
    for (const w of waiters) w();
  }
}

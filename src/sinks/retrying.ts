// The retry loop around one batch: jittered exponential backoff, at least the server's
// Retry-After, under a deadline. Classification is the sink's job (retryable.ts helps).
import { Rng } from '../random/rng.js';
import type { Clock } from '../time/clock.js';
import type { ReplayRecord, Sink, WriteResult } from './sink.js';

export interface RetryPolicy {
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
  readonly multiplier: number;
  /** Give up on a batch after this long. */
  readonly deadlineMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { initialBackoffMs: 200, maxBackoffMs: 30_000, multiplier: 2, deadlineMs: 10 * 60_000 };

export interface RetryObserver {
  onRetry?(attempt: number, delayMs: number, reason: string): void;
}

/** Writes a batch, retrying retryable failures; returns the last result. */
export async function writeWithRetry(sink: Sink, batch: readonly ReplayRecord[], policy: RetryPolicy, clock: Clock, observer: RetryObserver = {}, signal?: AbortSignal): Promise<WriteResult> {
  const started = clock.monotonic();
  // Jitter needs randomness but not the generation's: a stream of its own.
  const rng = Rng.derive(batch[0]?.seq ?? 0, 'retry', sink.name);
  let backoff = policy.initialBackoffMs;
  for (let attempt = 1; ; attempt++) {
    const result = await sink.write(batch, signal);
    if (result.status !== 'retryable') return result;
    const elapsed = clock.monotonic() - started;
    // Full jitter around the exponential step, never below what the server asked for.
    let delay = Math.round(backoff * (0.5 + rng.next()));
    if (result.retryAfterMs !== undefined) delay = Math.max(delay, result.retryAfterMs);
    if (elapsed + delay > policy.deadlineMs) {
      return { status: 'failure', exhausted: true, error: new Error(`gave up after ${attempt} attempt(s) in ${Math.round(elapsed / 1000)} s: ${result.error.message}`) };
    }
    observer.onRetry?.(attempt, delay, result.error.message);
    await clock.sleep(delay, signal);
    backoff = Math.min(policy.maxBackoffMs, backoff * policy.multiplier);
  }
}

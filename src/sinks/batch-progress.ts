// What a sink that sends one batch in several calls got through, across retries of that batch:
// a retry skips the records already accepted, and rejections seen by calls that are not made
// again are still reported when the batch finally succeeds.
import type { Rejection } from './sink.js';

export class BatchProgress {
  private readonly done = new Set<number>();
  private readonly rejections: Rejection[] = [];

  /** Already accepted (or rejected for good) by an earlier attempt at this batch. */
  has(seq: number): boolean {
    return this.done.has(seq);
  }

  accept(seq: number): void {
    this.done.add(seq);
  }

  /** Settled for good, refused by the backend. */
  reject(seq: number, reason: string): void {
    this.rejections.push({ seq, reason });
    this.done.add(seq);
  }

  /** The batch went through: the rejections its attempts collected; a clean slate for the next batch. */
  finish(): Rejection[] {
    const out = [...this.rejections];
    this.done.clear();
    this.rejections.length = 0;
    return out;
  }
}

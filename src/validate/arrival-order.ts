// Arrival order within one file: the file order is the order records reached the store, so a
// record stamped earlier than one before it arrived late. That is fine when its label says so
// (late_ms), when it is a re-delivery (duplicate, up to the configured lateness), or when the
// two hosts' clocks disagree by the skew their labels declare. Anything beyond is disorder.

export interface OrderVerdict {
  /** How far behind the latest timestamp seen so far (0 when in order). */
  readonly lagMs: number;
  readonly allowedMs: number;
}

export class ArrivalOrder {
  private high = Number.NEGATIVE_INFINITY;
  private highSkew = 0;

  constructor(
    private readonly maxLateMs: number,
    private readonly maxSkewMs = 0,
  ) {}

  /**
   * Checks one record (in file order) and returns its lag and what its label allows. Without a
   * label (none, or not lined up with the record) only the configured maxima can be allowed.
   */
  observe(timestamp: number, label: { late_ms?: number; skew_ms?: number; duplicate?: true } | undefined): OrderVerdict {
    const skew = label?.skew_ms ?? 0;
    const lag = this.high - timestamp;
    let verdict: OrderVerdict = { lagMs: 0, allowedMs: 0 };
    if (lag > 0) {
      const allowed = label
        ? (label.late_ms ?? 0) + (label.duplicate ? this.maxLateMs : 0) + Math.max(0, this.highSkew - skew)
        : this.maxLateMs + 2 * this.maxSkewMs;
      verdict = { lagMs: lag, allowedMs: allowed };
    }
    if (timestamp > this.high) {
      this.high = timestamp;
      this.highSkew = skew;
    }
    return verdict;
  }
}

// Sends metric records with Prometheus remote write 1.0 (snappy-compressed protobuf WriteRequest,
// X-Prometheus-Remote-Write-Version: 0.1.0) to Prometheus' receiver or anything that speaks it.
//
// Prometheus appends a 1.0 request as one transaction: a single sample it refuses (out of bounds,
// out of order, duplicate, too old) rolls the whole request back and answers 400 with only the
// error's text, not the sample (storage/remote/write_handler.go). So on such a 400 the sink splits
// the samples by time and sends the parts again until the refused samples are alone (a binary
// search for the age limit when the refusal is about age): what Prometheus accepts is stored, what
// it refuses is reported per record with the reason. A budget caps the extra requests per batch;
// a part still refused when it is spent is reported refused as a whole (with the reason), never
// dropped silently.
import type { RecordKind } from '../../model/record.js';
import type { Clock } from '../../time/clock.js';
import { authHeader } from '../common-config.js';
import { resultOfError, resultOfStatus, unreachable } from '../retryable.js';
import { success, type Rejection, type ReplayRecord, type Sink, type WriteResult } from '../sink.js';
import type { PrometheusSinkConfig } from './config.js';
import { ProtobufWriter } from '../wire/protobuf-writer.js';
import { buildSamples, PROMETHEUS_KINDS, writeRequestBody, type PromSample } from './write-request.js';

/** Extra requests one batch may spend isolating refused samples (parts already split off are
 * still sent once each: at most about SPLIT_BUDGET + log2(samples) requests per batch). */
export const SPLIT_BUDGET = 64;
const BUDGET_NOTE = ' [refused with its part: split budget spent]';
/** Prometheus refuses samples more than 10 minutes ahead of its clock (also "out of bounds"). */
const FUTURE_SLACK_MS = 10 * 60_000;

const OUT_OF_BOUNDS = 'prometheus: out of bounds (older than the head block allows, or too far ahead of now)';
const TOO_OLD = 'prometheus: too old sample (older than the out-of-order window)';
const AGE_REASONS = new Set([OUT_OF_BOUNDS, TOO_OLD]);

const SAMPLE_ERRORS: ReadonlyArray<readonly [RegExp, string]> = [
  [/out of bounds/i, OUT_OF_BOUNDS],
  [/too old sample/i, TOO_OLD],
  [/out of order sample/i, 'prometheus: out of order sample (older than the newest sample of its series)'],
  [/duplicate sample for timestamp/i, 'prometheus: duplicate sample for timestamp (another value at the same time)'],
];

/** The per-sample reason a refusal states, if it is one (400, or 500 from older releases). */
export function sampleErrorReason(status: number, body: string): string | undefined {
  if (status !== 400 && status !== 500) return undefined;
  return SAMPLE_ERRORS.find(([re]) => re.test(body))?.[1];
}

export interface PrometheusSinkOptions {
  readonly name: string;
  readonly kinds?: readonly RecordKind[];
  readonly clock: Clock;
  readonly timeoutMs: number;
}

interface Response {
  readonly status: number;
  readonly text: string;
  readonly retryAfter: string | null;
}

export class PrometheusSink implements Sink {
  readonly name: string;
  readonly kinds: ReadonlySet<RecordKind>;
  private readonly headers: Record<string, string>;
  private readonly extraLabels: ReadonlyArray<readonly [string, string]>;
  private readonly writer = new ProtobufWriter();
  private closed = false;
  /** Requests made by the last write (for tests and the benchmark). */
  lastRequests = 0;

  constructor(
    private readonly config: PrometheusSinkConfig,
    private readonly options: PrometheusSinkOptions,
  ) {
    this.name = options.name;
    this.kinds = new Set(options.kinds ?? PROMETHEUS_KINDS);
    this.headers = {
      'content-type': 'application/x-protobuf',
      'content-encoding': 'snappy',
      'x-prometheus-remote-write-version': '0.1.0',
      'user-agent': 'obsynth',
      ...authHeader(config.auth),
    };
    this.extraLabels = Object.entries(config.labels ?? {});
  }

  /** Prometheus' /-/ready when the URL is Prometheus' write path, then an empty WriteRequest. */
  async healthcheck(signal?: AbortSignal): Promise<void> {
    const url = new URL(this.config.endpoint);
    if (url.pathname.endsWith('/api/v1/write')) {
      url.pathname = `${url.pathname.slice(0, -'/api/v1/write'.length)}/-/ready`;
      url.search = '';
      let res: globalThis.Response;
      let text: string;
      try {
        res = await fetch(url, { headers: authHeader(this.config.auth), signal: this.signal(signal) });
        text = await res.text();
      } catch (err) {
        throw unreachable(url.href, err);
      }
      // 404: not Prometheus itself (Mimir, VictoriaMetrics …): the write below decides.
      if (res.status === 503) throw new Error(`${url.href} answered HTTP 503: ${text.slice(0, 200).trim() || 'not ready'}`);
    }
    const res = await this.post(writeRequestBody([], this.writer), signal).catch((err: unknown) => {
      throw unreachable(this.config.endpoint, err);
    });
    // 429: up and throttling us, which the writes will wait out.
    if ((res.status < 200 || res.status >= 300) && res.status !== 429) throw new Error(`${this.config.endpoint} answered HTTP ${res.status}${res.text ? `: ${res.text.slice(0, 300).trim()}` : ''}`);
  }

  async write(batch: readonly ReplayRecord[], signal?: AbortSignal): Promise<WriteResult> {
    if (this.closed) return { status: 'failure', error: new Error(`${this.name} is closed`) };
    const built = buildSamples(batch, this.extraLabels);
    this.lastRequests = 0;
    if (built.samples.length === 0) return built.rejected.length > 0 ? { status: 'success', rejected: built.rejected } : success;
    // Time order, so a split separates old from new (the usual cause of refusals).
    const samples = [...built.samples].sort((a, b) => a.timestamp - b.timestamp);
    const refused = new Map<PromSample, string>();
    const budget = { left: SPLIT_BUDGET };
    const first = await this.request(samples, signal);
    if (first.result) return first.result;
    if (first.reason) {
      const failed = await this.isolate(samples, first.reason, refused, budget, signal);
      if (failed) return failed;
    }
    if (refused.size === 0 && built.rejected.length === 0) return success;
    const rejected = new Map<number, string>(built.rejected.map((r) => [r.seq, r.reason]));
    for (const [s, reason] of refused) if (!rejected.has(s.seq)) rejected.set(s.seq, reason);
    return { status: 'success', rejected: [...rejected].map(([seq, reason]): Rejection => ({ seq, reason })) };
  }

  /**
   * One request: accepted (nothing), refused per sample (the reason), or a result that ends the
   * batch (throttling, transport errors, other refusals).
   */
  private async request(samples: readonly PromSample[], signal?: AbortSignal): Promise<{ result?: WriteResult; reason?: string }> {
    let res: Response;
    try {
      res = await this.post(writeRequestBody(samples, this.writer), signal);
    } catch (err) {
      return { result: resultOfError(err) };
    }
    if (res.status >= 200 && res.status < 300) return {};
    const reason = sampleErrorReason(res.status, res.text);
    return reason ? { reason } : { result: resultOfStatus(res.status, res.text, res.retryAfter, this.options.clock.now()) };
  }

  /**
   * Finds the refused samples of a (time-sorted) part that was refused with `reason`. Refusals
   * for age (out of bounds, too old) concern every sample older than some time, so a binary search
   * for that time settles the part in about log2(n) requests: the newer side is sent (stored when
   * accepted); when it is refused, everything older than it is refused too. Other refusals (out of
   * order, duplicate) are found by splitting in halves.
   */
  private async isolate(samples: readonly PromSample[], reason: string, refused: Map<PromSample, string>, budget: { left: number }, signal?: AbortSignal): Promise<WriteResult | undefined> {
    const byAge = AGE_REASONS.has(reason) && (samples[samples.length - 1]?.timestamp ?? 0) <= this.options.clock.now() + FUTURE_SLACK_MS;
    if (!byAge) return this.bisect(samples, reason, refused, budget, signal);
    let lo = 0;
    let hi = samples.length;
    while (lo < hi) {
      if (budget.left <= 0) {
        for (const s of samples.slice(lo, hi)) refused.set(s, `${reason}${BUDGET_NOTE}`);
        return undefined;
      }
      const mid = (lo + hi) >> 1;
      budget.left--;
      const probe = await this.request(samples.slice(mid, hi), signal);
      if (probe.result) return probe.result;
      if (!probe.reason) {
        hi = mid;
      } else if (AGE_REASONS.has(probe.reason)) {
        // The oldest sample of the probe is refused for its age: so is everything older.
        for (const s of samples.slice(lo, mid + 1)) refused.set(s, probe.reason);
        lo = mid + 1;
      } else {
        const failed = await this.bisect(samples.slice(mid, hi), probe.reason, refused, budget, signal);
        if (failed) return failed;
        hi = mid;
      }
    }
    return undefined;
  }

  /** Splits a refused part in halves until the refused samples are alone (or the budget is spent). */
  private async bisect(samples: readonly PromSample[], reason: string, refused: Map<PromSample, string>, budget: { left: number }, signal?: AbortSignal): Promise<WriteResult | undefined> {
    if (samples.length === 1 || budget.left < 2) {
      for (const s of samples) refused.set(s, samples.length === 1 ? reason : `${reason}${BUDGET_NOTE}`);
      return undefined;
    }
    const mid = samples.length >> 1;
    for (const half of [samples.slice(mid), samples.slice(0, mid)]) {
      budget.left--;
      const r = await this.request(half, signal);
      if (r.result) return r.result;
      if (r.reason) {
        const failed = await this.bisect(half, r.reason, refused, budget, signal);
        if (failed) return failed;
      }
    }
    return undefined;
  }

  private signal(signal?: AbortSignal): AbortSignal {
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    return signal ? AbortSignal.any([signal, timeout]) : timeout;
  }

  private async post(body: Buffer, signal?: AbortSignal): Promise<Response> {
    this.lastRequests++;
    const res = await fetch(this.config.endpoint, { method: 'POST', headers: this.headers, body, signal: this.signal(signal) });
    const text = await res.text();
    return { status: res.status, text, retryAfter: res.headers.get('retry-after') };
  }

  async flush(): Promise<void> {}

  async close(): Promise<void> {
    this.closed = true;
  }
}

// Sends log-like records as OTLP logs and metric records as OTLP metrics over OTLP/HTTP. Each
// write() says exactly what the receiver said: success only when every request of the batch
// succeeded, retryable on 429/502/503/504 (OTLP/HTTP's retryable statuses) and transport errors
// (with the server's Retry-After), failure otherwise.
//
// A batch goes out as one metrics request and as many log requests as it takes
// (LOG_RECORDS_PER_REQUEST each). Log requests are made on worker threads (log-encoders.ts),
// which take the records as the JSON lines the source read: the replay's thread only reads and
// routes. When some requests got through and others must be retried, the retry (the same batch
// again) sends only those still missing, so nothing arrives twice. (If the replay then stops
// for good, a resumed replay sends the batch whole.)
import { ExportResultCode, type ExportResult, type InstrumentationScope } from '@opentelemetry/core';
import type { RecordKind } from '../../model/record.js';
import { rebaseRecord } from '../../replay/rebase-body.js';
import type { Clock } from '../../time/clock.js';
import { toolVersion } from '../../version.js';
import { OTLP_RETRYABLE_STATUS, resultOfError, resultOfStatus } from '../retryable.js';
import { kindOf, success, type Rejection, type ReplayRecord, type Sink, type WriteResult } from '../sink.js';
import type { OtlpSettings, OtlpSignal } from './config.js';
import { createMetricsExporter, createTransport, type ExporterSettings, type SignalExporter } from './exporters.js';
import { LogEncoders } from './log-encoders.js';
import { signalOfKind } from './kinds.js';
import { MetricMapper, MetricsBatch } from './metrics.js';
import { ResourceCache } from './resources.js';
import { OtlpHttpError, type OtlpHttpTransport, type PartialSuccess } from './transport.js';


export interface OtlpSinkDeps {
  readonly clock: Clock;
  readonly timeoutMs: number;
}

/** The WriteResult for one export's result (classification only; retrying is the caller's). */
export function classifyExport(result: ExportResult, now: number): WriteResult {
  if (result.code === ExportResultCode.SUCCESS) return success;
  const error = result.error ?? new Error('OTLP export failed without an error');
  if (error instanceof OtlpHttpError) {
    const r = resultOfStatus(error.status, error.data ?? '', error.retryAfter, now, OTLP_RETRYABLE_STATUS);
    return { ...r, error } as WriteResult;
  }
  return resultOfError(error);
}

/**
 * Log records per request: a larger batch goes out as several requests, each sent as soon as it
 * is encoded. A request repeats the resource (service, pod, node attributes) of each pod in it,
 * so fewer, larger requests encode less: 1000 replays about 20% faster than 250 did, and a
 * request stays under a megabyte or so, far under receivers' limits (the Collector's is 20 MiB).
 */
export const LOG_RECORDS_PER_REQUEST = 1000;
/** Log requests a worker keeps in flight (the receiver works on them while the next is made). */
const LOG_REQUESTS_IN_FLIGHT = 4;

/** One request's worth of a batch: `logs#0`, `logs#1` ... and `metrics`. */
type PartKey = string;

/** Per-batch progress across retries of the same batch (keyed by the batch array). */
interface BatchState {
  /** Parts the receiver took (or refused for good): a retry does not send them again. */
  readonly settled: Set<PartKey>;
  readonly rejected: Rejection[];
  /** Conversion failures are recorded on the first attempt only. */
  converted: boolean;
}

interface PartOutcome {
  readonly part: PartKey;
  readonly result: WriteResult;
  readonly rejected: readonly Rejection[];
}

export class OtlpSink implements Sink {
  readonly kinds: ReadonlySet<RecordKind>;
  /** OTLP receivers need no order: the next batch is made while the receiver takes the last. */
  readonly batchesInFlight: number;
  private readonly logs?: LogEncoders;
  private readonly metrics?: SignalExporter<ResourceMetricsList>;
  /** Plain transports for the healthcheck (the log exporters live on the workers). */
  private readonly health: Array<{ url: string; transport: OtlpHttpTransport }> = [];
  private readonly metricMapper: MetricMapper;
  private readonly progress = new WeakMap<readonly ReplayRecord[], BatchState>();
  private closed = false;

  constructor(
    readonly name: string,
    readonly settings: OtlpSettings,
    kinds: readonly RecordKind[],
    private readonly deps: OtlpSinkDeps,
  ) {
    this.batchesInFlight = settings.batchesInFlight;
    this.kinds = new Set(kinds.filter((k) => settings.signals.includes(signalOfKind(k) as OtlpSignal)));
    const used = new Set([...this.kinds].map((k) => signalOfKind(k)));
    const exporter = (signal: OtlpSignal): ExporterSettings => ({
      url: settings.endpoints[signal],
      headers: settings.headers[signal],
      compression: settings.compression,
      encoding: settings.encoding,
      timeoutMs: deps.timeoutMs,
    });
    if (used.has('logs')) {
      this.logs = new LogEncoders({ exporter: exporter('logs'), resourceAttributes: settings.resourceAttributes, inFlight: LOG_REQUESTS_IN_FLIGHT }, settings.workers);
      this.health.push({ url: settings.endpoints.logs, transport: createTransport(exporter('logs')) });
    }
    if (used.has('metrics')) {
      this.metrics = createMetricsExporter(exporter('metrics'));
      this.health.push({ url: this.metrics.url, transport: this.metrics.transport });
    }
    const resources = new ResourceCache(settings.resourceAttributes);
    const version = toolVersion();
    const scope = (source: string): InstrumentationScope => ({ name: `obsynth/${source}`, version });
    this.metricMapper = new MetricMapper(resources, { kubernetes: scope('kubernetes'), cloudwatch: scope('cloudwatch'), grafana: scope('grafana') });
  }

  /** The signals this sink sends (those of its kinds). */
  get signals(): OtlpSignal[] {
    return [this.logs ? 'logs' : undefined, this.metrics ? 'metrics' : undefined].filter((s): s is OtlpSignal => s !== undefined);
  }

  /** An empty export request to each endpoint in use (valid OTLP): it must answer 2xx. */
  async healthcheck(signal?: AbortSignal): Promise<void> {
    const checks = this.health.map(async ({ url, transport }) => {
      const empty = this.settings.encoding === 'json' ? new TextEncoder().encode('{}') : new Uint8Array(0);
      transport.signal = signal;
      const response = await transport.send(empty, Math.min(this.deps.timeoutMs, 10_000));
      transport.signal = undefined;
      if (response.status === 'success') return;
      const error = response.error;
      if (error instanceof OtlpHttpError) {
        const body = error.data?.slice(0, 300).trim();
        throw new Error(`POST ${url} answered HTTP ${error.status}${body ? `: ${body}` : ''}`);
      }
      const code = (error as { code?: string } | undefined)?.code;
      throw new Error(`POST ${url} failed: ${error?.message ?? 'no answer'}${code && !error?.message.includes(code) ? ` (${code})` : ''}`);
    });
    const results = await Promise.allSettled(checks);
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => (r.reason instanceof Error ? r.reason.message : String(r.reason)));
    if (failed.length > 0) throw new Error(failed.join('; '));
  }

  async write(batch: readonly ReplayRecord[], signal?: AbortSignal): Promise<WriteResult> {
    if (this.closed) return { status: 'failure', error: new Error(`${this.name} is closed`) };
    let state = this.progress.get(batch);
    if (!state) this.progress.set(batch, (state = { settled: new Set(), rejected: [], converted: false }));
    const settled = state.settled;
    const firstAttempt = !state.converted;
    state.converted = true;

    const pending: Array<Promise<PartOutcome>> = [];
    // Log records go out a request at a time, in batch order; the parts are numbered the same
    // way on every attempt, so a retry skips the ones already taken.
    let logIndex = 0;
    let logPart: ReplayRecord[] = [];
    const flushLogs = () => {
      if (logPart.length > 0) pending.push(this.exportLogPart(`logs#${Math.floor((logIndex - 1) / LOG_RECORDS_PER_REQUEST)}`, logPart, state, firstAttempt, signal));
      logPart = [];
    };
    const points = new MetricsBatch(this.settings.encoding === 'json');
    const metricSeqs: Array<{ seq: number; points: number }> = [];
    const sendMetrics = this.metrics !== undefined && !settled.has('metrics');
    for (const r of batch) {
      const target = signalOfKind(kindOf(r));
      if (target === 'logs') {
        if (!this.logs) continue;
        const part = Math.floor(logIndex++ / LOG_RECORDS_PER_REQUEST);
        if (!settled.has(`logs#${part}`)) logPart.push(r);
        if (logIndex % LOG_RECORDS_PER_REQUEST === 0) flushLogs();
        continue;
      }
      if (target !== 'metrics' || !sendMetrics) continue;
      try {
        const record = rebaseRecord(r.record, r.shiftMs);
        const dropped = points.dropped;
        const n = this.metricMapper.map(record, points);
        if (points.dropped > dropped && firstAttempt) {
          state.rejected.push({ seq: r.seq, reason: `${r.record.kind} value NaN or Inf cannot be sent as OTLP/JSON (use encoding: protobuf)` });
        } else if (n === 0 && firstAttempt) state.rejected.push({ seq: r.seq, reason: `${r.record.kind} record has no data point to send` });
        if (n > 0) metricSeqs.push({ seq: r.seq, points: n });
      } catch (err) {
        if (firstAttempt) state.rejected.push({ seq: r.seq, reason: `cannot convert ${r.record.kind} record ${r.record.id}: ${err instanceof Error ? err.message : String(err)}` });
      }
    }
    flushLogs();
    if (sendMetrics && points.points > 0) pending.push(this.metrics!.export(points.toResourceMetrics(), signal).then((exported) => this.outcomeOf('metrics', exported, metricSeqs)));
    else if (sendMetrics) settled.add('metrics');

    const outcomes = await Promise.all(pending);
    let retry: WriteResult | undefined;
    let stop: WriteResult | undefined;
    for (const o of outcomes) {
      if (o.result.status === 'retryable') {
        // Keep the longest wait the servers asked for.
        if (!retry || (o.result.retryAfterMs ?? 0) > ((retry as { retryAfterMs?: number }).retryAfterMs ?? 0)) retry = o.result;
        continue;
      }
      if (o.result.status === 'failure' && o.result.exhausted) {
        stop = o.result;
        continue;
      }
      settled.add(o.part);
      state.rejected.push(...o.rejected);
    }
    if (stop) return stop;
    if (retry) return retry;
    this.progress.delete(batch);
    return state.rejected.length > 0 ? { status: 'success', rejected: state.rejected } : success;
  }

  /** One log request, made and sent by a worker from the records' lines. */
  private async exportLogPart(part: PartKey, items: readonly ReplayRecord[], state: BatchState, firstAttempt: boolean, signal?: AbortSignal): Promise<PartOutcome> {
    // The lines go to the worker as one buffer it takes over (a record from a source without
    // lines, as in tests, is written out for it).
    const lines = items.map((r) => r.bytes ?? Buffer.from(JSON.stringify(r.record)));
    const ends = new Uint32Array(lines.length);
    let total = 0;
    for (let i = 0; i < lines.length; i++) ends[i] = total += lines[i]!.length;
    const text = new Uint8Array(total);
    for (let i = 0; i < lines.length; i++) text.set(lines[i]!, i === 0 ? 0 : ends[i - 1]);
    const request = { text, ends, times: Float64Array.from(items, (r) => r.time), shifts: Float64Array.from(items, (r) => r.shiftMs) };
    let outcome;
    try {
      outcome = await this.logs!.export(request, signal);
    } catch (err) {
      // The worker is gone: nothing of the request is known to have arrived.
      return { part, result: { status: 'failure', error: err instanceof Error ? err : new Error(String(err)), exhausted: true }, rejected: [] };
    }
    if (firstAttempt) for (const [i, reason] of outcome.failed) state.rejected.push({ seq: items[i]!.seq, reason });
    const sent = outcome.sent.map((i) => ({ seq: items[i]!.seq, points: 1 }));
    return this.outcomeOf(part, outcome, sent);
  }

  /** What one request's answer means for its records. */
  private outcomeOf(part: PartKey, { result, partial }: { result: ExportResult; partial?: PartialSuccess }, sent: ReadonlyArray<{ seq: number; points: number }>): PartOutcome {
    const signal = part.startsWith('logs') ? 'logs' : 'metrics';
    const classified = classifyExport(result, this.deps.clock.now());
    if (classified.status === 'failure') {
      // Refused for good: every record of this request is rejected, with the receiver's words.
      return { part, result: classified, rejected: sent.map(({ seq }) => ({ seq, reason: `${signal} export refused: ${classified.error.message}` })) };
    }
    if (classified.status === 'success' && partial && partial.rejected > 0) {
      // OTLP says how many, not which: count them off the end of the request.
      const total = sent.reduce((a, s) => a + s.points, 0);
      const reason = `${signal} partially rejected (${partial.rejected} of ${total} ${signal === 'logs' ? 'log records' : 'data points'}; OTLP does not say which)${partial.message ? `: ${partial.message}` : ''}`;
      const rejected: Rejection[] = [];
      let left = partial.rejected;
      for (let i = sent.length - 1; i >= 0 && left > 0; i--) {
        rejected.push({ seq: sent[i]!.seq, reason });
        left -= sent[i]!.points;
      }
      return { part, result: classified, rejected: rejected.reverse() };
    }
    return { part, result: classified, rejected: [] };
  }

  async flush(): Promise<void> {
    // Nothing is buffered: every write() has finished its requests when it returns.
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.flush();
    this.closed = true;
    for (const h of this.health) h.transport.shutdown();
    await Promise.all([this.logs?.close(), this.metrics?.shutdown()]);
  }
}

type ResourceMetricsList = ReturnType<MetricsBatch['toResourceMetrics']>;

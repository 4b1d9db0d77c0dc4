// Sentry with the SDK's own building blocks (@sentry/core): each error event or transaction,
// with its original event_id (so Sentry drops a resent one), goes as an envelope to the
// project's envelope endpoint. Rate limits (429, X-Sentry-Rate-Limits, Retry-After) make the
// batch wait and retry; oversized or refused events are reported, never dropped silently.
import { createEventEnvelope, disabledUntil, dsnFromString, getEnvelopeEndpointWithUrlEncodedAuth, serializeEnvelope, updateRateLimits, type DsnComponents, type Event, type RateLimits } from '@sentry/core';
import { ConfigError } from '../../config/errors.js';
import type { RecordKind } from '../../model/record.js';
import { rebaseRecord } from '../../replay/rebase-body.js';
import type { Clock } from '../../time/clock.js';
import type { SentryConfig } from './config.js';
import { RETRYABLE_STATUS, resultOfError } from '../retryable.js';
import type { ReplayRecord, Sink, WriteResult } from '../sink.js';
import { BatchProgress } from '../batch-progress.js';

/** Relay refuses events larger than this (max_event_size). */
export const MAX_EVENT_BYTES = 1024 * 1024;


export class SentrySink implements Sink {
  readonly kinds: ReadonlySet<RecordKind>;
  private readonly fallback?: DsnComponents;
  private readonly perService = new Map<string, DsnComponents>();
  private limits: RateLimits = {};
  private readonly progress = new BatchProgress();

  constructor(
    readonly name: string,
    private readonly config: SentryConfig,
    kinds: readonly RecordKind[],
    private readonly clock: Clock,
    env: NodeJS.ProcessEnv,
    private readonly timeoutMs: number,
  ) {
    this.kinds = new Set(kinds);
    const problems: string[] = [];
    const parse = (text: string, where: string) => {
      const dsn = dsnFromString(text);
      if (!dsn) problems.push(`${where}: "${text}" is not a DSN (https://<key>@<host>/<project>)`);
      return dsn;
    };
    const main = config.dsn ?? env.SENTRY_DSN;
    if (main) this.fallback = parse(main, 'dsn');
    for (const [service, text] of Object.entries(config.dsn_per_service ?? {})) {
      const dsn = parse(text, `dsn_per_service.${service}`);
      if (dsn) this.perService.set(service, dsn);
    }
    if (!main && this.perService.size === 0) problems.push('dsn: none given; set dsn, dsn_per_service or SENTRY_DSN');
    if (problems.length > 0) throw new ConfigError(problems.map((message) => ({ message })));
  }

  private dsnOf(service: string): DsnComponents | undefined {
    return this.perService.get(service) ?? this.fallback;
  }

  async healthcheck(signal?: AbortSignal): Promise<void> {
    // An envelope with no items is accepted and stored nowhere: it proves the endpoint and key.
    const dsns = new Set([this.fallback, ...this.perService.values()].filter((d): d is DsnComponents => d !== undefined));
    for (const dsn of dsns) {
      const url = getEnvelopeEndpointWithUrlEncodedAuth(dsn);
      const res = await fetch(url, { method: 'POST', body: `${JSON.stringify({ dsn: dsnText(dsn), sent_at: new Date(this.clock.now()).toISOString() })}\n`, signal: timeoutSignal(this.timeoutMs, signal) }).catch((err: unknown) => {
        throw new Error(`${dsn.host}: ${(err as Error).message}${(err as { cause?: Error }).cause ? ` (${(err as { cause: Error }).cause.message})` : ''}`);
      });
      if (!res.ok) throw new Error(`${url.split('?')[0]}: HTTP ${res.status} ${(await res.text()).slice(0, 200)}`);
    }
  }

  async write(batch: readonly ReplayRecord[], signal?: AbortSignal): Promise<WriteResult> {
    const todo = batch.filter((r) => !this.progress.has(r.seq));
    let retry: WriteResult | undefined;
    // A few envelopes in flight; stop starting new ones once one says "wait".
    let next = 0;
    const worker = async () => {
      while (next < todo.length && !retry) {
        const r = todo[next++]!;
        const outcome = await this.send(r, signal);
        if (outcome.status === 'retryable') retry ??= outcome;
        else {
          if (outcome.status === 'failure') this.progress.reject(r.seq, outcome.error.message);
          else this.progress.accept(r.seq);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.config.concurrency, todo.length) }, worker));
    if (retry) return retry;
    return { status: 'success', rejected: this.progress.finish() };
  }

  private async send(r: ReplayRecord, signal?: AbortSignal): Promise<WriteResult> {
    const rec = rebaseRecord(r.record, r.shiftMs);
    const dsn = this.dsnOf(rec.service);
    if (!dsn) return { status: 'failure', error: new Error(`no DSN for service ${rec.service}`) };
    const category = rec.kind === 'sentry_transaction' ? 'transaction' : 'error';
    const waitUntil = disabledUntil(this.limits, category);
    if (waitUntil > this.clock.now()) return { status: 'retryable', error: new Error(`rate limited (${category})`), retryAfterMs: waitUntil - this.clock.now() };
    const event = rec.body as Event;
    const envelope = createEventEnvelope(event, dsn, { sdk: event.sdk ? { name: event.sdk.name ?? 'sentry', version: event.sdk.version ?? '0' } : undefined });
    const body = serializeEnvelope(envelope);
    const size = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
    if (size > MAX_EVENT_BYTES) return { status: 'failure', error: new Error(`event of ${size} bytes exceeds Sentry's ${MAX_EVENT_BYTES}-byte limit`) };
    try {
      const res = await fetch(getEnvelopeEndpointWithUrlEncodedAuth(dsn), { method: 'POST', headers: { 'content-type': 'application/x-sentry-envelope' }, body, signal: timeoutSignal(this.timeoutMs, signal) });
      const headers = { 'retry-after': res.headers.get('retry-after'), 'x-sentry-rate-limits': res.headers.get('x-sentry-rate-limits') };
      this.limits = updateRateLimits(this.limits, { statusCode: res.status, headers }, this.clock.now());
      if (res.ok) {
        await res.body?.cancel();
        return { status: 'success' };
      }
      const text = (await res.text()).slice(0, 300);
      if (RETRYABLE_STATUS.has(res.status)) {
        const until = disabledUntil(this.limits, category);
        return { status: 'retryable', error: new Error(`HTTP ${res.status} ${text}`.trim()), retryAfterMs: until > this.clock.now() ? until - this.clock.now() : undefined };
      }
      return { status: 'failure', error: new Error(`HTTP ${res.status} ${text}`.trim()) };
    } catch (err) {
      return resultOfError(err);
    }
  }

  async flush(): Promise<void> {}

  async close(): Promise<void> {}
}

function dsnText(d: DsnComponents): string {
  return `${d.protocol}://${d.publicKey}@${d.host}${d.port ? `:${d.port}` : ''}${d.path ? `/${d.path}` : ''}/${d.projectId}`;
}

function timeoutSignal(ms: number, outer?: AbortSignal): AbortSignal {
  const t = AbortSignal.timeout(ms);
  return outer ? AbortSignal.any([t, outer]) : t;
}

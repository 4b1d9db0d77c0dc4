// Sends log records to Loki's push API (POST /loki/api/v1/push), protobuf + snappy by default or
// JSON, to Grafana Loki and to what speaks its push API (VictoriaLogs, the Collector's Loki
// receiver). Learned from Vector's loki sink (config, healthcheck, per-stream ordering) and
// Promtail's client (snappy-compressed PushRequest as application/x-protobuf).
//
// Loki keeps the valid entries of a push and answers 400 naming the refused ones (too old, too
// new, too far behind the stream): those become per-record rejections with the reason; a 400 that
// names nothing we can find rejects the whole batch, so nothing is ever lost silently.
import type { RecordKind } from '../../model/record.js';
import type { Clock } from '../../time/clock.js';
import { authHeader } from '../common-config.js';
import { ProtobufWriter } from '../wire/protobuf-writer.js';
import { resultOfError, resultOfStatus, unreachable } from '../retryable.js';
import { success, type ReplayRecord, type Sink, type WriteResult } from '../sink.js';
import { pushUrl, type LokiSinkConfig } from './config.js';
import { jsonPushBody, protobufPushBody } from './encode.js';
import { buildStreams, LOKI_KINDS, type EntryOptions } from './entries.js';
import { parseLokiRejections } from './rejections.js';

export interface LokiSinkOptions {
  readonly name: string;
  readonly kinds?: readonly RecordKind[];
  readonly clock: Clock;
  readonly timeoutMs: number;
}

export class LokiSink implements Sink {
  readonly name: string;
  readonly kinds: ReadonlySet<RecordKind>;
  private readonly url: string;
  private readonly headers: Record<string, string>;
  private readonly entryOptions: EntryOptions;
  private readonly writer = new ProtobufWriter();
  private closed = false;

  constructor(
    private readonly config: LokiSinkConfig,
    private readonly options: LokiSinkOptions,
  ) {
    this.name = options.name;
    this.kinds = new Set(options.kinds ?? LOKI_KINDS);
    this.url = pushUrl(config.endpoint);
    this.headers = {
      'content-type': config.encoding === 'json' ? 'application/json' : 'application/x-protobuf',
      'user-agent': 'obsynth',
      ...authHeader(config.auth),
      ...(config.tenant ? { 'x-scope-orgid': config.tenant } : {}),
    };
    this.entryOptions = { extraLabels: Object.entries(config.labels ?? {}), structuredMetadata: config.structured_metadata };
  }

  /**
   * Pushes an empty request: it proves the URL is a push API that takes our credentials, on
   * Loki, VictoriaLogs and the Collector alike (none of which share a readiness path). Loki 3
   * answers 422 "at least one valid stream is required": that too is a live push endpoint.
   */
  async healthcheck(signal?: AbortSignal): Promise<void> {
    const body = this.config.encoding === 'json' ? JSON.stringify({ streams: [] }) : protobufPushBody([], this.writer);
    const { status, text } = await this.post(body, signal).catch((err: unknown) => {
      throw unreachable(this.url, err);
    });
    // 429: up and throttling us, which the writes will wait out.
    if ((status >= 200 && status < 300) || status === 429) return;
    if (status === 422 && /at least one valid stream/i.test(text)) return;
    throw new Error(`${this.url} answered HTTP ${status}${text ? `: ${text.slice(0, 300).trim()}` : ''}`);
  }

  async write(batch: readonly ReplayRecord[], signal?: AbortSignal): Promise<WriteResult> {
    if (this.closed) return { status: 'failure', error: new Error(`${this.name} is closed`) };
    const streams = buildStreams(batch, this.entryOptions);
    if (streams.length === 0) return success;
    const body = this.config.encoding === 'json' ? jsonPushBody(streams) : protobufPushBody(streams, this.writer);
    let response: { status: number; text: string; retryAfter: string | null };
    try {
      response = await this.post(body, signal);
    } catch (err) {
      return resultOfError(err);
    }
    const { status, text, retryAfter } = response;
    if (status >= 200 && status < 300) return success;
    if (status === 400) {
      const parsed = parseLokiRejections(text, streams);
      if (parsed.rejected.length > 0) return { status: 'success', rejected: parsed.rejected };
    }
    return resultOfStatus(status, text, retryAfter, this.options.clock.now());
  }

  private async post(body: Buffer | string, signal?: AbortSignal): Promise<{ status: number; text: string; retryAfter: string | null }> {
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    const res = await fetch(this.url, { method: 'POST', headers: this.headers, body, signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
    const text = await res.text();
    return { status: res.status, text, retryAfter: res.headers.get('retry-after') };
  }

  async flush(): Promise<void> {}

  async close(): Promise<void> {
    this.closed = true;
  }
}

// Where the otlp sink's log requests are made: worker threads that take records as the JSON
// lines the source read, and rebase, map, encode and send them. That is most of a replay's
// work, and on the replay's own thread it left the second core idle; the replay's thread now
// only reads, routes and keeps the books. Each request's outcome comes back as plain data.
import { Worker } from 'node:worker_threads';
import type { ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { ExporterSettings } from './exporters.js';
import type { ResourceAttributes } from './resources.js';
import { OtlpHttpError, type PartialSuccess } from './transport.js';

export interface LogWorkerSetup {
  readonly exporter: ExporterSettings;
  readonly resourceAttributes: Readonly<ResourceAttributes>;
  /** Requests a worker keeps in flight at once. */
  readonly inFlight: number;
}

export interface LogPartRequest {
  readonly type: 'export';
  readonly id: number;
  /** The records' JSON lines (the dataset's own bytes, not rebased), one after another: moved, not copied, to the worker. */
  readonly text: Uint8Array;
  /** Where each line ends in `text`. */
  readonly ends: Uint32Array;
  /** Rebased envelope time of each (the observed time). */
  readonly times: Float64Array;
  readonly shifts: Float64Array;
}

/** An error as it crosses threads: what classifying it needs. */
export interface WireError {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
  readonly http?: { readonly url: string; readonly status: number; readonly data: string; readonly retryAfter?: string };
}

export interface LogPartReply {
  readonly id: number;
  /** Indexes (of the request's lines) of the records that went out as log records. */
  readonly sent: readonly number[];
  /** Records that could not be made into log records, and why. */
  readonly failed: ReadonlyArray<readonly [number, string]>;
  readonly code: ExportResultCode;
  readonly error?: WireError;
  readonly partial?: PartialSuccess;
}

export interface LogPartOutcome {
  readonly sent: readonly number[];
  readonly failed: ReadonlyArray<readonly [number, string]>;
  readonly result: ExportResult;
  readonly partial?: PartialSuccess;
}

/** A worker died: nothing of its requests is known to be settled (the replay stops, to resume). */
export class LogWorkerFailed extends Error {
  override readonly name = 'LogWorkerFailed';
}

export function errorFromWire(e: WireError): Error {
  if (e.http) return new OtlpHttpError(e.http.url, e.http.status, e.http.data, e.http.retryAfter);
  const error = new Error(e.message);
  error.name = e.name;
  if (e.code) (error as Error & { code?: string }).code = e.code;
  return error;
}

export function errorToWire(err: unknown): WireError {
  const error = err instanceof Error ? err : new Error(String(err));
  if (error instanceof OtlpHttpError) return { name: error.name, message: error.message, http: { url: error.url, status: error.status, data: error.data ?? '', retryAfter: error.retryAfter } };
  const code = (error as { code?: unknown }).code ?? (error.cause as { code?: unknown } | undefined)?.code;
  return { name: error.name, message: error.message, code: typeof code === 'string' ? code : undefined };
}

/** Under the test runner this module is the TypeScript source; its worker then runs from the build. */
function workerUrl(): URL {
  return import.meta.url.endsWith('.ts') ? new URL('../../../dist/sinks/otlp/log-worker.js', import.meta.url) : new URL('./log-worker.js', import.meta.url);
}

export class LogEncoders {
  private readonly workers: Worker[];
  private readonly pending = new Map<number, { resolve: (r: LogPartOutcome) => void; reject: (e: Error) => void; worker: Worker }>();
  private nextId = 1;
  private turn = 0;
  private closed = false;

  constructor(setup: LogWorkerSetup, count: number) {
    this.workers = Array.from({ length: Math.max(1, count) }, () => {
      // A worker holds a few requests' records at a time, so its heap stays small; a young
      // generation big enough for them (24 MB) keeps them from being promoted and collected
      // twice (8 MB cost a tenth of the speed, 48 MB fifty more MB of RSS).
      const worker = new Worker(workerUrl(), { workerData: setup, resourceLimits: { maxYoungGenerationSizeMb: 24, maxOldGenerationSizeMb: 96 } });
      worker.on('message', (reply: LogPartReply) => {
        const waiting = this.pending.get(reply.id);
        if (!waiting) return;
        this.pending.delete(reply.id);
        waiting.resolve({ sent: reply.sent, failed: reply.failed, partial: reply.partial, result: { code: reply.code, error: reply.error ? errorFromWire(reply.error) : undefined } });
      });
      worker.on('error', (err) => this.failAll(worker, new LogWorkerFailed(`OTLP log worker failed: ${err.message}`)));
      worker.on('exit', (code) => {
        if (!this.closed) this.failAll(worker, new LogWorkerFailed(`OTLP log worker exited with code ${code}`));
      });
      // A worker keeps the process alive only while it has requests (see hold/release): a
      // replay that ends early (a failed healthcheck) must not hang on idle workers.
      worker.unref();
      return worker;
    });
  }

  /** Sends one request's records; resolves with what became of them. Its arrays move to the worker. */
  export(request: Omit<LogPartRequest, 'type' | 'id'>, signal?: AbortSignal): Promise<LogPartOutcome> {
    if (this.closed) return Promise.reject(new LogWorkerFailed('the OTLP log workers are closed'));
    const id = this.nextId++;
    const worker = this.workers[this.turn++ % this.workers.length]!;
    return new Promise<LogPartOutcome>((resolve, reject) => {
      const onAbort = () => worker.postMessage({ type: 'abort' });
      signal?.addEventListener('abort', onAbort, { once: true });
      this.hold(worker);
      const done = () => {
        signal?.removeEventListener('abort', onAbort);
        this.release(worker);
      };
      this.pending.set(id, {
        worker,
        resolve: (r) => {
          done();
          resolve(r);
        },
        reject: (e) => {
          done();
          reject(e);
        },
      });
      const message: LogPartRequest = { type: 'export', id, ...request };
      worker.postMessage(message, [request.text.buffer, request.ends.buffer, request.times.buffer, request.shifts.buffer] as ArrayBuffer[]);
    });
  }

  private readonly busy = new Map<Worker, number>();

  private hold(worker: Worker): void {
    const n = this.busy.get(worker) ?? 0;
    if (n === 0) worker.ref();
    this.busy.set(worker, n + 1);
  }

  private release(worker: Worker): void {
    const n = (this.busy.get(worker) ?? 1) - 1;
    this.busy.set(worker, n);
    if (n === 0) worker.unref();
  }

  private failAll(worker: Worker, error: Error): void {
    for (const [id, p] of this.pending) {
      if (p.worker !== worker) continue;
      this.pending.delete(id);
      p.reject(error);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

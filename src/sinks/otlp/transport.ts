// The HTTP transport under the OTLP export delegate. The OpenTelemetry JS exporters wrap their
// HTTP transport in a RetryingTransport (up to 5 attempts with 1-5 s backoff, retryable answers
// collapsed into one error without their status or Retry-After), which would hide failures from
// the replay's own retry loop and checkpoint. This transport sends each request exactly once and
// says precisely how it went: the status, the Retry-After header, the response body, transport
// error codes, and the partial success the server reported.
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { gzip } from 'node:zlib';
import { promisify } from 'node:util';
import { OTLPExporterError, type ExportResponse, type IExporterTransport } from '@opentelemetry/otlp-exporter-base';
import { toolVersion } from '../../version.js';

const gzipAsync = promisify(gzip);

/** A non-2xx answer: status, body text and the Retry-After header as sent. */
export class OtlpHttpError extends OTLPExporterError {
  override readonly name: string = 'OtlpHttpError';

  constructor(
    readonly url: string,
    readonly status: number,
    body: string,
    readonly retryAfter: string | undefined,
  ) {
    super(`HTTP ${status} from ${url}${body ? `: ${body.slice(0, 300).trim()}` : ''}`, status, body);
  }
}

/** What a 2xx answer's partial_success said (OTLP does not say which records were rejected). */
export interface PartialSuccess {
  readonly rejected: number;
  readonly message: string;
}

export interface TransportOptions {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly contentType: string;
  readonly compression: 'none' | 'gzip';
  /** Reads a 2xx body's partial_success (the official response deserializer). */
  readonly partialSuccess?: (body: Uint8Array) => PartialSuccess | undefined;
}

const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

export class OtlpHttpTransport implements IExporterTransport {
  private readonly agent: HttpAgent;
  private readonly request: typeof httpRequest;
  private readonly url: URL;
  /** Set by the sink around one export (one request in flight per transport). */
  signal: AbortSignal | undefined;
  /** What the last successful request's partial_success said. */
  lastPartialSuccess: PartialSuccess | undefined;

  constructor(private readonly options: TransportOptions) {
    this.url = new URL(options.url);
    const https = this.url.protocol === 'https:';
    this.agent = https ? new HttpsAgent({ keepAlive: true, maxSockets: 4 }) : new HttpAgent({ keepAlive: true, maxSockets: 4 });
    this.request = https ? (httpsRequest as unknown as typeof httpRequest) : httpRequest;
  }

  async send(data: Uint8Array, timeoutMillis: number): Promise<ExportResponse> {
    this.lastPartialSuccess = undefined;
    try {
      const body = this.options.compression === 'gzip' ? await gzipAsync(data) : data;
      const { status, headers, payload } = await this.post(body, timeoutMillis);
      if (status >= 200 && status <= 299) {
        this.lastPartialSuccess = payload.length > 0 ? this.options.partialSuccess?.(payload) : undefined;
        return { status: 'success', data: payload };
      }
      const retryAfter = headers['retry-after'];
      const error = new OtlpHttpError(this.options.url, status, Buffer.from(payload).toString('utf8'), Array.isArray(retryAfter) ? retryAfter[0] : retryAfter);
      // The delegate passes `error` on for both; the sink classifies from the status.
      return status === 429 || status === 502 || status === 503 || status === 504 ? { status: 'retryable', error } : { status: 'failure', error };
    } catch (err) {
      // Transport errors (ECONNREFUSED, timeouts, aborts) keep their code for the sink to classify.
      return { status: 'retryable', error: err instanceof Error ? err : new Error(String(err)) };
    }
  }

  /** One POST; resolves with whatever status came back, rejects on transport errors. */
  post(body: Uint8Array, timeoutMillis: number): Promise<{ status: number; headers: IncomingMessage['headers']; payload: Uint8Array }> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string | number> = {
        ...this.options.headers,
        'content-type': this.options.contentType,
        'content-length': body.byteLength,
        'user-agent': `obsynth/${toolVersion()}`,
      };
      if (this.options.compression === 'gzip') headers['content-encoding'] = 'gzip';
      const req = this.request(this.url, { method: 'POST', headers, agent: this.agent, signal: this.signal }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size <= MAX_RESPONSE_BYTES) chunks.push(chunk);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, payload: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      req.setTimeout(timeoutMillis, () => {
        const error = new Error(`no answer from ${this.options.url} within ${timeoutMillis} ms`);
        error.name = 'TimeoutError';
        req.destroy(error);
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  shutdown(): void {
    this.agent.destroy();
  }
}

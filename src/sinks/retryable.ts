// Which failures are worth retrying: throttling (429, 408), server trouble (every 5xx but 501
// Not Implemented and 505, as Vector does: Loki and Prometheus answer 500 for passing trouble),
// and transport errors; everything else is permanent. Retry-After is honoured.
import type { WriteResult } from './sink.js';

export const RETRYABLE_STATUS: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504, 507, 508, 509, 510, 511, 520, 521, 522, 523, 524, 529]);

/** OTLP/HTTP's own rule: only 429, 502, 503 and 504 are retryable (the specification says so). */
export const OTLP_RETRYABLE_STATUS: ReadonlySet<number> = new Set([429, 502, 503, 504]);

const TRANSPORT_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CLOSED']);

/** Retry-After as milliseconds: delta-seconds or an HTTP date (against `now`). */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const secs = Number(value);
  if (Number.isFinite(secs) && secs >= 0) return secs * 1000;
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

/** The result for an HTTP response that was not a success. */
export function resultOfStatus(status: number, body: string, retryAfter: string | null | undefined, now: number, retryable: ReadonlySet<number> = RETRYABLE_STATUS): WriteResult {
  const error = new Error(`HTTP ${status}${body ? `: ${body.slice(0, 300).trim()}` : ''}`);
  if (retryable.has(status)) return { status: 'retryable', error, retryAfterMs: parseRetryAfter(retryAfter, now) };
  return { status: 'failure', error };
}

/** The result for an exception thrown while sending (network errors retry; bugs do not). */
export function resultOfError(err: unknown): WriteResult {
  const error = err instanceof Error ? err : new Error(String(err));
  const code = (error as { code?: string }).code ?? (error.cause as { code?: string } | undefined)?.code;
  if (error.name === 'AbortError' || error.name === 'TimeoutError') return { status: 'retryable', error };
  if (code && TRANSPORT_CODES.has(code)) return { status: 'retryable', error };
  if (error.message === 'fetch failed') return { status: 'retryable', error };
  return { status: 'failure', error };
}

/** "fetch failed" says little: name the URL and the transport error (ECONNREFUSED …). */
export function unreachable(url: string, err: unknown): Error {
  const e = err instanceof Error ? err : new Error(String(err));
  const cause = e.cause as { code?: string; message?: string } | undefined;
  return new Error(`${url} could not be reached: ${cause?.code ?? cause?.message ?? e.message}`);
}

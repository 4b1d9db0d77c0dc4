// The contract between the replay engine and a backend. A sink turns records into what its
// backend takes and says, for every batch, whether it got there, may get there on a retry, or
// never will. Retrying, batching and back-pressure live in wrappers, not in each sink.
import type { CloudWatchAlarmDefinition, FileRecord, RecordKind } from '../model/record.js';

/** A record on its way to a backend, with its (rebased) time. */
export interface ReplayRecord {
  /** Position in the replay stream: checkpoints count these. */
  readonly seq: number;
  readonly record: FileRecord;
  /** The record's JSON line (UTF-8) as the source read it, not rebased, when there was one. */
  readonly bytes?: Buffer;
  /** The record's kind, when the source knew it without parsing the record (see kindOf). */
  readonly kind?: RecordKind;
  /** Rebased event time, epoch ms (record.timestamp + shiftMs). */
  readonly time: number;
  /** Add this to every time inside the body to rebase it too. */
  readonly shiftMs: number;
}

/** A record the backend refused for good, and why (reported, never silently dropped). */
export interface Rejection {
  readonly seq: number;
  readonly reason: string;
}

export type WriteResult =
  | { readonly status: 'success'; readonly rejected?: readonly Rejection[] }
  | { readonly status: 'retryable'; readonly error: Error; readonly retryAfterMs?: number }
  /** `exhausted`: it kept failing in ways that might pass later (the replay stops, to resume). */
  | { readonly status: 'failure'; readonly error: Error; readonly exhausted?: boolean };

export interface Sink {
  /** The name in reports (the configured name, or the type). */
  readonly name: string;
  /** Record kinds this sink takes; others never reach it. */
  readonly kinds: ReadonlySet<RecordKind>;
  /**
   * Batches the lane may have in flight at once (default 1). More keeps a backend busy while
   * the next batch is made, but a retried batch may then land after a later one: only for
   * backends that need no order (OTLP receivers), never for Loki or Prometheus.
   */
  readonly batchesInFlight?: number;
  /** Fails fast (throws) when the backend cannot be reached or refuses us, before a long replay. */
  healthcheck(signal?: AbortSignal): Promise<void>;
  /** Creates what the records will refer to (alarms), after the healthcheck, before the first write. */
  prepare?(documents: SinkDocuments, signal?: AbortSignal): Promise<void>;
  write(batch: readonly ReplayRecord[], signal?: AbortSignal): Promise<WriteResult>;
  /** Sends anything buffered inside the sink (SDK processors). */
  flush(): Promise<void>;
  /** Idempotent; flushes first. */
  close(): Promise<void>;
}

/** Definitions that come with a record stream. */
export interface SinkDocuments {
  readonly alarmDefinitions: readonly CloudWatchAlarmDefinition[];
}

/** A record's kind, without parsing a record that came as a line. */
export function kindOf(r: ReplayRecord): RecordKind {
  return r.kind ?? r.record.kind;
}

export const success: WriteResult = Object.freeze({ status: 'success' });

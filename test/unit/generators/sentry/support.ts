// Runs the two Sentry generators over a window and keeps what the request simulation produced,
// so tests can check the events against the requests they came from.
import type { Generator } from '../../../../src/generators/generator.js';
import { SentryErrorGenerator } from '../../../../src/generators/sentry/errors.js';
import { SentryTransactionGenerator } from '../../../../src/generators/sentry/transactions.js';
import type { FileRecord, LabelLine, RecordKind } from '../../../../src/model/record.js';
import type { RequestSim } from '../../../../src/simulation/requests.js';
import type { World } from '../../../../src/simulation/world.js';
import { runWindow, type ParsedChunk } from '../../../support/world.js';

export type ErrorRecord = Extract<FileRecord, { kind: 'sentry_error' }>;
export type TransactionRecord = Extract<FileRecord, { kind: 'sentry_transaction' }>;

export interface SentryRun {
  chunk: ParsedChunk;
  errors: ErrorRecord[];
  errorLabels: LabelLine[];
  transactions: TransactionRecord[];
  transactionLabels: LabelLine[];
  requests: readonly RequestSim[];
}

/** A generator that only remembers the window's simulated requests. */
class RequestProbe implements Generator {
  readonly name = 'request-probe';
  readonly source = 'sentry' as const;
  requests: readonly RequestSim[] = [];
  generate(ctx: Parameters<Generator['generate']>[0]): void {
    this.requests = ctx.requests();
  }
}

function kind<K extends RecordKind>(chunk: ParsedChunk, k: K): { records: Extract<FileRecord, { kind: K }>[]; labels: LabelLine[] } {
  return { records: (chunk.records.get(k) ?? []) as Extract<FileRecord, { kind: K }>[], labels: chunk.labels.get(k) ?? [] };
}

export function runSentry(world: World, start: number, end: number): SentryRun {
  const probe = new RequestProbe();
  const chunk = runWindow(world, start, end, [probe, new SentryErrorGenerator(), new SentryTransactionGenerator()]);
  const e = kind(chunk, 'sentry_error');
  const t = kind(chunk, 'sentry_transaction');
  return { chunk, errors: e.records, errorLabels: e.labels, transactions: t.records, transactionLabels: t.labels, requests: probe.requests };
}

// A sink that keeps what it receives, for tests (and --dry-run style checks): read it back.
import { RECORD_KINDS, type RecordKind } from '../../model/record.js';
import { success, type ReplayRecord, type Sink, type WriteResult } from '../sink.js';

export class InMemorySink implements Sink {
  readonly received: ReplayRecord[] = [];
  readonly kinds: ReadonlySet<RecordKind>;
  closed = false;
  flushed = 0;

  constructor(
    readonly name = 'in_memory',
    kinds: readonly RecordKind[] = RECORD_KINDS,
    /** Lets a test script the backend's answers: called per batch before it is kept. */
    private readonly answer: (batch: readonly ReplayRecord[]) => WriteResult = () => success,
  ) {
    this.kinds = new Set(kinds);
  }

  async healthcheck(): Promise<void> {}

  async write(batch: readonly ReplayRecord[]): Promise<WriteResult> {
    if (this.closed) return { status: 'failure', error: new Error(`${this.name} is closed`) };
    const result = this.answer(batch);
    if (result.status === 'success') {
      const rejected = new Set((result.rejected ?? []).map((r) => r.seq));
      for (const r of batch) if (!rejected.has(r.seq)) this.received.push(r);
    }
    return result;
  }

  async flush(): Promise<void> {
    this.flushed++;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.flush();
    this.closed = true;
  }
}

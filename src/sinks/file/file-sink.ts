// The file writer as a replay target: rebased records appended to <path>/<source>/<kind>.jsonl.gz,
// one gzip member per batch (a member is written whole, with one write call).
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { z } from 'zod';
import { RECORD_KINDS, type RecordKind } from '../../model/record.js';
import { rebaseRecord } from '../../replay/rebase-body.js';
import { success, type ReplayRecord, type Sink, type WriteResult } from '../sink.js';
import { recordsPath } from './dataset-layout.js';

export const fileSinkSchema = z.strictObject({
  type: z.literal('file'),
  path: z.string().min(1),
  format: z.enum(['jsonl.gz', 'jsonl']).default('jsonl.gz'),
});
export type FileSinkConfig = z.infer<typeof fileSinkSchema>;

export class FileSink implements Sink {
  readonly kinds: ReadonlySet<RecordKind>;
  private readonly fds = new Map<RecordKind, number>();
  private closed = false;

  constructor(
    readonly name: string,
    private readonly config: FileSinkConfig,
    kinds: readonly RecordKind[] = RECORD_KINDS,
  ) {
    this.kinds = new Set(kinds);
  }

  async healthcheck(): Promise<void> {
    mkdirSync(this.config.path, { recursive: true });
  }

  async write(batch: readonly ReplayRecord[]): Promise<WriteResult> {
    const byKind = new Map<RecordKind, string[]>();
    for (const r of batch) {
      const rebased = rebaseRecord(r.record, r.shiftMs);
      let lines = byKind.get(r.record.kind);
      if (!lines) byKind.set(r.record.kind, (lines = []));
      lines.push(JSON.stringify(rebased));
    }
    try {
      for (const [kind, lines] of byKind) {
        const text = Buffer.from(`${lines.join('\n')}\n`);
        writeSync(this.fd(kind), this.config.format === 'jsonl.gz' ? gzipSync(text) : text);
      }
      return success;
    } catch (err) {
      return { status: 'failure', error: err instanceof Error ? err : new Error(String(err)) };
    }
  }

  private fd(kind: RecordKind): number {
    let fd = this.fds.get(kind);
    if (fd === undefined) {
      const path = join(this.config.path, recordsPath(kind, this.config.format));
      mkdirSync(dirname(path), { recursive: true });
      fd = openSync(path, 'a');
      this.fds.set(kind, fd);
    }
    return fd;
  }

  async flush(): Promise<void> {}

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const fd of this.fds.values()) closeSync(fd);
    this.fds.clear();
  }
}

// Runs the kinds' scans on worker threads (or in-process with 0 workers), biggest kinds first so
// the threads finish together; results come back in the order the kinds were given.
import { Worker } from 'node:worker_threads';
import type { RecordKind } from '../model/record.js';
import { scanKind, type KindScanResult, type KindScanSetup } from './kind-scan.js';
import type { KindScanMessage } from './kind-scan-worker.js';
import type { FilePair } from './scan-pair.js';

export interface KindGroup {
  readonly kind: RecordKind;
  readonly pairs: readonly FilePair[];
  /** Bytes on disk, to start with the biggest. */
  readonly bytes: number;
}

/** `read` is told of bytes (on disk) and records as they are read. */
export async function runKindScans(setup: KindScanSetup, groups: readonly KindGroup[], workers: number, read: (bytes: number, records: number) => void): Promise<KindScanResult[]> {
  if (workers <= 0 || groups.length <= 1) {
    const progress = { onBytes: (n: number) => read(n, 0), onRecord: () => read(0, 1) };
    const out: KindScanResult[] = [];
    for (const g of groups) out.push(await scanKind(setup, g.kind, g.pairs, progress));
    return out;
  }
  const queue = groups.map((g, index) => ({ g, index })).sort((a, b) => b.g.bytes - a.g.bytes || a.index - b.index);
  const results = new Array<KindScanResult>(groups.length);
  const pool = Array.from({ length: Math.min(workers, groups.length) }, () => new Worker(new URL('./kind-scan-worker.js', import.meta.url), { workerData: setup }));
  try {
    await Promise.all(
      pool.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            let current: number | undefined;
            const next = () => {
              const job = queue.shift();
              if (!job) return resolve();
              current = job.index;
              worker.postMessage({ kind: job.g.kind, pairs: job.g.pairs });
            };
            worker.on('message', (m: KindScanMessage) => {
              if (m.type === 'progress') read(m.bytes, m.records);
              else if (m.type === 'done') {
                results[current!] = m.result;
                next();
              } else reject(new Error(`validate worker failed on ${groups[current!]!.kind}: ${m.error}`));
            });
            worker.once('error', reject);
            worker.once('exit', (code) => {
              if (current !== undefined && results[current] === undefined) reject(new Error(`validate worker stopped (exit code ${code}) while scanning ${groups[current]!.kind}`));
            });
            next();
          }),
      ),
    );
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  return results;
}

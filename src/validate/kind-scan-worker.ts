// Worker thread of `validate`: scans the record kinds it is sent, one at a time, and reports
// bytes and records read as it goes (batched, so messages stay few).
import { parentPort, workerData } from 'node:worker_threads';
import type { RecordKind } from '../model/record.js';
import { scanKind, type KindScanResult, type KindScanSetup } from './kind-scan.js';
import type { FilePair } from './scan-pair.js';

export type KindScanMessage = { type: 'progress'; bytes: number; records: number } | { type: 'done'; result: KindScanResult } | { type: 'error'; error: string };

const PROGRESS_BYTES = 1 << 20;
const setup = workerData as KindScanSetup;
const port = parentPort!;

port.on('message', (job: { kind: RecordKind; pairs: FilePair[] }) => {
  let bytes = 0;
  let records = 0;
  const flush = () => {
    if (bytes === 0 && records === 0) return;
    port.postMessage({ type: 'progress', bytes, records } satisfies KindScanMessage);
    bytes = 0;
    records = 0;
  };
  const progress = {
    onBytes: (n: number) => {
      bytes += n;
      if (bytes >= PROGRESS_BYTES) flush();
    },
    onRecord: () => {
      records++;
    },
  };
  scanKind(setup, job.kind, job.pairs, progress).then(
    (result) => {
      flush();
      port.postMessage({ type: 'done', result } satisfies KindScanMessage);
    },
    (err: unknown) => port.postMessage({ type: 'error', error: err instanceof Error ? (err.stack ?? err.message) : String(err) } satisfies KindScanMessage),
  );
});

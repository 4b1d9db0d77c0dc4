// Runs chunks on worker threads (or inline) and hands results back strictly in chunk order,
// with a bounded number in flight so memory stays flat however long the range.
import { Worker } from 'node:worker_threads';
import { allGenerators } from '../generators/registry.js';
import { World, type RunOptions, type WorldConfig } from '../simulation/world.js';
import { ChunkBuffers, generateChunk } from './chunk.js';
import type { OutputFormat } from './compress.js';
import { encodeChunk, type EncodedChunk } from './encoded-chunk.js';
import { delayOptimisation } from './jit.js';
import { chunkAt } from './plan.js';

export interface WorkerSetup {
  readonly config: WorldConfig;
  readonly options: RunOptions;
  readonly chunkMs: number;
  readonly format: OutputFormat;
  readonly gzipLevel: number;
}

type Reply = { ok: true; chunk: EncodedChunk } | { ok: false; index: number; error: string };

/** Generates chunks [0, count) and calls `consume` for each in order; `workers` 0 runs inline. */
export async function runChunks(setup: WorkerSetup, count: number, workers: number, consume: (chunk: EncodedChunk) => void | Promise<void>, signal?: AbortSignal): Promise<void> {
  delayOptimisation();
  if (workers <= 0) {
    const world = new World(setup.config, setup.options);
    const generators = allGenerators();
    const range = { start: setup.options.start, end: setup.options.end };
    const buffers = new ChunkBuffers();
    for (let i = 0; i < count; i++) {
      if (signal?.aborted) throw signal.reason;
      await consume(encodeChunk(i, generateChunk(world, generators, chunkAt(range, setup.chunkMs, i), buffers), setup.format, setup.gzipLevel));
    }
    return;
  }
  const n = Math.max(1, Math.min(workers, count));
  // The live heap of a worker is small (tens of MB); a cap on the old generation makes V8
  // collect before its lazy growth pushes RSS past a few hundred MB. Heavier volumes make
  // bigger windows, so the cap grows with them.
  const resourceLimits = { maxYoungGenerationSizeMb: 32, maxOldGenerationSizeMb: Math.round(160 + 4 * setup.options.volumeMultiplier) };
  const pool = Array.from({ length: n }, () => new Worker(new URL('./chunk-worker.js', import.meta.url), { workerData: setup, resourceLimits }));
  const maxInFlight = n * 2;
  const done = new Map<number, EncodedChunk>();
  let next = 0;
  let delivered = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      let failed = false;
      const fail = (err: unknown) => {
        if (failed) return;
        failed = true;
        reject(err);
      };
      const idle: Worker[] = [];
      const dispatch = () => {
        while (idle.length > 0 && next < count && next - delivered < maxInFlight) idle.pop()!.postMessage(next++);
      };
      let draining = false;
      const drain = async () => {
        if (draining) return;
        draining = true;
        try {
          while (done.has(delivered)) {
            const chunk = done.get(delivered)!;
            done.delete(delivered);
            await consume(chunk);
            delivered++;
          }
        } catch (err) {
          fail(err);
          return;
        } finally {
          draining = false;
        }
        if (delivered === count) resolve();
        else dispatch();
      };
      signal?.addEventListener('abort', () => fail(signal.reason), { once: true });
      for (const w of pool) {
        w.on('message', (reply: Reply) => {
          if (!reply.ok) return fail(new Error(`chunk ${reply.index} failed in a worker:\n${reply.error}`));
          done.set(reply.chunk.index, reply.chunk);
          idle.push(w);
          void drain();
        });
        w.on('error', fail);
        w.on('exit', (code) => {
          if (code !== 0) fail(new Error(`a worker exited with code ${code}`));
        });
        idle.push(w);
      }
      if (count === 0) resolve();
      else dispatch();
    });
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
}

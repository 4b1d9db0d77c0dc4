// Worker thread: builds the World once, then generates and compresses the chunks it is sent.
import { parentPort, workerData } from 'node:worker_threads';
import { allGenerators } from '../generators/registry.js';
import { World } from '../simulation/world.js';
import { chunkAt } from './plan.js';
import { ChunkBuffers, generateChunk } from './chunk.js';
import { encodeChunk, transferables } from './encoded-chunk.js';
import type { WorkerSetup } from './worker-pool.js';

const setup = workerData as WorkerSetup;
const world = new World(setup.config, setup.options);
const generators = allGenerators();
const range = { start: setup.options.start, end: setup.options.end };
const buffers = new ChunkBuffers();

parentPort!.on('message', (index: number) => {
  try {
    const out = generateChunk(world, generators, chunkAt(range, setup.chunkMs, index), buffers);
    const encoded = encodeChunk(index, out, setup.format, setup.gzipLevel);
    parentPort!.postMessage({ ok: true, chunk: encoded }, transferables(encoded));
  } catch (err) {
    parentPort!.postMessage({ ok: false, index, error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  }
});

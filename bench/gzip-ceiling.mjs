// How fast generation could be if making records cost nothing: re-compresses a generated
// dataset's records and labels (decompressed first, not timed) at the same gzip level, in
// pieces of about a chunk's size, on as many worker threads as generation used. Records per
// second of compression alone is a ceiling no generator can pass on this machine.
// Usage: node bench/gzip-ceiling.mjs DATASET_DIR LEVEL THREADS  (prints one JSON line)
import { createReadStream, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { createGunzip } from 'node:zlib';

const PIECE_BYTES = 1 << 20;
const [dir, levelArg, threadsArg] = process.argv.slice(2);
const level = Number(levelArg ?? 6);
const threads = Number(threadsArg ?? 2);

function gzipFiles(root) {
  const out = [];
  for (const name of readdirSync(root)) {
    const path = join(root, name);
    if (statSync(path).isDirectory()) out.push(...gzipFiles(path));
    else if (name.endsWith('.jsonl.gz')) out.push(path);
  }
  return out.sort();
}

/** The file's text in line-aligned pieces of about PIECE_BYTES, each with its own memory (to hand over). */
async function piecesOf(file) {
  const out = [];
  let lines = 0;
  let rest = Buffer.alloc(0);
  let parts = [];
  let size = 0;
  // Cuts whole pieces off the front of the text; returns what is left for the next round.
  const cut = (text) => {
    let start = 0;
    for (let nl; text.length - start >= PIECE_BYTES && (nl = text.indexOf(0x0a, start + PIECE_BYTES - 1)) >= 0; start = nl + 1) {
      out.push(new Uint8Array(text.subarray(start, nl + 1)));
    }
    return text.subarray(start);
  };
  for await (const part of createReadStream(file).pipe(createGunzip())) {
    for (let i = part.indexOf(0x0a); i >= 0; i = part.indexOf(0x0a, i + 1)) lines++;
    parts.push(part);
    size += part.length;
    if (size < 2 * PIECE_BYTES) continue;
    rest = cut(Buffer.concat([rest, ...parts]));
    parts = [];
    size = 0;
  }
  rest = cut(Buffer.concat([rest, ...parts]));
  if (rest.length > 0) out.push(new Uint8Array(rest));
  return { pieces: out, lines };
}

const workerCode = `
  const { parentPort } = require('node:worker_threads');
  const { gzipSync } = require('node:zlib');
  parentPort.on('message', ({ piece, level }) => parentPort.postMessage(gzipSync(piece, { level }).byteLength));
`;
const workers = Array.from({ length: threads }, () => new Worker(workerCode, { eval: true }));

/** One piece through one worker: resolves with its compressed size. */
const compressOne = (worker, piece) =>
  new Promise((resolve) => {
    worker.once('message', resolve);
    worker.postMessage({ piece, level }, [piece.buffer]);
  });

/** Compresses every piece, each worker taking the next one when it is done; returns seconds and bytes out. */
async function compressAll(all) {
  let next = 0;
  let compressed = 0;
  const t0 = performance.now();
  await Promise.all(
    workers.map(async (w) => {
      while (next < all.length) {
        const bytes = await compressOne(w, all[next++]);
        compressed += bytes; // not `compressed += await`: that reads the sum before waiting
      }
    }),
  );
  return { seconds: (performance.now() - t0) / 1000, compressed };
}

let seconds = 0;
let raw = 0;
let compressed = 0;
let records = 0;
for (const file of gzipFiles(dir)) {
  const { pieces, lines } = await piecesOf(file);
  if (!file.includes('/labels/')) records += lines;
  for (const p of pieces) raw += p.byteLength;
  const r = await compressAll(pieces);
  seconds += r.seconds;
  compressed += r.compressed;
}
await Promise.all(workers.map((w) => w.terminate()));
console.log(
  JSON.stringify({ records, rawBytes: raw, compressedBytes: compressed, seconds, recordsPerSecond: records / seconds, mbPerSecondPerThread: raw / 1e6 / seconds / threads, cpuMicrosPerRecord: (seconds * threads * 1e6) / records }),
);

// Each chunk's text becomes one gzip member per file (members concatenate into a valid gzip
// file, as RFC 1952 allows), compressed where it was generated so every core compresses.
import { gzipSync } from 'node:zlib';

export type OutputFormat = 'jsonl.gz' | 'jsonl';

export function encodeText(raw: Buffer, format: OutputFormat, level: number): Buffer {
  // A copy for plain output: the raw bytes are a view into a builder's larger buffer.
  return format === 'jsonl.gz' ? gzipSync(raw, { level }) : Buffer.from(raw);
}

/** A gzip member with nothing in it: how an empty .jsonl.gz file stays a valid gzip file. */
export function emptyFile(format: OutputFormat): Buffer {
  return format === 'jsonl.gz' ? gzipSync(Buffer.alloc(0)) : Buffer.alloc(0);
}

// A chunk as it travels from a worker to the writer: compressed bytes per file plus counts.
import type { RecordKind } from '../model/record.js';
import type { TimeWindow } from '../time/calendar.js';
import type { ChunkOutput } from './chunk.js';
import { encodeText, type OutputFormat } from './compress.js';

export interface EncodedKind {
  readonly kind: RecordKind;
  readonly records: Uint8Array;
  readonly labels: Uint8Array;
  readonly count: number;
  readonly rawBytes: number;
}

export interface EncodedChunk {
  readonly index: number;
  readonly window: TimeWindow;
  readonly kinds: EncodedKind[];
  readonly incidentStats: ChunkOutput['incidentStats'];
}

export function encodeChunk(index: number, out: ChunkOutput, format: OutputFormat, level: number): EncodedChunk {
  return {
    index,
    window: out.window,
    incidentStats: out.incidentStats,
    kinds: out.kinds.map((k) => ({
      kind: k.kind,
      records: encodeText(k.records, format, level),
      labels: encodeText(k.labels, format, level),
      count: k.count,
      rawBytes: k.records.byteLength,
    })),
  };
}

/** Buffers to hand over without copying. */
export function transferables(chunk: EncodedChunk): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  for (const k of chunk.kinds) {
    for (const b of [k.records, k.labels]) {
      // Node's small Buffers share a pooled ArrayBuffer; only whole, unshared ones can move.
      if (b.byteOffset === 0 && b.byteLength === b.buffer.byteLength && b.buffer instanceof ArrayBuffer) out.push(b.buffer);
    }
  }
  return [...new Set(out)];
}

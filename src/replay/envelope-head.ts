// The kind and time of a record line, read where obsynth writes them. Every record line starts
// {"id":"…","kind":"…","timestamp":N, so both sit right after the id: reading them there takes a
// few dozen byte compares, where searching the line for each key took two native searches and a
// string per line (a replay reads every line's head, most of them never parsed). A line laid out
// otherwise (edited by hand, written by another tool) is searched as before.
import { RECORD_KINDS, type RecordKind } from '../model/record.js';
import { kindOfLine, timestampOfLine } from './record-stream.js';

const ID_OPEN = Buffer.from('{"id":"');
const KIND_OPEN = Buffer.from(',"kind":"');
const TIMESTAMP_OPEN = Buffer.from(',"timestamp":');
const QUOTE = 34;
const BACKSLASH = 92;

/** One byte more of a kind name's hash (its table below, and the reader, use the same). */
const mix = (h: number, byte: number): number => (Math.imul(h, 31) + byte) | 0;

const KIND_BYTES: ReadonlyMap<number, { kind: RecordKind; bytes: Buffer }> = (() => {
  const byHash = new Map<number, { kind: RecordKind; bytes: Buffer }>();
  for (const kind of RECORD_KINDS) {
    const bytes = Buffer.from(kind, 'latin1');
    const h = bytes.reduce(mix, 0);
    if (byHash.has(h)) throw new Error(`record kinds ${byHash.get(h)!.kind} and ${kind} hash alike`);
    byHash.set(h, { kind, bytes });
  }
  return byHash;
})();

/** True when `line` holds `expected` at `at`. */
function holds(line: Uint8Array, at: number, expected: Uint8Array): boolean {
  if (at + expected.length > line.length) return false;
  for (let i = 0; i < expected.length; i++) if (line[at + i] !== expected[i]) return false;
  return true;
}

/** Reads lines' heads into its fields (one reader per cursor: nothing is allocated per line). */
export class EnvelopeHead {
  /** The envelope's kind; undefined when it names no known kind. */
  kind: RecordKind | undefined = undefined;
  /** The envelope's timestamp (epoch ms); NaN when it has none. */
  time = Number.NaN;

  read(line: Buffer): void {
    if (!this.readInPlace(line)) {
      this.kind = kindOfLine(line);
      this.time = timestampOfLine(line);
    }
  }

  /** Gives the same kind and time as the searches, for the lines it accepts. */
  private readInPlace(line: Buffer): boolean {
    if (!holds(line, 0, ID_OPEN)) return false;
    // The id: no quote or backslash inside, so the first quote ends it.
    let i = ID_OPEN.length;
    for (; i < line.length; i++) {
      const c = line[i]!;
      if (c === QUOTE) break;
      if (c === BACKSLASH) return false;
    }
    if (!holds(line, i + 1, KIND_OPEN)) return false;
    const kindStart = i + 1 + KIND_OPEN.length;
    let h = 0;
    for (i = kindStart; i < line.length; i++) {
      const c = line[i]!;
      if (c === QUOTE) break;
      if (c === BACKSLASH) return false;
      h = mix(h, c);
    }
    if (!holds(line, i + 1, TIMESTAMP_OPEN)) return false;
    const known = KIND_BYTES.get(h);
    this.kind = known !== undefined && known.bytes.length === i - kindStart && holds(line, kindStart, known.bytes) ? known.kind : undefined;
    let n = 0;
    for (let j = i + 1 + TIMESTAMP_OPEN.length; j < line.length; j++) {
      const c = line[j]!;
      if (c < 48 || c > 57) break;
      n = n * 10 + (c - 48);
    }
    this.time = n;
    return true;
  }
}

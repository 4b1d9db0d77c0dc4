// Records of a dataset folder, merged across kinds in timestamp order, day by day. Each file is
// read as a stream (gzip members decompressed on the fly), so memory stays flat.
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { UsageError } from '../config/errors.js';
import { RECORD_KINDS, type CloudWatchAlarmDefinition, type RecordKind } from '../model/record.js';
import { ALARM_DEFINITIONS, MANIFEST } from '../sinks/file/dataset-layout.js';
import { EnvelopeHead } from './envelope-head.js';
import { LineRecord, RUN_LENGTH, type RecordSource, type SourceDocuments, type StreamedRecord } from './record-stream.js';

interface ManifestFile {
  path: string;
  kind: RecordKind;
  role: 'records' | 'labels';
  day?: string;
  records: number;
}

interface Manifest {
  range: { start: string; end: string };
  files: ManifestFile[];
}

export class DatasetSource implements RecordSource {
  readonly identity: string;
  readonly range: { start: number; end: number };
  readonly live = false;
  private readonly manifest: Manifest;

  constructor(private readonly dir: string) {
    const path = join(dir, MANIFEST);
    if (!existsSync(path)) throw new UsageError(`${dir} is not a dataset: ${MANIFEST} is missing (was the generate run interrupted?)`);
    const text = readFileSync(path, 'utf8');
    this.manifest = JSON.parse(text) as Manifest;
    this.identity = `dataset:${createHash('sha256').update(text).digest('hex')}`;
    this.range = { start: Date.parse(this.manifest.range.start), end: Date.parse(this.manifest.range.end) };
  }

  documents(): SourceDocuments {
    const path = join(this.dir, ALARM_DEFINITIONS);
    return { alarmDefinitions: existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as CloudWatchAlarmDefinition[]) : [] };
  }

  /** Record files grouped by day (undefined day = unsplit), days in order, kinds in a fixed order. */
  private groups(): ManifestFile[][] {
    const files = this.manifest.files.filter((f) => f.role === 'records');
    const days = [...new Set(files.map((f) => f.day ?? ''))].sort();
    const order = (k: RecordKind) => RECORD_KINDS.indexOf(k);
    return days.map((d) => files.filter((f) => (f.day ?? '') === d).sort((a, b) => order(a.kind) - order(b.kind)));
  }

  /**
   * Only the files of wanted kinds are read (a replay into Sentry does not decompress the
   * container logs), so seq numbers the wanted records: the checkpoint keeps the kinds it was
   * made with, and a resume with other kinds is refused.
   */
  async *runs(wanted: ReadonlySet<RecordKind>, after: number, signal?: AbortSignal): AsyncIterable<readonly StreamedRecord[]> {
    let seq = 0;
    let run: StreamedRecord[] = [];
    for (const all of this.groups()) {
      const group = all.filter((f) => wanted.has(f.kind));
      if (group.length === 0) continue;
      // Skip whole day groups that are before the checkpoint without reading them.
      const count = group.reduce((a, f) => a + f.records, 0);
      if (seq + count <= after) {
        seq += count;
        continue;
      }
      const heads = group.map((f) => new LineCursor(join(this.dir, f.path)));
      try {
        for (const h of heads) await h.next();
        for (;;) {
          if (signal?.aborted) return;
          // The smallest timestamp next (ties: the kind order), keeping each file's own order.
          let best = -1;
          let bestTime = Infinity;
          for (let i = 0; i < heads.length; i++) {
            const t = heads[i]!.time;
            if (t < bestTime) {
              bestTime = t;
              best = i;
            }
          }
          if (best < 0) break;
          const head = heads[best]!;
          seq++;
          if (seq > after) {
            const kind = head.kind;
            if (kind && wanted.has(kind)) run.push(new LineRecord(seq, head.line!, kind, bestTime));
          }
          const more = head.next();
          // A run ends where reading must wait, so the engine never waits on records it holds.
          if (run.length >= RUN_LENGTH || (more && run.length > 0)) {
            yield run;
            run = [];
          }
          if (more) await more;
        }
        if (run.length > 0) {
          yield run;
          run = [];
        }
      } finally {
        for (const h of heads) h.close();
      }
    }
  }
}

/**
 * Reads a (gzipped) JSON Lines file one line at a time: lines are cut from the decompressed
 * chunks directly, and only running out of a chunk waits (readline's async iterator costs a
 * promise and an expression match per line, which showed in a replay's profile).
 */
class LineCursor {
  line: Buffer | undefined;
  time = Infinity;
  kind: RecordKind | undefined;
  private readonly head = new EnvelopeHead();
  private chunk: Buffer = Buffer.alloc(0);
  private pos = 0;
  private ended = false;
  private readonly chunks: AsyncIterator<Buffer>;
  private readonly close_: () => void;

  constructor(path: string) {
    const raw = createReadStream(path, { highWaterMark: 1 << 16 });
    const input = path.endsWith('.gz') ? raw.pipe(createGunzip({ chunkSize: 1 << 16 })) : raw;
    this.chunks = input[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    this.close_ = () => {
      input.destroy();
      raw.destroy();
    };
  }

  /** The next non-empty line: at once when the current chunk holds it, else a promise. */
  next(): Promise<void> | undefined {
    return this.take() ? undefined : this.fill();
  }

  private async fill(): Promise<void> {
    while (!this.ended) {
      const r = await this.chunks.next();
      if (r.done) {
        this.ended = true;
        break;
      }
      const rest = this.chunk.subarray(this.pos);
      this.chunk = rest.length > 0 ? Buffer.concat([rest, r.value]) : r.value;
      this.pos = 0;
      if (this.take()) return;
    }
    // A last line without its newline still counts.
    let end = this.chunk.length;
    if (end > this.pos && this.chunk[end - 1] === 13) end--;
    const last = end > this.pos ? this.chunk.subarray(this.pos, end) : undefined;
    this.chunk = Buffer.alloc(0);
    this.pos = 0;
    this.set(last);
  }

  /** Cuts the next non-empty line out of the chunk; false when the chunk has no whole line left. */
  private take(): boolean {
    for (;;) {
      const nl = this.chunk.indexOf(10, this.pos);
      if (nl < 0) return false;
      let end = nl;
      if (end > this.pos && this.chunk[end - 1] === 13) end--;
      const start = this.pos;
      this.pos = nl + 1;
      if (end === start) continue;
      this.set(this.chunk.subarray(start, end));
      return true;
    }
  }

  private set(line: Buffer | undefined): void {
    this.line = line;
    if (line === undefined) {
      this.time = Infinity;
      this.kind = undefined;
      return;
    }
    this.head.read(line);
    this.time = this.head.time;
    this.kind = this.head.kind;
  }

  close(): void {
    this.close_();
  }
}

// Reads a dataset file line by line with flat memory, gzip or plain, while hashing the bytes on
// disk in the same pass (so a multi-GB file is read once). A read error (a corrupt gzip member,
// a truncated file) ends the lines and is kept, not thrown: the caller reports it with the line
// it happened after and goes on with the other files.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { pipeline, Transform, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

export interface FileDigest {
  readonly bytes: number;
  readonly sha256: string;
}

export class LineReader {
  /** Lines handed out so far (the 1-based number of the last one). */
  line = 0;
  /** Set when reading failed; lines stop there. */
  error: Error | undefined;
  /** False when the last line had no newline after it (the writer always ends lines). */
  finalNewline = true;

  private readonly hash = createHash('sha256');
  private bytes = 0;
  private sourceEnded = false;
  private readonly decoder = new StringDecoder('utf8');
  private readonly stream: Readable;
  private readonly chunks: AsyncIterator<Buffer>;
  private lines: string[] = [];
  private pos = 0;
  private carry = '';
  private ended = false;

  constructor(
    readonly path: string,
    gzip: boolean,
    onBytes?: (n: number) => void,
  ) {
    const source = createReadStream(path, { highWaterMark: 1 << 20 });
    source.once('end', () => (this.sourceEnded = true));
    const tap = new Transform({
      transform: (chunk: Buffer, _encoding, done) => {
        this.hash.update(chunk);
        this.bytes += chunk.length;
        onBytes?.(chunk.length);
        done(null, chunk);
      },
    });
    const ignore = () => undefined; // errors surface through the iterator below
    this.stream = gzip ? pipeline(source, tap, createGunzip(), ignore) : pipeline(source, tap, ignore);
    this.chunks = this.stream[Symbol.asyncIterator]();
  }

  /** The next line (without its newline), or undefined at the end or after a read error. */
  async next(): Promise<string | undefined> {
    while (this.pos >= this.lines.length) {
      if (this.ended) return undefined;
      await this.fill();
    }
    this.line++;
    return this.lines[this.pos++];
  }

  private async fill(): Promise<void> {
    let chunk: IteratorResult<Buffer>;
    try {
      chunk = await this.chunks.next();
    } catch (err) {
      this.error = err instanceof Error ? err : new Error(String(err));
      this.ended = true;
      this.lines = [];
      this.pos = 0;
      return;
    }
    if (chunk.done) {
      this.ended = true;
      const tail = this.carry + this.decoder.end();
      this.carry = '';
      this.lines = tail === '' ? [] : [tail];
      this.pos = 0;
      if (tail !== '') this.finalNewline = false;
      return;
    }
    const parts = (this.carry + this.decoder.write(chunk.value)).split('\n');
    this.carry = parts.pop()!;
    this.lines = parts;
    this.pos = 0;
  }

  /** Size and sha256 of the whole file on disk (hashes the rest when reading stopped early). */
  async digest(): Promise<FileDigest> {
    if (this.ended && this.sourceEnded && !this.error) return { bytes: this.bytes, sha256: this.hash.digest('hex') };
    this.stream.destroy();
    return digestFile(this.path);
  }

  close(): void {
    this.stream.destroy();
  }
}

/** sha256 and size of a file, streamed. */
export async function digestFile(path: string): Promise<FileDigest> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  return { bytes, sha256: hash.digest('hex') };
}

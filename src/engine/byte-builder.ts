// Appends strings as UTF-8 into one growing buffer: a chunk's lines end up as bytes without
// building a giant string first (which costs a flatten and a lot of garbage).
export class ByteBuilder {
  private buf: Buffer;
  private length = 0;

  constructor(initialBytes = 1 << 16) {
    this.buf = Buffer.allocUnsafe(initialBytes);
  }

  append(text: string): void {
    // UTF-8 needs at most 3 bytes per UTF-16 code unit.
    const need = this.length + text.length * 3;
    if (need > this.buf.length) {
      const next = Buffer.allocUnsafe(Math.max(need, this.buf.length * 2));
      this.buf.copy(next, 0, 0, this.length);
      this.buf = next;
    }
    this.length += this.buf.write(text, this.length, 'utf8');
  }

  /** Appends bytes from another buffer (e.g. a range of another builder's bytes). */
  appendBytes(source: Buffer, start: number, end: number): void {
    const need = this.length + (end - start);
    if (need > this.buf.length) {
      const next = Buffer.allocUnsafe(Math.max(need, this.buf.length * 2));
      this.buf.copy(next, 0, 0, this.length);
      this.buf = next;
    }
    this.length += source.copy(this.buf, this.length, start, end);
  }

  /** Empties the builder, keeping its memory for the next use. */
  reset(): this {
    this.length = 0;
    return this;
  }

  get byteLength(): number {
    return this.length;
  }

  /** The bytes written so far (a view; copy it if the builder is used again). */
  bytes(): Buffer {
    return this.buf.subarray(0, this.length);
  }
}

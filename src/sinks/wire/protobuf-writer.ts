// A small protocol-buffers writer for the two messages our HTTP sinks send (Prometheus'
// WriteRequest and Loki's PushRequest): varints, doubles, strings and nested messages, written
// into one growing buffer. A nested message reserves one byte for its length and moves its bytes
// when the length needs more (rare: only messages of 128 bytes or more), the same trick
// protobufjs' Writer.fork/ldelim plays. Only non-negative integers are written (timestamps,
// lengths), so no zig-zag or ten-byte negative varints are needed.

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LEN = 2;

function varintSize(n: number): number {
  let size = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 0x80);
    size++;
  }
  return size;
}

export class ProtobufWriter {
  private buf: Buffer;
  private pos = 0;

  constructor(initialBytes = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(initialBytes);
  }

  get length(): number {
    return this.pos;
  }

  reset(): void {
    this.pos = 0;
  }

  /** The bytes written so far (a view: copy it before the next reset). */
  view(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  private ensure(extra: number): void {
    const need = this.pos + extra;
    if (need <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(need, this.buf.length * 2));
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
  }

  private rawVarint(n: number): void {
    if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`protobuf: ${n} is not a non-negative safe integer`);
    this.ensure(8);
    const buf = this.buf;
    let pos = this.pos;
    while (n >= 0x80) {
      buf[pos++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    buf[pos++] = n;
    this.pos = pos;
  }

  private tag(field: number, wire: number): void {
    this.rawVarint(field * 8 + wire);
  }

  /** A uint64/int64/int32 field holding a non-negative integer (omitted when 0, as proto3 does). */
  uint(field: number, n: number): void {
    if (n === 0) return;
    this.tag(field, WIRE_VARINT);
    this.rawVarint(n);
  }

  /** A double field (omitted when +0, as proto3 does). */
  double(field: number, v: number): void {
    if (v === 0 && !Object.is(v, -0)) return;
    this.tag(field, WIRE_FIXED64);
    this.ensure(8);
    this.buf.writeDoubleLE(v, this.pos);
    this.pos += 8;
  }

  /** A string field (omitted when empty, as proto3 does). */
  string(field: number, s: string): void {
    if (s.length === 0) return;
    this.tag(field, WIRE_LEN);
    if (s.length < 43) {
      // At most 3 bytes per UTF-16 unit: the length fits in one byte.
      this.ensure(1 + s.length * 3);
      const n = this.buf.write(s, this.pos + 1, 'utf8');
      this.buf[this.pos] = n;
      this.pos += 1 + n;
      return;
    }
    const n = Buffer.byteLength(s, 'utf8');
    this.rawVarint(n);
    this.ensure(n);
    this.buf.write(s, this.pos, n, 'utf8');
    this.pos += n;
  }

  /** Starts a nested message field; pass the result to end(). */
  begin(field: number): number {
    this.tag(field, WIRE_LEN);
    this.ensure(1);
    const start = this.pos;
    this.pos += 1;
    return start;
  }

  /** Ends a nested message started with begin(), writing its length in front of it. */
  end(start: number): void {
    const len = this.pos - start - 1;
    const size = varintSize(len);
    if (size > 1) {
      this.ensure(size - 1);
      this.buf.copyWithin(start + size, start + 1, this.pos);
      this.pos += size - 1;
    }
    let pos = start;
    let n = len;
    while (n >= 0x80) {
      this.buf[pos++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    this.buf[pos] = n;
  }
}

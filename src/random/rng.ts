// The only place randomness is made. Everything random in obsynth draws from an Rng seeded from
// the global seed plus the name of what it is for, so streams never disturb one another and the
// same seed gives the same output whatever order (or worker) the work runs in.

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** 32-bit string hash (FNV-1a followed by a murmur3 finaliser for avalanche). */
export function hashString(text: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return mix32(h);
}

/** murmur3 fmix32: spreads every input bit over the output. */
export function mix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Combines numbers into one 32-bit key (order matters). */
export function hashInts(...values: number[]): number {
  let h = 0x9e3779b9;
  for (const v of values) {
    // Split numbers wider than 32 bits (epoch minutes, ms) so the high part counts too.
    const lo = v >>> 0;
    const hi = Math.floor(v / 4294967296) >>> 0;
    h = mix32(h ^ lo) + 0x9e3779b9;
    h = mix32(h ^ hi);
  }
  return h >>> 0;
}

/** A uniform float in [0, 1) that is a pure function of its key: noise without state. */
export function hashUnit(...values: number[]): number {
  return hashInts(...values) / 4294967296;
}

/** A seed path: the global seed plus names and numbers saying what the stream is for. */
export type SeedPart = string | number;

export function deriveSeed(seed: number, ...parts: SeedPart[]): number {
  let h = hashInts(seed);
  for (const part of parts) h = typeof part === 'number' ? hashInts(h, part) : hashString(part, h);
  return h;
}

/**
 * sfc32: small, fast, passes PractRand to 2^40+, and its state fits in 32-bit integers,
 * which is what V8 computes fastest.
 */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spareNormal: number | undefined;

  constructor(seed: number) {
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = 0xb7e15162;
    this.d = seed >>> 0;
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  static derive(seed: number, ...parts: SeedPart[]): Rng {
    return new Rng(deriveSeed(seed, ...parts));
  }

  /** A child stream, independent of how much this one has been used afterwards. */
  fork(...parts: SeedPart[]): Rng {
    return new Rng(deriveSeed(this.nextUint32(), ...parts));
  }

  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Integer in [min, max] inclusive. */
  intBetween(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** Float in [min, max). */
  between(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  chance(p: number): boolean {
    return p > 0 && this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('Rng.pick: empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** Picks by weight; `cumulative` is a running sum of weights (see cumulativeWeights). */
  pickWeighted<T>(items: readonly T[], cumulative: readonly number[]): T {
    const total = cumulative[cumulative.length - 1] ?? 0;
    const x = this.next() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cumulative[mid] as number) > x) hi = mid;
      else lo = mid + 1;
    }
    return items[lo] as T;
  }

  /** Standard normal (Marsaglia polar method, keeping the spare). */
  normal(mean = 0, sd = 1): number {
    if (this.spareNormal !== undefined) {
      const z = this.spareNormal;
      this.spareNormal = undefined;
      return mean + sd * z;
    }
    let u = 0;
    let v = 0;
    let s = 0;
    do {
      u = this.next() * 2 - 1;
      v = this.next() * 2 - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spareNormal = v * f;
    return mean + sd * u * f;
  }

  /** Log-normal with the given median and shape (sigma of the underlying normal). */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(this.normal(0, sigma));
  }

  exponential(mean: number): number {
    return -mean * Math.log(1 - this.next());
  }

  /** Poisson count; Knuth for small means, a rounded normal for large ones. */
  poisson(mean: number): number {
    if (mean <= 0) return 0;
    if (mean > 40) return Math.max(0, Math.round(this.normal(mean, Math.sqrt(mean))));
    const limit = Math.exp(-mean);
    let k = 0;
    let p = 1;
    do {
      k++;
      p *= this.next();
    } while (p > limit);
    return k - 1;
  }

  /** `bytes` random bytes as lowercase hex (trace ids: 16, span ids: 8). */
  hex(bytes: number): string {
    let out = '';
    for (let i = 0; i < bytes; i += 4) {
      const word = this.nextUint32();
      out += HEX[word & 0xff]! + HEX[(word >>> 8) & 0xff]! + HEX[(word >>> 16) & 0xff]! + HEX[word >>> 24]!;
    }
    return out.length === bytes * 2 ? out : out.slice(0, bytes * 2);
  }

  /** A random (version 4) UUID. */
  uuid(): string {
    const h = this.hex(16);
    const variant = '89ab'[this.int(4)]!;
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }

  /** Random characters from an alphabet. */
  chars(alphabet: string, length: number): string {
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet[this.int(alphabet.length)];
    return out;
  }

  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = items[i] as T;
      items[i] = items[j] as T;
      items[j] = tmp;
    }
    return items;
  }
}

export function cumulativeWeights(weights: readonly number[]): number[] {
  const out: number[] = [];
  let sum = 0;
  for (const w of weights) {
    sum += Math.max(0, w);
    out.push(sum);
  }
  return out;
}

/** Hex of a 32-bit number, zero-padded (deterministic ids built from hashes). */
export function hex32(value: number): string {
  const v = value >>> 0;
  return HEX[v >>> 24]! + HEX[(v >>> 16) & 0xff]! + HEX[(v >>> 8) & 0xff]! + HEX[v & 0xff]!;
}

/**
 * Smooth noise in [-1, 1]: hashed values at knots `period` apart, cosine-interpolated, so a
 * series wanders instead of jumping; a pure function of (key, t).
 */
export function smoothNoise(key: number, t: number, period: number): number {
  const x = t / period;
  const k = Math.floor(x);
  const f = x - k;
  const a = hashUnit(key, k) * 2 - 1;
  const b = hashUnit(key, k + 1) * 2 - 1;
  const w = (1 - Math.cos(f * Math.PI)) / 2;
  return a * (1 - w) + b * w;
}

/** Approximately standard-normal value that is a pure function of its key (sum of 4 uniforms). */
export function hashNormal(...values: number[]): number {
  const h = hashInts(...values);
  const u1 = (h & 0xff) / 255;
  const u2 = ((h >>> 8) & 0xff) / 255;
  const u3 = ((h >>> 16) & 0xff) / 255;
  const u4 = (h >>> 24) / 255;
  return (u1 + u2 + u3 + u4 - 2) * 1.7320508;
}

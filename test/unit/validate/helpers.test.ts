// The small pieces validate relies on: Go duration text, arrival-order allowances, the line
// reader on concatenated gzip members and on a cut-off file.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { ArrivalOrder } from '../../../src/validate/arrival-order.js';
import { LineReader } from '../../../src/validate/line-reader.js';
import { formatGoDuration, parseGoDuration } from '../../../src/validate/schemas/go-duration.js';
import { tempDir } from './support/dataset.js';

describe('Go durations', () => {
  it('print the way Duration.String() does', () => {
    expect(formatGoDuration(60e9)).toBe('1m0s');
    expect(formatGoDuration(20.048e9)).toBe('20.048s');
    expect(formatGoDuration(3600e9 + 1e9)).toBe('1h0m1s');
    expect(formatGoDuration(500e6)).toBe('500ms');
    expect(formatGoDuration(1500)).toBe('1.5µs');
  });

  it('parse what time.ParseDuration reads', () => {
    expect(parseGoDuration('60s')).toBe(60e9);
    expect(parseGoDuration('1m0s')).toBe(60e9);
    expect(parseGoDuration('1.5h')).toBe(5400e9);
    expect(parseGoDuration('60')).toBeUndefined();
  });
});

describe('arrival order', () => {
  it('allows exactly what the label declares', () => {
    const order = new ArrivalOrder(45_000, 1_000);
    expect(order.observe(10_000, {}).lagMs).toBe(0);
    expect(order.observe(4_000, {})).toEqual({ lagMs: 6_000, allowedMs: 0 });
    // No label to go by: only the configured lateness and skew.
    expect(order.observe(4_000, undefined)).toEqual({ lagMs: 6_000, allowedMs: 47_000 });
    expect(order.observe(4_000, { late_ms: 6_000 })).toEqual({ lagMs: 6_000, allowedMs: 6_000 });
    expect(order.observe(4_000, { duplicate: true })).toEqual({ lagMs: 6_000, allowedMs: 45_000 });
  });

  it('allows the difference between two declared clock skews', () => {
    const order = new ArrivalOrder(0);
    order.observe(10_000, { skew_ms: 800 });
    expect(order.observe(9_500, { skew_ms: -300 })).toEqual({ lagMs: 500, allowedMs: 1_100 });
  });
});

describe('line reader', () => {
  const dir = tempDir('reader');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function readAll(path: string, gzip: boolean) {
    const reader = new LineReader(path, gzip);
    const lines: string[] = [];
    for (let l = await reader.next(); l !== undefined; l = await reader.next()) lines.push(l);
    return { lines, reader, digest: await reader.digest() };
  }

  it('reads concatenated gzip members as one file and hashes the bytes on disk', async () => {
    const path = join(dir, 'members.jsonl.gz');
    const data = Buffer.concat([gzipSync('a\nb\n'), gzipSync(''), gzipSync('ünï\n')]);
    writeFileSync(path, data);
    const { lines, reader, digest } = await readAll(path, true);
    expect(lines).toEqual(['a', 'b', 'ünï']);
    expect(reader.error).toBeUndefined();
    expect(digest.bytes).toBe(data.length);
  });

  it('stops at a truncated gzip file with an error instead of throwing', async () => {
    const path = join(dir, 'cut.jsonl.gz');
    const whole = gzipSync(Array.from({ length: 2000 }, (_, i) => `{"n":${i}}`).join('\n'));
    writeFileSync(path, whole.subarray(0, whole.length - 10));
    const { reader, digest } = await readAll(path, true);
    expect(reader.error?.message).toMatch(/unexpected end of file/);
    expect(digest.bytes).toBe(whole.length - 10);
  });

  it('notices a last line without a newline', async () => {
    const path = join(dir, 'plain.jsonl');
    writeFileSync(path, 'x\ny');
    const { lines, reader } = await readAll(path, false);
    expect(lines).toEqual(['x', 'y']);
    expect(reader.finalNewline).toBe(false);
  });
});

// The CSV writer against RFC 4180: what needs quotes gets them, quotes inside are doubled, records
// end in CRLF, and whatever goes in reads back unchanged, however large the file.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { csvField, csvRow, CsvWriter } from '../../../src/export/csv.js';
import { tempDir } from '../../support/cli.js';
import { parseCsv } from '../../support/csv.js';

const dir = tempDir('obsynth-csv-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('csvField', () => {
  it('leaves plain text bare and quotes what holds a comma, a quote, a CR or an LF', () => {
    expect(csvField('Loaded profile for user u-17111')).toBe('Loaded profile for user u-17111');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('line\nbreak')).toBe('"line\nbreak"');
    expect(csvField('carriage\rreturn')).toBe('"carriage\rreturn"');
    expect(csvField(' spaces kept ')).toBe(' spaces kept ');
  });

  it('writes nothing for null and undefined, 1/0 for booleans, numbers as JavaScript prints them', () => {
    expect([csvField(null), csvField(undefined), csvField(true), csvField(false), csvField(0), csvField(-1.5), csvField(1e21)]).toEqual(['', '', '1', '0', '0', '-1.5', '1e+21']);
  });

  it('ends a record in CRLF', () => {
    expect(csvRow(['a', 'b,c', ''])).toBe('a,"b,c",\r\n');
  });
});

describe('CsvWriter', () => {
  it('writes rows that read back field for field, across many buffered chunks', async () => {
    const path = join(dir, 'tricky.csv');
    const tricky = ['', ',', '"', '""', 'a "quoted" word, then more', 'multi\nline\r\nvalue', 'ünïcödé ✓ 日本', '\t tab', 'trailing comma,'];
    const w = new CsvWriter(path, ['n', 'text', 'other']);
    const rows: string[][] = [];
    // Well over the 1 MiB chunk, so the writer flushes several times.
    for (let i = 0; i < 40_000; i++) {
      const text = `${tricky[i % tricky.length]}${i % 7 === 0 ? 'x'.repeat(200) : ''}`;
      const other = tricky[(i * 5) % tricky.length]!;
      rows.push([String(i), text, other]);
      await w.write([i, text, other]);
    }
    expect(await w.close()).toBe(40_000);
    const text = readFileSync(path, 'utf8');
    expect(text.length).toBeGreaterThan(2 * 1024 * 1024);
    const parsed = parseCsv(text);
    expect(parsed[0]).toEqual(['n', 'text', 'other']);
    expect(parsed.slice(1)).toEqual(rows);
  });

  it('writes the header alone for no rows', async () => {
    const path = join(dir, 'empty.csv');
    const w = new CsvWriter(path, ['LineId', 'Content']);
    expect(await w.close()).toBe(0);
    expect(readFileSync(path, 'utf8')).toBe('LineId,Content\r\n');
  });
});

describe('the test parser', () => {
  it('refuses what RFC 4180 does not allow, so the writer tests mean something', () => {
    expect(() => parseCsv('a,b\n')).toThrow(/unexpected/);
    expect(() => parseCsv('a,"b\r\n')).toThrow(/unterminated/);
    expect(() => parseCsv('a,b"c\r\n')).toThrow(/quote inside a bare field/);
    expect(() => parseCsv('a,"b"c\r\n')).toThrow(/unexpected/);
    expect(parseCsv('a,"b ""c"", d"\r\n,\r\n')).toEqual([['a', 'b "c", d'], ['', '']]);
  });
});

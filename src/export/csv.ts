// CSV as RFC 4180 writes it: CRLF between records, a field in double quotes when it holds a
// comma, a quote, a CR or an LF, and quotes inside doubled. Rows are buffered into large chunks
// and written with back-pressure, so a slow disk slows the export instead of filling memory.
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';

export type CsvValue = string | number | boolean | null | undefined;

const NEEDS_QUOTES = /[",\r\n]/;

export function csvField(v: CsvValue): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'boolean' ? (v ? '1' : '0') : String(v);
  return NEEDS_QUOTES.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvRow(values: readonly CsvValue[]): string {
  let out = '';
  for (let i = 0; i < values.length; i++) out += (i === 0 ? '' : ',') + csvField(values[i]);
  return `${out}\r\n`;
}

const CHUNK = 1 << 20;

export class CsvWriter {
  private readonly out: WriteStream;
  private readonly done: Promise<void>;
  private pending = '';
  rows = 0;

  constructor(
    readonly path: string,
    header: readonly string[],
  ) {
    this.out = createWriteStream(path);
    this.done = finished(this.out);
    // A failing disk surfaces at the next write or at close.
    this.done.catch(() => undefined);
    this.pending = csvRow(header);
  }

  async write(values: readonly CsvValue[]): Promise<void> {
    this.pending += csvRow(values);
    this.rows++;
    if (this.pending.length >= CHUNK) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.pending === '') return;
    const chunk = this.pending;
    this.pending = '';
    if (!this.out.write(chunk)) await Promise.race([once(this.out, 'drain'), this.done]);
  }

  async close(): Promise<number> {
    await this.flush();
    this.out.end();
    await this.done;
    return this.rows;
  }
}

// A strict RFC 4180 reader for the export tests: records end in CRLF, a field is bare (no quote,
// comma, CR or LF in it) or in double quotes with quotes doubled. Anything else throws, naming
// where, so a broken writer cannot hide behind a lenient parser.
import { readFileSync } from 'node:fs';

export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  const n = text.length;
  const fail = (what: string): never => {
    throw new Error(`CSV: ${what} at offset ${i} (record ${rows.length + 1}, field ${row.length + 1})`);
  };
  if (n === 0) return rows;
  for (;;) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q < 0) fail('unterminated quoted field');
        field += text.slice(i, q);
        i = q + 1;
        if (text[i] === '"') {
          field += '"';
          i++;
        } else break;
      }
    } else {
      let j = i;
      while (j < n && text[j] !== ',' && text[j] !== '\r' && text[j] !== '\n') {
        if (text[j] === '"') fail('quote inside a bare field');
        j++;
      }
      field = text.slice(i, j);
      i = j;
    }
    row.push(field);
    if (text[i] === ',') {
      i++;
      continue;
    }
    if (text[i] === '\r' && text[i + 1] === '\n') {
      i += 2;
      rows.push(row);
      row = [];
      if (i === n) return rows;
      continue;
    }
    fail(i >= n ? 'no CRLF after the last record' : `unexpected ${JSON.stringify(text[i])}`);
  }
}

/** The rows of a CSV file as objects keyed by its header, after checking every row has the header's width. */
export function readCsv(path: string): { header: string[]; rows: Array<Record<string, string>> } {
  const [header, ...body] = parseCsv(readFileSync(path, 'utf8'));
  if (!header) throw new Error(`${path}: empty`);
  const rows = body.map((r, k) => {
    if (r.length !== header.length) throw new Error(`${path}: record ${k + 2} has ${r.length} fields, the header ${header.length}`);
    return Object.fromEntries(header.map((h, c) => [h, r[c]!]));
  });
  return { header, rows };
}

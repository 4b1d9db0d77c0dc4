// Pieces shared by obsynth's self-contained HTML reports (no script, no network): escaping, one
// colour per incident type, time-axis ticks, tables and the page around them.
import { INCIDENT_TYPES } from '../config/schema.js';

const PALETTE = ['#e6194b', '#3cb44b', '#4363d8', '#f58231', '#911eb4', '#42d4f4', '#f032e6', '#9a6324', '#469990', '#808000', '#000075', '#a9a9a9'];

export const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** An ISO time without its zero milliseconds. */
export const shortIso = (s: string) => s.replace(/\.000Z$/, 'Z');

/** The same colour for an incident type in every report. */
export function typeColor(type: string): string {
  const i = (INCIDENT_TYPES as readonly string[]).indexOf(type);
  return PALETTE[(i >= 0 ? i : [...type].reduce((a, c) => a + c.charCodeAt(0), 0)) % PALETTE.length]!;
}

const TICKS_MS = [60_000, 5 * 60_000, 15 * 60_000, 30 * 60_000, 3600_000, 2 * 3600_000, 3 * 3600_000, 6 * 3600_000, 12 * 3600_000, 86_400_000, 2 * 86_400_000, 7 * 86_400_000, 14 * 86_400_000, 30 * 86_400_000];

/** At most a dozen round times across [start, end], labelled HH:MM (or MM-DD for day ticks). */
export function timeTicks(start: number, end: number): Array<{ t: number; label: string }> {
  const span = Math.max(1, end - start);
  const tick = TICKS_MS.find((t) => span / t <= 12) ?? TICKS_MS[TICKS_MS.length - 1]!;
  const out: Array<{ t: number; label: string }> = [];
  for (let t = Math.ceil(start / tick) * tick; t <= end; t += tick) {
    out.push({ t, label: tick >= 86_400_000 ? new Date(t).toISOString().slice(5, 10) : new Date(t).toISOString().slice(11, 16) });
  }
  return out;
}

/** Cells are HTML already (escape text before); headers are text. */
export function htmlTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>, cls = ''): string {
  return `<table${cls ? ` class="${cls}"` : ''}><thead><tr>${header.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

const BASE_STYLE = [
  'body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#222;max-width:1400px}',
  'table{border-collapse:collapse;margin:8px 0 20px}th,td{border-bottom:1px solid #e5e5e5;padding:3px 10px;text-align:left;vertical-align:top}',
  'th{background:#f4f4f4}code{font-size:12px}',
  '.ok{color:#2a7d2a;font-weight:600}.bad{color:#c62828;font-weight:600}',
  '.legend span{margin-right:14px;white-space:nowrap}.legend i{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:-1px;opacity:.8}',
];

/** A whole page; `style` adds rules to the shared ones. */
export function htmlPage(title: string, sections: readonly string[], style: readonly string[] = []): string {
  return `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>${esc(title)}</title>\n<style>\n${[...BASE_STYLE, ...style].join('\n')}\n</style>\n</head>\n<body>\n${sections.join('\n')}\n</body>\n</html>\n`;
}

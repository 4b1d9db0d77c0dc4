// The report as one self-contained HTML page (no script, no network): a timeline drawn as inline
// SVG — one row per incident type with each incident as a shaded band from onset to end, one row
// per rule with each firing as a bar (true positives dark, false positives red) — and the tables.
import { esc, htmlPage, htmlTable, shortIso, timeTicks, typeColor } from '../report/html.js';
import { formatDuration } from './durations.js';
import type { AlertsReport } from './report.js';

const pct = (x: number | null) => (x === null ? '-' : `${Math.round(x * 100)}%`);
const lat = (median?: number, max?: number) => (median === undefined ? '-' : `${formatDuration(median)} / ${formatDuration(max!)}`);
const labelText = (labels: Readonly<Record<string, string>>) =>
  Object.keys(labels)
    .filter((k) => k !== 'alertname')
    .sort()
    .map((k) => `${k}="${labels[k]}"`)
    .join(', ');

export function timelineSvg(r: AlertsReport): string {
  const start = Date.parse(r.range.start);
  const end = Date.parse(r.range.end);
  const span = Math.max(1, end - start);
  const labelW = 230;
  const plotW = 1000;
  const rowH = 18;
  const gap = 4;
  const axisH = 28;
  const types = r.byType.map((t) => t.type);
  const rows = types.length + r.rules.length;
  const sepH = types.length > 0 && r.rules.length > 0 ? 10 : 0;
  const height = axisH + rows * (rowH + gap) + sepH + 6;
  const width = labelW + plotW + 10;
  const x = (t: number) => labelW + Math.max(0, Math.min(1, (t - start) / span)) * plotW;
  const yType = (i: number) => axisH + i * (rowH + gap);
  const yRule = (i: number) => axisH + (types.length + i) * (rowH + gap) + sepH;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" class="timeline" viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-label="incidents and alert firings over time">`);
  parts.push(`<rect x="${labelW}" y="${axisH - 4}" width="${plotW}" height="${height - axisH}" fill="#fafafa" stroke="#ddd"/>`);
  for (const { t, label } of timeTicks(start, end)) {
    const tx = x(t).toFixed(1);
    parts.push(`<line x1="${tx}" y1="${axisH - 6}" x2="${tx}" y2="${height - 4}" stroke="#e4e4e4"/><text x="${tx}" y="${axisH - 10}" font-size="10" text-anchor="middle" fill="#555">${label}</text>`);
  }
  // Faint shading behind the rule rows, so a firing can be read against the incidents above it.
  if (r.rules.length > 0) {
    for (const i of r.incidents) {
      const x0 = x(Date.parse(i.onset));
      const x1 = x(Date.parse(i.windowEnd));
      parts.push(`<rect class="incident-shade" x="${x0.toFixed(1)}" y="${yRule(0) - 2}" width="${Math.max(1, x1 - x0).toFixed(1)}" height="${r.rules.length * (rowH + gap)}" fill="${typeColor(i.type)}" opacity="0.08"/>`);
    }
  }
  types.forEach((type, ti) => {
    parts.push(`<text x="${labelW - 6}" y="${yType(ti) + rowH - 5}" font-size="11" text-anchor="end" fill="${typeColor(type)}">${esc(type)}</text>`);
  });
  for (const i of r.incidents) {
    const ti = types.indexOf(i.type);
    const x0 = x(Date.parse(i.onset));
    const x1 = x(Date.parse(i.end));
    const xg = x(Date.parse(i.windowEnd));
    const caught = i.detectedBy.length > 0 ? `caught by ${i.detectedBy.map((d) => `${d.rule} after ${formatDuration(d.latencyMs)}`).join(', ')}` : 'caught by no rule';
    parts.push(
      `<rect class="incident-band" data-incident="${esc(i.id)}" x="${x0.toFixed(1)}" y="${yType(ti)}" width="${Math.max(1.5, x1 - x0).toFixed(1)}" height="${rowH}" fill="${typeColor(i.type)}" opacity="0.55"><title>${esc(`${i.id} ${i.type} at ${i.rootCause}\n${shortIso(i.onset)} .. ${shortIso(i.end)}\n${caught}`)}</title></rect>`,
    );
    parts.push(`<rect class="incident-grace" x="${x1.toFixed(1)}" y="${yType(ti) + rowH / 2 - 1}" width="${Math.max(0, xg - x1).toFixed(1)}" height="2" fill="${typeColor(i.type)}" opacity="0.5"/>`);
  }
  r.rules.forEach((rule, ri) => {
    const y = yRule(ri);
    parts.push(`<text x="${labelW - 6}" y="${y + rowH - 5}" font-size="11" text-anchor="end" fill="#222">${esc(rule.id)}</text>`);
    for (const f of rule.firingIntervals) {
      const x0 = x(Date.parse(f.start));
      const x1 = x(Date.parse(f.end));
      const tp = f.incidents.length > 0;
      const what = tp ? `detects ${f.incidents.join(', ')}` : 'false positive';
      parts.push(
        `<rect class="firing ${tp ? 'true-positive' : 'false-positive'}" x="${x0.toFixed(1)}" y="${y + 3}" width="${Math.max(1.5, x1 - x0).toFixed(1)}" height="${rowH - 6}" fill="${tp ? '#1f4e79' : '#d62728'}"><title>${esc(`${rule.id} {${labelText(f.labels)}}\n${shortIso(f.start)} .. ${shortIso(f.end)}${f.open ? ' (still firing)' : ''} (${formatDuration(f.durationMs)})\n${what}`)}</title></rect>`,
      );
    }
  });
  parts.push('</svg>');
  return parts.join('\n');
}

export function formatAlertsHtml(r: AlertsReport): string {
  const sections: string[] = [];
  sections.push(`<h1>obsynth alerts test</h1>`);
  sections.push(
    `<p>${r.rules.length} alerting rules from ${r.ruleFiles.map((f) => `<code>${esc(f)}</code>`).join(', ')} on <code>${esc(r.dataset)}</code>, ${esc(shortIso(r.range.start))} .. ${esc(shortIso(r.range.end))}. ${r.incidents.length} incidents scored; a firing counts for an incident when it starts between its onset and ${esc(formatDuration(r.graceMs))} after its end${r.matchService ? ', on a service the incident reached' : ''}. Evaluated by ${esc(r.engine.prometheus)} (${esc(r.engine.method)}).</p>`,
  );
  if (r.expectations) {
    const failed = r.expectations.results.filter((e) => !e.ok).length;
    sections.push(`<h2>Expectations: ${failed === 0 ? '<span class="ok">all met</span>' : `<span class="bad">${failed} failed</span>`}</h2>`);
    sections.push(
      htmlTable(
        ['', 'rule', 'expected', 'why not'],
        r.expectations.results.map((e) => [e.ok ? '<span class="ok">ok</span>' : '<span class="bad">FAILED</span>', esc(e.rule), esc(e.expected), e.failures.map(esc).join('<br>')]),
      ),
    );
  }
  sections.push('<h2>Timeline</h2>');
  sections.push(
    `<p class="legend">${r.byType.map((t) => `<span><i style="background:${typeColor(t.type)}"></i>${esc(t.type)}</span>`).join(' ')} <span><i style="background:#1f4e79"></i>firing that detects an incident</span> <span><i style="background:#d62728"></i>false positive</span></p>`,
  );
  sections.push(timelineSvg(r));
  sections.push('<h2>Rules</h2>');
  sections.push(
    htmlTable(
      ['rule', 'for', 'firings', 'true', 'false', 'precision', 'caught', 'recall', 'latency median / max', 'expr'],
      r.rules.map((x) => [esc(x.id), esc(formatDuration(x.forMs)), String(x.firings), String(x.truePositives), String(x.falsePositives), pct(x.precision), `${x.detected}/${x.incidents}`, pct(x.recall), esc(lat(x.latencyMedianMs, x.latencyMaxMs)), `<code>${esc(x.expr.trim())}</code>`]),
      'num',
    ),
  );
  sections.push('<h2>By incident type</h2>');
  sections.push(
    htmlTable(
      ['type', 'incidents', 'caught by any rule', 'rules that caught some (caught, latency median / max)'],
      r.byType.map((t) => [`<span style="color:${typeColor(t.type)}">${esc(t.type)}</span>`, String(t.incidents), String(t.caught), t.rules.map((x) => esc(`${x.rule} ${x.detected}/${t.incidents} ${lat(x.latencyMedianMs, x.latencyMaxMs)}`)).join('<br>') || 'none']),
    ),
  );
  sections.push('<h2>Incidents</h2>');
  sections.push(
    htmlTable(
      ['incident', 'type', 'root cause', 'onset', 'end', 'caught by (latency)'],
      r.incidents.map((i) => [esc(i.id), esc(i.type), esc(i.rootCause), esc(shortIso(i.onset)), esc(shortIso(i.end)), i.detectedBy.map((d) => esc(`${d.rule} ${formatDuration(d.latencyMs)}`)).join(', ') || '<span class="bad">no rule</span>']),
    ),
  );
  if (r.warnings.length > 0) sections.push(`<h2>Warnings</h2><ul>${r.warnings.map((w) => `<li>${esc(w)}</li>`).join('')}</ul>`);
  return htmlPage(`obsynth alerts test: ${r.dataset}`, sections, ['table.num td:nth-child(n+3):nth-child(-n+8){text-align:right}', 'svg.timeline{font-family:system-ui,sans-serif;border:1px solid #eee}']);
}

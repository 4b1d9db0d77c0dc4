// `obsynth validate --html FILE`: the report as one self-contained page (no script, no network).
// Its plot is what people look at first: records per minute of each source across the range,
// the share the labels call anomalous in red, and every incident as a band from onset to end, so
// the day's traffic shape and where incidents stand out in each source can be seen at a glance.
import { formatDuration } from '../alerts/durations.js';
import { esc, htmlPage, htmlTable, shortIso, timeTicks, typeColor } from '../report/html.js';
import { MINUTE } from '../time/calendar.js';
import { pct } from './checks.js';
import { badge } from './format-report.js';
import type { CheckResult, ValidationReport } from './report.js';
import type { TimelineReport } from './timeline-tally.js';

const n = (x: number) => x.toLocaleString('en-US');

/** Rounded up to 1, 2 or 5 times a power of ten, so the axis reads well. */
function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  return ([1, 2, 5, 10].find((m) => m * p >= v) ?? 10) * p;
}

function perMinute(count: number, stepMs: number): number {
  return count / (stepMs / MINUTE);
}

export function timelineSvg(t: TimelineReport): string {
  const start = Date.parse(t.start);
  const end = Date.parse(t.end);
  const span = Math.max(1, end - start);
  const labelW = 130;
  const plotW = 1000;
  const panelH = 80;
  const gap = 16;
  const axisH = 26;
  const height = axisH + t.sources.length * (panelH + gap) + 4;
  const width = labelW + plotW + 60;
  const x = (ms: number) => labelW + Math.max(0, Math.min(1, (ms - start) / span)) * plotW;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" class="timeline" viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-label="records per minute of each source, anomalous records and incidents over time">`);
  for (const { t: at, label } of timeTicks(start, end)) {
    const tx = x(at).toFixed(1);
    parts.push(`<line x1="${tx}" y1="${axisH - 6}" x2="${tx}" y2="${height - 4}" stroke="#e4e4e4"/><text x="${tx}" y="${axisH - 10}" font-size="10" text-anchor="middle" fill="#555">${label}</text>`);
  }
  // Incidents behind every panel: they show in all sources at once, or should.
  for (const i of t.incidents) {
    const x0 = x(Date.parse(i.onset));
    const x1 = x(Date.parse(i.end));
    if (x1 <= labelW || x0 >= labelW + plotW) continue;
    parts.push(
      `<rect class="incident-band" data-incident="${esc(i.id)}" x="${x0.toFixed(1)}" y="${axisH - 4}" width="${Math.max(1.5, x1 - x0).toFixed(1)}" height="${height - axisH}" fill="${typeColor(i.type)}" opacity="0.14"><title>${esc(`${i.id} ${i.type} at ${i.rootCause}\n${shortIso(i.onset)} .. ${shortIso(i.end)}`)}</title></rect>`,
    );
  }
  t.sources.forEach((s, si) => {
    const top = axisH + si * (panelH + gap);
    const bottom = top + panelH;
    const rates = s.records.map((c) => perMinute(c, t.stepMs));
    const max = niceMax(Math.max(0, ...rates));
    const y = (v: number) => bottom - (v / max) * panelH;
    const xs = (i: number) => x(start + (i + 0.5) * t.stepMs).toFixed(1);
    const area = (values: readonly number[]) => `${xs(0)},${bottom} ${values.map((v, i) => `${xs(i)},${y(v).toFixed(1)}`).join(' ')} ${xs(values.length - 1)},${bottom}`;
    const total = s.records.reduce((a, c) => a + c, 0);
    const anomalous = s.anomalous.reduce((a, c) => a + c, 0);
    parts.push(`<rect x="${labelW}" y="${top}" width="${plotW}" height="${panelH}" fill="none" stroke="#ddd"/>`);
    parts.push(`<text x="${labelW - 8}" y="${top + 14}" font-size="12" text-anchor="end" fill="#222">${esc(s.source)}</text>`);
    parts.push(`<text x="${labelW - 8}" y="${top + 28}" font-size="10" text-anchor="end" fill="#777">${n(total)} records</text>`);
    parts.push(`<text x="${labelW - 8}" y="${top + 41}" font-size="10" text-anchor="end" fill="#c62828">${n(anomalous)} anomalous</text>`);
    parts.push(`<text x="${labelW + plotW + 4}" y="${top + 9}" font-size="10" fill="#777">${n(max)}/min</text><text x="${labelW + plotW + 4}" y="${bottom}" font-size="10" fill="#777">0</text>`);
    if (total === 0) return;
    parts.push(`<polygon class="records" data-source="${esc(s.source)}" points="${area(rates)}" fill="#4363d8" fill-opacity="0.25" stroke="#4363d8" stroke-width="1"/>`);
    if (anomalous > 0) parts.push(`<polygon class="anomalous" data-source="${esc(s.source)}" points="${area(s.anomalous.map((c) => perMinute(c, t.stepMs)))}" fill="#d62728" fill-opacity="0.75" stroke="none"/>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}

function badgeHtml(c: CheckResult): string {
  const text = badge(c).trim();
  return c.status === 'skip' ? text : `<span class="${c.status === 'pass' ? 'ok' : 'bad'}">${text}</span>`;
}

export function formatValidationHtml(r: ValidationReport): string {
  const d = r.dataset;
  const sections: string[] = [];
  sections.push(`<h1>obsynth validate</h1>`);
  sections.push(
    `<p><code>${esc(r.dir)}</code>: ${r.ok ? '<span class="ok">valid</span>' : '<span class="bad">broken</span> (an error check failed)'}. ${n(d.records)} records of ${d.sources.map(esc).join(', ')}${d.range ? `, ${esc(shortIso(d.range.start))} .. ${esc(shortIso(d.range.end))}` : ''}${d.seed !== undefined ? `, seed ${d.seed}` : ''}; ${n(d.bytes)} bytes; checked in ${r.seconds.toFixed(1)} s.</p>`,
  );
  if (r.timeline) {
    const t = r.timeline;
    const types = [...new Set(t.incidents.map((i) => i.type))].sort();
    sections.push('<h2>Records over time</h2>');
    sections.push(
      `<p>Records per minute of each source, averaged over steps of ${esc(formatDuration(t.stepMs))}; in red those the labels call anomalous. Incidents are bands from onset to end.${t.outside > 0 ? ` ${n(t.outside)} records stamped outside the range (clock skew, late arrivals) are not plotted.` : ''}</p>`,
    );
    if (types.length > 0) sections.push(`<p class="legend">${types.map((type) => `<span><i style="background:${typeColor(type)}"></i>${esc(type)}</span>`).join(' ')}</p>`);
    sections.push(timelineSvg(t));
  }
  sections.push('<h2>Checks</h2>');
  sections.push(
    htmlTable(
      ['', 'check', 'severity', 'summary'],
      r.checks.map((c) => [badgeHtml(c), esc(c.title), esc(c.severity), `${esc(c.summary)}${c.problems.length > 0 ? `<ul>${c.problems.map((p) => `<li><code>${esc(p)}</code></li>`).join('')}${c.moreProblems > 0 ? `<li>and ${n(c.moreProblems)} more</li>` : ''}</ul>` : ''}`]),
    ),
  );
  sections.push('<h2>Records by kind</h2>');
  sections.push(
    htmlTable(
      ['kind', 'records', 'invalid', 'label problems', 'first', 'last'],
      r.kinds.map((k) => [esc(k.kind), n(k.records), n(k.invalidRecords), n(k.labels.problemCount), esc(k.time.first ?? '-'), esc(k.time.last ?? '-')]),
      'num',
    ),
  );
  const volume = r.quality.volume;
  if (volume) {
    sections.push(`<h2>Volume</h2>`);
    sections.push(
      htmlTable(
        ['source', 'records', 'per hour', 'per day', 'documented per day', 'ratio'],
        volume.sources.map((s) => [esc(s.source), n(s.records), n(Math.round(s.perHour)), n(Math.round(s.perDay)), n(Math.round(s.expectedPerDay)), s.ratio === null ? '-' : `${s.ratio.toFixed(2)}x`]),
        'num',
      ),
    );
  }
  const onset = r.quality.onset;
  if (onset && onset.incidents.length > 0) {
    sections.push(`<h2>Incidents</h2>`);
    sections.push(`<p>${n(onset.withinWindow)} of ${n(onset.incidentRecords)} incident records (${pct(onset.share, 1)}) within ${onset.windowMs / MINUTE} minutes of their incident's onset. First record of each source after the onset:</p>`);
    const sources = onset.incidents[0]!.sources.map((s) => s.source);
    sections.push(
      htmlTable(
        ['incident', 'type', 'onset', ...sources],
        onset.incidents.map((i) => [
          esc(i.id),
          `<span style="color:${typeColor(i.type)}">${esc(i.type)}</span>`,
          esc(shortIso(i.onset)),
          ...i.sources.map((s) => (s.firstAfterMs === undefined ? (s.expected ? '<span class="bad">missing</span>' : '-') : `${s.firstAfterMs >= 0 ? '+' : ''}${Math.round(s.firstAfterMs / 1000)} s${s.within || !s.expected ? '' : ' <span class="bad">late</span>'}`)),
        ]),
      ),
    );
  }
  return htmlPage(`obsynth validate: ${r.dir}`, sections, ['table.num td:nth-child(n+2){text-align:right}', 'svg.timeline{font-family:system-ui,sans-serif;border:1px solid #eee}', 'td ul{margin:2px 0;padding-left:18px}']);
}

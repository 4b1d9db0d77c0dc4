// The report as the terminal shows it: one row per rule, then per incident type, the incidents
// nothing caught, and the expectations.
import { formatDuration } from './durations.js';
import type { AlertsReport } from './report.js';

/** Rules listed per incident type (most incidents caught first, then fastest); --json and --html list all. */
const TOP_RULES = 3;
const shortIso = (s: string) => s.replace(/\.000Z$/, 'Z');
const pct = (x: number | null) => (x === null ? '-' : `${Math.round(x * 100)}%`);
const lat = (median?: number, max?: number) => (median === undefined ? '-' : `${formatDuration(median)} / ${formatDuration(max!)}`);

function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>, right: ReadonlySet<number>): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : right.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

export function formatAlertsTable(r: AlertsReport): string {
  const out: string[] = [];
  const intervals = [...new Set(r.rules.map((x) => x.intervalMs))].map(formatDuration).join(', ');
  const evaluations = [...new Set(r.rules.map((x) => x.evaluations))].join(', ');
  out.push(`obsynth alerts test: ${r.rules.length} alerting rule${r.rules.length === 1 ? '' : 's'} from ${r.ruleFiles.join(', ')} on ${r.dataset}`);
  out.push(`  range      ${shortIso(r.range.start)} .. ${shortIso(r.range.end)} (${evaluations || 0} evaluations per rule, every ${intervals || '-'})`);
  out.push(`  incidents  ${r.incidents.length} scored${r.unscoredIncidents.length ? ` (${r.unscoredIncidents.length} with their onset outside the range left out)` : ''}; a firing counts for an incident when it starts between its onset and ${formatDuration(r.graceMs)} after its end${r.matchService ? ', on a service it reached' : ''}`);
  out.push(`  engine     ${r.engine.prometheus} (${r.engine.method}); ${r.series.series} series, ${r.series.samplesBackfilled} samples`);
  out.push('');
  out.push(
    ...table(
      ['rule', 'for', 'firings', 'true', 'false', 'precision', 'caught', 'recall', 'latency median / max'],
      r.rules.map((x) => [x.id, formatDuration(x.forMs), String(x.firings), String(x.truePositives), String(x.falsePositives), pct(x.precision), `${x.detected}/${x.incidents}`, pct(x.recall), lat(x.latencyMedianMs, x.latencyMaxMs)]),
      new Set([2, 3, 4, 5, 6, 7]),
    ),
  );
  if (r.byType.length > 0) {
    out.push('');
    out.push(`by incident type: caught by any rule; the rules that caught most (caught/incidents, latency median / max)`);
    out.push(
      ...table(
        ['type', 'caught', 'rules'],
        r.byType.map((t) => {
          const shown = t.rules.slice(0, TOP_RULES).map((x) => `${x.rule} ${x.detected}/${t.incidents} ${lat(x.latencyMedianMs, x.latencyMaxMs)}`);
          if (t.rules.length > TOP_RULES) shown.push(`+${t.rules.length - TOP_RULES} more`);
          return [t.type, `${t.caught}/${t.incidents}`, shown.join(', ') || 'none'];
        }),
        new Set([1]),
      ),
    );
  }
  const missed = r.incidents.filter((i) => i.detectedBy.length === 0);
  if (missed.length > 0) {
    out.push('');
    out.push(`caught by no rule (${missed.length}):`);
    for (const i of missed) out.push(`  ${i.id}  ${i.type} at ${i.rootCause}, ${shortIso(i.onset)} .. ${shortIso(i.end)}${i.severity !== undefined ? `, severity ${i.severity}` : ''}`);
  }
  if (r.expectations) {
    const failed = r.expectations.results.filter((e) => !e.ok).length;
    out.push('');
    out.push(`expectations (${r.expectations.file}): ${r.expectations.results.length - failed} met, ${failed} failed`);
    for (const e of r.expectations.results) {
      out.push(`  ${e.ok ? 'ok    ' : 'FAILED'} ${e.rule}: ${e.expected}`);
      for (const f of e.failures) out.push(`         ${f}`);
    }
  }
  if (r.warnings.length > 0) {
    out.push('');
    for (const w of r.warnings) out.push(`warning: ${w}`);
  }
  return `${out.join('\n')}\n`;
}

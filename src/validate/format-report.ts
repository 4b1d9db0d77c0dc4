// The terminal rendering of a validation report: the verdicts first, then the detail per kind,
// then the quality figures. Plain text, no colour, at most ~100 columns where it can.
import { pct } from './checks.js';
import { MIN_REALISM_LINES, YARDSTICKS, type LogRealismReport, type YardstickComparison, type YardstickFigure } from './log-realism.js';
import type { CheckResult, KindReport, ValidationReport } from './report.js';

const n = (x: number) => x.toLocaleString('en-US');
const mib = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(1)} MiB`;

/** A check's verdict in four letters: ok, FAIL (error), WARN (warning), note (info), skip. */
export function badge(c: CheckResult): string {
  if (c.status === 'skip') return 'skip';
  if (c.status === 'pass') return 'ok  ';
  return c.severity === 'error' ? 'FAIL' : c.severity === 'warning' ? 'WARN' : 'note';
}

function checksSection(r: ValidationReport): string[] {
  const lines = ['CHECKS'];
  const width = Math.max(...r.checks.map((c) => c.title.length));
  for (const c of r.checks) {
    lines.push(`  ${badge(c)}  ${c.title.padEnd(width)}  ${c.summary}`);
    for (const p of c.problems) lines.push(`          ${p}`);
    if (c.moreProblems > 0) lines.push(`          ... and ${n(c.moreProblems)} more`);
  }
  return lines;
}

function kindLines(k: KindReport): string[] {
  const span = k.time.first ? `${k.time.first} .. ${k.time.last}` : '-';
  const lines = [`  ${k.kind.padEnd(24)} ${n(k.records).padStart(10)} ${n(k.invalidRecords).padStart(8)} ${n(k.labels.problemCount).padStart(12)}  ${span}`];
  for (const rule of k.rules.slice(0, 8)) lines.push(`      schema  ${n(rule.count).padStart(7)} x ${rule.rule}`);
  if (k.rules.length > 8) lines.push(`      schema  ... ${k.rules.length - 8} more rule(s)`);
  for (const note of k.notes) lines.push(`      note    ${n(note.count).padStart(7)} x ${note.rule}`, `                      e.g. ${note.example.file}:${note.example.line}${note.example.id ? ` ${note.example.id}` : ''} ${note.example.path}: ${note.example.value}`);
  const t = k.time;
  const timeBits = [t.outOfRange && `${n(t.outOfRange)} out of range`, t.disorder && `${n(t.disorder)} out of order`, t.bodyTimeMismatch && `${n(t.bodyTimeMismatch)} body time mismatch`].filter(Boolean);
  if (timeBits.length > 0) lines.push(`      time    ${timeBits.join(', ')}`);
  return lines;
}

function qualitySection(r: ValidationReport): string[] {
  const lines = ['QUALITY'];
  const { onset, spread, volume, realism } = r.quality;
  if (onset) {
    lines.push(`  onset window ${onset.windowMs / 60_000} min: ${n(onset.withinWindow)} of ${n(onset.incidentRecords)} incident records (${pct(onset.share, 1)}); ${onset.pairs.within}/${onset.pairs.expected} expected (incident, source) pairs seen in time`);
    for (const inc of onset.incidents) {
      const cells = inc.sources.map((s) => `${s.source} ${s.firstAfterMs === undefined ? (s.expected ? 'MISSING' : '-') : `${s.firstAfterMs >= 0 ? '+' : ''}${Math.round(s.firstAfterMs / 1000)}s${s.within || !s.expected ? '' : ' LATE'}`}`);
      lines.push(`    ${inc.id.padEnd(18)} ${inc.type.padEnd(20)} ${cells.join('  ')}`);
    }
  }
  if (spread) {
    lines.push(`  sources per incident (${spread.incidents} with onset in range): >= 3 sources ${spread.document.atLeast3} by incidents.json / ${spread.labels.atLeast3} by labels; all 4: ${spread.document.all4} / ${spread.labels.all4}; ${spread.disagreements.length} disagreement(s)`);
  }
  if (volume) {
    lines.push(`  volume over ${volume.hours.toFixed(2)} h (scaled to a day; documented figures scaled by the volume settings):`);
    for (const s of volume.sources) lines.push(`    ${s.source.padEnd(11)} ${n(s.records).padStart(10)} records  ${n(Math.round(s.perHour)).padStart(9)}/h  ${n(Math.round(s.perDay)).padStart(10)}/day  documented ${n(Math.round(s.expectedPerDay)).padStart(9)}/day  ${s.ratio === null ? '' : `${s.ratio.toFixed(2)}x`}`);
  }
  lines.push(
    `  imperfections over ${n(realism.records)} labelled records:`,
    `    duplicates      ${pct(realism.duplicates.share).padStart(7)}  configured ${pct(realism.duplicates.configured)}${realism.duplicates.ok ? '' : '  OFF'}`,
    `    late arrivals   ${pct(realism.late.share).padStart(7)}  configured ${pct(realism.late.configured)}, largest ${n(realism.late.maxMs)} ms of ${n(realism.late.configuredMaxMs)}${realism.late.ok ? '' : '  OFF'}`,
    `    clock skew      ${pct(realism.skew.share).padStart(7)}  configured ${pct(realism.skew.configured, 0)} of hosts, largest ${n(realism.skew.maxAbsMs)} ms of ${n(realism.skew.configuredMaxMs)}${realism.skew.ok ? '' : '  OFF'}`,
    `    missing fields  ${pct(realism.missingFields.share).padStart(7)}  configured at most ${pct(realism.missingFields.configured)}${realism.missingFields.ok ? '' : '  OFF'}`,
  );
  return lines;
}

function verdict(r: LogRealismReport, figure: YardstickFigure, scope: string): string {
  const c: YardstickComparison | undefined = r.comparisons.find((x) => x.figure === figure && x.scope === scope);
  return !c || c.status === 'n/a' ? '   ' : c.status === 'ok' ? 'ok ' : 'OUT';
}

function realismSection(r: LogRealismReport): string[] {
  const y = YARDSTICKS;
  const lines = [
    'REALISM (container logs against public yardsticks; OUT = outside the band, a warning)',
    `  ${n(r.lines)} lines (${n(r.stacktraceLines)} stack trace continuation lines left out), ${n(r.templates.count)} true templates over ${r.services.length} service(s)${r.lines < MIN_REALISM_LINES ? `; fewer than ${n(MIN_REALISM_LINES)} lines: nothing compared` : ''}`,
    `  ${'service'.padEnd(22)} ${'lines'.padStart(9)}  ${'templates'.padStart(13)}  ${'head share'.padStart(14)}  ${'ERROR/normal'.padStart(12)}  ${'miner groups'.padStart(12)}  ${'miner accuracy'.padStart(14)}`,
  ];
  for (const s of r.services) {
    lines.push(
      `  ${s.service.padEnd(22)} ${n(s.lines).padStart(9)}  ${String(s.templates).padStart(9)} ${verdict(r, 'templates', s.service)}  ${pct(s.headShare, 1).padStart(10)} ${verdict(r, 'head_share', s.service)}  ${pct(s.errorLineShare).padStart(12)}  ${String(s.miner.predictedGroups).padStart(12)}  ${pct(s.miner.accuracy, 1).padStart(10)} ${verdict(r, 'miner_accuracy', s.service)}`.trimEnd(),
    );
  }
  const e = r.errors;
  lines.push(
    `  ${'all'.padEnd(22)} ${n(r.lines).padStart(9)}  ${String(r.templates.count).padStart(9)}      ${pct(r.templates.headShare, 1).padStart(10)}      ${pct(e.errorLineShare).padStart(12)}  ${String(r.miner.predictedGroups).padStart(12)}  ${pct(r.miner.accuracy, 1).padStart(10)} ${verdict(r, 'miner_accuracy', 'all')}`.trimEnd(),
    `  bands: templates ${y.templatesPerSystem[0]}..${y.templatesPerSystem[1]} per system (LogHub); head share >= ${pct(y.headShareAtLeast, 0)}; miner accuracy ${pct(y.minerAccuracy[0], 0)}..${pct(y.minerAccuracy[1], 1)} (Drain on LogHub ${pct(y.drainAccuracy.min, 0)}..${pct(y.drainAccuracy.max, 0)}, mean ${pct(y.drainAccuracy.mean, 0)}; 100% = too regular)`,
    `  ERROR lines outside incidents  ${pct(e.errorLineShare).padStart(7)} ${verdict(r, 'error_line_share', 'all')}  ${n(e.errorLines)} of ${n(e.normalLines)}; band ${pct(y.errorLineShare[0])}..${pct(y.errorLineShare[1])}`,
    `  5xx at the edge (normal)      ${pct(e.http5xxShare).padStart(7)} ${verdict(r, 'http_5xx_share', 'all')}  ${n(e.responses5xx)} of ${n(e.requests)} access lines; band ${pct(y.http5xxShare[0])}..${pct(y.http5xxShare[1])}`,
    `  diurnal busiest / quietest    ${(r.diurnal.peakToTrough === null ? '-' : `${r.diurnal.peakToTrough.toFixed(1)}x`).padStart(7)} ${verdict(r, 'diurnal_peak_to_trough', 'all')}  ${r.diurnal.peakHour === null ? r.diurnal.note ?? '' : `local hours ${r.diurnal.peakHour}:00 / ${r.diurnal.troughHour}:00`}; band ${y.diurnalPeakToTrough[0]}..${y.diurnalPeakToTrough[1]}x`,
    `  miner: Drain-like, depth ${r.miner.options.depth}, similarity ${r.miner.options.similarity}, at most ${n(r.miner.options.maxGroups)} groups per service; ${n(r.miner.correct)} of ${n(r.miner.lines)} lines grouped exactly as their true template${r.miner.ungrouped > 0 ? `; ${n(r.miner.ungrouped)} line(s) found the miner full` : ''}`,
  );
  return lines;
}

export function formatValidationReport(r: ValidationReport): string {
  const d = r.dataset;
  const config = d.config.matches === null ? '' : d.config.matches ? ' (config hash matches the manifest)' : ' (config hash DIFFERS from the manifest: figures compare against another configuration)';
  const out = [
    `obsynth validate ${r.dir}`,
    `  dataset   ${d.seed !== undefined ? `seed ${d.seed}, ` : ''}${d.range ? `${d.range.start} .. ${d.range.end}, ` : ''}${d.format ?? ''}`,
    `            sources ${d.sources.join(', ')}; ${n(d.records)} records in ${mib(d.bytes)}`,
    `  config    ${d.config.dir}${config}`,
    '',
    ...checksSection(r),
    '',
    'RECORDS BY KIND',
    `  ${'kind'.padEnd(24)} ${'records'.padStart(10)} ${'invalid'.padStart(8)} ${'label issues'.padStart(12)}  time span`,
    ...r.kinds.flatMap(kindLines),
    '',
    ...qualitySection(r),
    '',
    ...(r.realism ? [...realismSection(r.realism), ''] : []),
  ];
  const failed = r.checks.filter((c) => c.status === 'fail');
  const errors = failed.filter((c) => c.severity === 'error').map((c) => c.id);
  const warnings = failed.filter((c) => c.severity === 'warning').map((c) => c.id);
  out.push(
    errors.length > 0
      ? `INVALID: ${errors.join(', ')} failed${warnings.length > 0 ? `; warnings: ${warnings.join(', ')}` : ''} (${r.seconds.toFixed(1)} s)`
      : `VALID${warnings.length > 0 ? ` with warnings: ${warnings.join(', ')}` : ''} (${r.seconds.toFixed(1)} s)`,
  );
  return `${out.join('\n')}\n`;
}

// `obsynth export DIR --format loghub|parquet|arrow --out OUT [--by source|service] [--window 60s]`:
// turn a dataset into what ML pipelines eat, with its labels.
import { loadConfig } from '../../config/load.js';
import { parseDuration } from '../../time/calendar.js';
import type { Clock } from '../../time/clock.js';
import { EXPORT_FORMATS, exportDataset, type ExportFormat, type ExportSummary } from '../../export/export-dataset.js';
import type { Source } from '../../model/record.js';
import { OptionProblems, parseSources } from '../options.js';
import { formatCount, Progress, type ProgressSink } from '../progress.js';

export interface ExportFlags {
  format?: string;
  out?: string;
  by?: string;
  window?: string;
  sources?: string;
  config?: string;
  force?: boolean;
  progress?: boolean;
  json?: boolean;
}

export interface ExportDeps {
  readonly clock: Clock;
  readonly stderr: ProgressSink;
}

const MIN_WINDOW_MS = 1000;

/** Checks the flags (every problem at once: ConfigError, exit 2), then exports. */
export async function runExport(dir: string, flags: ExportFlags, deps: ExportDeps, showProgress = false): Promise<ExportSummary> {
  const p = new OptionProblems();
  let format: ExportFormat | undefined;
  if (flags.format === undefined) p.add('--format', `is required; allowed: ${EXPORT_FORMATS.join(' | ')}`);
  else if (!(EXPORT_FORMATS as readonly string[]).includes(flags.format)) p.add('--format', `"${flags.format}" is not allowed; allowed: ${EXPORT_FORMATS.join(' | ')}`);
  else format = flags.format as ExportFormat;
  if (flags.out === undefined || flags.out.trim() === '') p.add('--out', 'is required: the folder to write the export to');
  const by = flags.by ?? 'source';
  if (by !== 'source' && by !== 'service') p.add('--by', `"${by}" is not allowed; allowed: source | service`);
  if (by === 'service' && format !== undefined && format !== 'loghub') p.add('--by', 'applies to --format loghub only (tables hold every service, with a service column)');
  let windowMs: number | undefined;
  if (flags.window !== undefined) {
    windowMs = parseDuration(flags.window);
    if (windowMs === undefined || !Number.isInteger(windowMs) || windowMs < MIN_WINDOW_MS) {
      p.add('--window', `"${flags.window}" is not allowed; expected a length of at least 1s, e.g. 60s, 5m, 1h`);
      windowMs = undefined;
    }
  }
  const sources: Source[] | undefined = flags.sources === undefined ? undefined : parseSources(p, flags.sources);
  p.throwIfAny();
  const config = loadConfig({ dir: flags.config });
  const progress = new Progress(deps.stderr, deps.clock, showProgress, 'exporting');
  try {
    return await exportDataset({
      dir,
      out: flags.out!,
      format: format!,
      by: by as 'source' | 'service',
      ...(windowMs !== undefined ? { windowMs } : {}),
      ...(sources ? { sources } : {}),
      force: flags.force === true,
      config,
      clock: deps.clock,
      onProgress: (done, total, rows) => progress.update(done, total, rows),
    });
  } finally {
    progress.done();
  }
}

const n = (x: number) => x.toLocaleString('en-US');

export function printExport(s: ExportSummary, json: boolean): string {
  if (json) return `${JSON.stringify(s, null, 2)}\n`;
  const lines = [`wrote ${s.out}`, `  format     ${s.format}${s.format === 'loghub' ? ` by ${s.by}` : ''}; ${n(s.templates)} templates known`];
  const width = Math.max(...s.files.map((f) => f.path.length), 10);
  for (const f of s.files) {
    const extra = [f.templates !== undefined ? `${f.templates} templates` : '', f.anomalous !== undefined ? `${n(f.anomalous)} anomalous` : '', f.unmatched ? `${n(f.unmatched)} unmatched` : ''].filter(Boolean).join(', ');
    lines.push(`  ${f.path.padEnd(width)}  ${formatCount(f.rows).padStart(7)} rows${extra ? `  (${extra})` : ''}`);
  }
  if (s.windows) lines.push(`  windows    ${n(s.windows.windows)} x ${n(s.windows.rows / Math.max(1, s.windows.windows))} entities; ${n(s.windows.labelled)} rows in an incident; ${n(s.windows.unattributed)} records of no service or datastore`);
  for (const w of s.warnings) lines.push(`  warning    ${w}`);
  lines.push(`  took       ${s.seconds.toFixed(1)} s`);
  return `${lines.join('\n')}\n`;
}

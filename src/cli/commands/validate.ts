// `obsynth validate DIR`: check a dataset folder and report what is wrong with it.
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UsageError } from '../../config/errors.js';
import { loadConfig } from '../../config/load.js';
import { writeFileAtomic } from '../../fs/write-file-atomic.js';
import { MANIFEST } from '../../sinks/file/dataset-layout.js';
import type { Clock } from '../../time/clock.js';
import { listFiles, looksLikeData } from '../../validate/dataset-plan.js';
import { formatValidationReport } from '../../validate/format-report.js';
import { formatValidationHtml } from '../../validate/report-html.js';
import type { ValidationReport } from '../../validate/report.js';
import { validateDataset } from '../../validate/validate-dataset.js';
import { checkOutputFile, defaultWorkers, OptionProblems, parseNumber } from '../options.js';
import { Progress, type ProgressSink } from '../progress.js';

export interface ValidateFlags {
  json?: boolean;
  html?: string;
  config?: string;
  maxErrors?: string;
  workers?: string;
  progress?: boolean;
}

export interface ValidateDeps {
  readonly clock: Clock;
  readonly stderr: ProgressSink;
}

export const DEFAULT_MAX_ERRORS = 10;

/** Validates the folder; throws UsageError / ConfigError (exit 2) when there is nothing to validate. */
export async function runValidate(dir: string, flags: ValidateFlags, deps: ValidateDeps, showProgress = false): Promise<ValidationReport> {
  const p = new OptionProblems();
  const maxErrors = parseNumber(p, '--max-errors', flags.maxErrors, { min: 1, max: 100_000, integer: true }) ?? DEFAULT_MAX_ERRORS;
  const workers = parseNumber(p, '--workers', flags.workers, { min: 0, max: 256, integer: true }) ?? defaultWorkers();
  checkOutputFile(p, '--html', flags.html);
  p.throwIfAny();
  const abs = resolve(dir);
  if (!existsSync(abs)) throw new UsageError(`${dir}: no such folder; give the folder obsynth generate wrote (its --out)`);
  if (!statSync(abs).isDirectory()) throw new UsageError(`${dir} is a file, not a dataset folder`);
  if (!existsSync(join(abs, MANIFEST)) && !listFiles(abs).some(looksLikeData)) {
    throw new UsageError(`${dir} is not an obsynth dataset: it has no ${MANIFEST} and no .jsonl / .jsonl.gz files`);
  }
  const config = loadConfig({ dir: flags.config });
  const progress = new Progress(deps.stderr, deps.clock, showProgress, 'validating');
  let report: ValidationReport;
  try {
    report = await validateDataset({ dir: abs, config, maxErrors, workers, clock: deps.clock, onProgress: (done, total, records) => progress.update(done, total, records) });
  } finally {
    progress.done();
  }
  if (flags.html !== undefined) writeFileAtomic(flags.html, formatValidationHtml(report));
  return report;
}

/** The report as the terminal shows it, or as JSON. */
export function printValidate(report: ValidationReport, json: boolean): string {
  return json ? `${JSON.stringify(report, null, 2)}\n` : formatValidationReport(report);
}

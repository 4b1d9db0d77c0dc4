#!/usr/bin/env node
// The obsynth command line.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { ConfigError, UsageError } from '../config/errors.js';
import { systemClock } from '../time/clock.js';
import { toolVersion } from '../version.js';
import { planGenerate, runGenerate, type GenerateFlags } from './commands/generate.js';
import { runScenarios } from './commands/scenarios.js';
import { printValidate, runValidate, type ValidateFlags } from './commands/validate.js';
import type { ExportFlags } from './commands/export.js';
import { DEFAULT_EVALUATION_INTERVAL, DEFAULT_GRACE, printAlertsTest, runAlertsTest, type AlertsTestFlags } from './commands/alerts.js';
import type { ReplayFlags } from './commands/replay.js';
import { HealthcheckError } from '../replay/replay.js';
import { SINK_TYPE_NAMES } from '../sinks/type-names.js';
import { printGenerateSummary } from './summary.js';

/** Exit codes: 0 ok, 1 failed (data lost or invalid), 2 bad input (nothing written). */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

const collect = (value: string, previous: string[] = []) => [...previous, value];

function configOptions(cmd: Command): Command {
  return cmd
    .option('--config <dir>', 'folder with services.yaml, incidents.yaml and generation.yaml (default: the shipped config/)')
    .option('--services <file>', 'services.yaml to use instead of the one in --config')
    .option('--incidents <file>', 'incidents.yaml to use instead of the one in --config')
    .option('--generation <file>', 'generation.yaml to use instead of the one in --config');
}

/** The generate options another command takes with --generate (replay, alerts test). */
function generatedHistoryOptions(cmd: Command, also: string): Command {
  return cmd
    .option('--hours <n>', 'with --generate: length of the range in hours')
    .option('--days <n>', 'with --generate: length of the range in days')
    .option('--start <iso>', 'with --generate: start of the range')
    .option('--end <iso>', 'with --generate: end of the range')
    .option('--seed <n>', `with --generate${also}: random seed`)
    .option('--incidents-per-day <n>', `with --generate${also}: random incidents per day`)
    .option('--all-incidents', 'with --generate: one incident of every type')
    .option('--incident <type[@time][/target]>', 'with --generate: place an incident (repeatable)', collect, [])
    .option('--workers <n>', 'with --generate: worker threads');
}

export function buildProgram(): Command {
  const program = new Command();
  // Before any subcommand exists, so they all inherit it: a usage error exits 2, not commander's 1.
  program.exitOverride();
  program.name('obsynth').description('Fabricate a realistic, correlated observability history (Kubernetes, Sentry, CloudWatch, Grafana) with known incidents.').version(toolVersion()).option('--debug', 'show stack traces on errors');

  const generate = program
    .command('generate')
    .description('generate a history and write it as gzipped JSON Lines plus ground truth (no server needed)')
    .option('--hours <n>', 'length of the range in hours (default 1)')
    .option('--days <n>', 'length of the range in days')
    .option('--start <iso>', 'start of the range (ISO 8601, e.g. 2026-11-28T00:00:00Z)')
    .option('--end <iso>', 'end of the range (default: the last full hour, or start + length)')
    .option('--seed <n>', 'random seed (default: seed in generation.yaml)')
    .option('--out <dir>', 'output folder', 'data')
    .option('--sources <list>', 'comma-separated: kubernetes,sentry,cloudwatch,grafana (default: all)')
    .option('--volume-multiplier <x>', 'scale record volumes (1 = about 1.4M records per day)')
    .option('--incidents-per-day <n>', 'random incidents per day (default: generation.yaml)')
    .option('--all-incidents', 'also place one incident of every type, spread over the range')
    .option('--incident <type[@time][/target]>', 'place an incident (repeatable); time is ISO 8601 or +offset from the start, e.g. memory_leak@+2h/order-service', collect, [])
    .addOption(new Option('--format <format>', 'output format').choices(['jsonl.gz', 'jsonl']))
    .option('--gzip-level <n>', 'gzip level 1-9 (default: generation.yaml)')
    .option('--workers <n>', 'worker threads (default: number of cores; 0 runs in-process)')
    .option('--split-by-day <mode>', 'one file per UTC day: auto | always | never')
    .option('--force', 'replace a non-empty output folder')
    .option('--no-progress', 'no progress line on the terminal')
    .option('--json', 'print the summary as JSON');
  configOptions(generate).action(async (flags: GenerateFlags & { json?: boolean }) => {
    const plan = planGenerate(flags, systemClock.now());
    const controller = new AbortController();
    const onSignal = () => controller.abort(new UsageError('interrupted; nothing was written (the partial output was removed)'));
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      const result = await runGenerate(plan, { clock: systemClock, stderr: process.stderr, signal: controller.signal }, flags.progress !== false && process.stderr.isTTY === true);
      process.stdout.write(flags.json ? `${JSON.stringify(result, null, 2)}\n` : printGenerateSummary(result));
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  });

  const replay = program
    .command('replay')
    .description('play a dataset (or --generate, or --live) into real backends on a time-compressed schedule')
    .argument('[dir]', 'a dataset folder written by generate')
    .option('--generate', 'generate the history on the fly (takes the generate options below), no files')
    .option('--live', 'an endless history from now on, at speed 1, for demo stacks that should look alive')
    .option('--to <types>', `comma-separated sink types with their defaults and environment variables: ${SINK_TYPE_NAMES.join(', ')}`)
    .option('--sinks <file>', 'YAML with one block per sink (type, endpoint, auth, batch, kinds ...)')
    .option('--speed <x>', 'simulated time per wall time: 60 = an hour per minute, max = as fast as the backends accept (default max; live: 1)')
    .option('--rebase <mode>', 'move timestamps so the history ends now (end, default) or starts now (start)')
    .option('--no-rebase', 'keep the original timestamps')
    .option('--checkpoint <file>', 'where to remember progress (default .obsynth/replay-<id>.checkpoint.json); a rerun resumes from it')
    .option('--restart', 'ignore an existing checkpoint and start over')
    .option('--report <file>', 'also write the delivery report as JSON')
    .option('--dry-run', 'read and route everything, send nothing')
    .option('--no-progress', 'no progress line on the terminal')
    .option('--sources <list>', 'with --generate/--live: which sources to generate')
    .option('--volume-multiplier <x>', 'with --generate/--live: scale volumes');
  configOptions(generatedHistoryOptions(replay, '/--live')).action(async (dir: string | undefined, flags: ReplayFlags) => {
    const stop = new AbortController();
    const abort = new AbortController();
    // First Ctrl-C: stop reading and deliver what is queued. Second: abort at once.
    const onSignal = () => {
      if (!stop.signal.aborted) {
        process.stderr.write('\nstopping: delivering what is queued (Ctrl-C again to abort now)\n');
        stop.abort(new Error('interrupted'));
      } else abort.abort(new Error('aborted'));
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    try {
      // Loaded here: the sinks bring every backend's SDK (~100 MB, a second or two), which the
      // other commands do not need.
      const { printReplayReport, runReplayCommand } = await import('./commands/replay.js');
      const { report, exitCode, checkpoint } = await runReplayCommand(dir, flags, {
        clock: systemClock,
        env: process.env,
        stderr: process.stderr,
        stop: stop.signal,
        abort: abort.signal,
        showProgress: flags.progress !== false && process.stderr.isTTY === true,
      });
      process.stdout.write(printReplayReport(report, checkpoint));
      process.exitCode = exitCode;
    } catch (err) {
      if (err instanceof HealthcheckError) {
        process.stderr.write(`obsynth: ${err.message}\n`);
        process.exitCode = EXIT.failed;
        return;
      }
      throw err;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  });

  const scenarios = program.command('scenarios').description('list the incident types, how they unfold and their signature in each source').option('--json', 'as JSON');
  scenarios
    .option('--config <dir>', 'config folder')
    .option('--incidents <file>', 'incidents.yaml to use')
    .action((flags: { config?: string; incidents?: string; json?: boolean }) => {
      process.stdout.write(runScenarios(flags));
    });

  program
    .command('validate')
    .description('check a dataset folder: manifest and checksums, every record against its native schema, labels, timestamps, quality figures')
    .argument('<dir>', 'the dataset folder (what generate wrote to --out)')
    .option('--config <dir>', 'config folder the dataset was generated with, for its lateness, skew and rates (default: the shipped config/)')
    .option('--max-errors <n>', 'problems listed per kind and check; the rest are counted (default 10)')
    .option('--workers <n>', 'worker threads, each scanning whole record kinds (default: number of cores; 0 runs in-process)')
    .option('--no-progress', 'no progress line on the terminal')
    .option('--json', 'print the report as JSON')
    .option('--html <file>', 'also write a self-contained HTML report: records over time per source with incidents, and the checks')
    .action(async (dir: string, flags: ValidateFlags) => {
      const report = await runValidate(dir, flags, { clock: systemClock, stderr: process.stderr }, flags.progress !== false && process.stderr.isTTY === true);
      process.stdout.write(printValidate(report, flags.json === true));
      if (!report.ok) process.exitCode = EXIT.failed;
    });

  program
    .command('export')
    .description('turn a dataset into ML inputs with its labels: LogHub CSV, Parquet or Arrow tables, windowed samples joining all sources')
    .argument('<dir>', 'the dataset folder (what generate wrote to --out)')
    .addOption(new Option('--format <format>', 'loghub: CSV per source (or service) with true template ids; parquet / arrow: one table per record kind').choices(['loghub', 'parquet', 'arrow']))
    .option('--out <dir>', 'the folder to write (written to <dir>.partial, renamed when done)')
    .option('--by <what>', 'loghub: one CSV per source (default) or per service of each source: source | service')
    .option('--window <length>', 'also write windowed samples joining all sources, one row per (window, service or datastore), e.g. 60s, 5m')
    .option('--sources <list>', 'comma-separated sources to export (default: all in the dataset)')
    .option('--config <dir>', 'config folder the dataset was generated with (default: the shipped config/)')
    .option('--force', 'replace a non-empty output folder')
    .option('--no-progress', 'no progress line on the terminal')
    .option('--json', 'print the summary as JSON')
    .action(async (dir: string, flags: ExportFlags) => {
      // Loaded here: the Arrow and Parquet writers are large.
      const { printExport, runExport } = await import('./commands/export.js');
      const summary = await runExport(dir, flags, { clock: systemClock, stderr: process.stderr }, flags.progress !== false && process.stderr.isTTY === true);
      process.stdout.write(printExport(summary, flags.json === true));
    });

  const alerts = program.command('alerts').description('test Prometheus alerting rules against the incidents of a dataset');
  const alertsTest = alerts
    .command('test')
    .description('evaluate alerting rules with a real Prometheus over a dataset: which incidents each rule catches, how fast, and its false positives')
    .argument('[dir]', 'the dataset folder (what generate wrote to --out; needs the grafana source)')
    .option('--generate', 'instead of a dataset, generate one (the grafana source and the ground truth) into a temporary folder, from the options below')
    .option('--rules <files...>', 'Prometheus rule files (groups: of alert: and record: rules); takes the arguments up to the next option, so give <dir> first (or repeat --rules)')
    .option('--expect <file>', 'YAML list of {rule, catches: [types], max_latency, min_recall, max_false_positives}: exit 1 when one is not met')
    .option('--grace <duration>', 'how long after an incident ends a firing still counts for it', DEFAULT_GRACE)
    .option('--evaluation-interval <duration>', 'for groups without interval: (Prometheus global evaluation_interval)', DEFAULT_EVALUATION_INTERVAL)
    .option('--match-service', 'a firing with a service label counts only for incidents that reached that service')
    .option('--html <file>', 'also write a self-contained HTML report with a timeline')
    .option('--json', 'print the report as JSON')
    .option('--prometheus <path>', 'prometheus binary (default: $OBSYNTH_PROMETHEUS, the test/backends cache, the PATH)')
    .option('--promtool <path>', 'promtool binary (default: $OBSYNTH_PROMTOOL, the test/backends cache, the PATH)')
    .option('--keep-tsdb', 'keep the temporary TSDB and server log (its folder is printed as a warning)')
    .option('--no-progress', 'no progress line on the terminal');
  configOptions(generatedHistoryOptions(alertsTest, ''))
    .addHelpText(
      'after',
      [
        '',
        'How: the dataset\'s panel series are backfilled into a fresh TSDB (promtool tsdb create-blocks-from',
        'openmetrics), a private prometheus serves it on a loopback port, and each alerting rule\'s expr',
        'is evaluated as a range query stepped at its group\'s interval, which gives the vectors the rule',
        'manager would see at each evaluation; for and keep_firing_for are then applied per label set as',
        'Prometheus does. Recording rules in the files are backfilled first (create-blocks-from rules).',
        '',
        'Scoring: a firing detects an incident when it starts between the onset and end + --grace;',
        'latency = firing start - onset; a firing that detects nothing is a false positive.',
        'precision = detecting firings / firings; recall = incidents caught / incidents.',
        '',
        'Exit codes: 0 ok, 1 an --expect expectation failed (or the run failed), 2 bad input.',
      ].join('\n'),
    )
    .action(async (dir: string | undefined, flags: AlertsTestFlags & GenerateFlags & { generate?: boolean }) => {
      const onSignal = () => {
        process.stderr.write('\nobsynth: interrupted\n');
        process.exit(130);
      };
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        const showProgress = flags.progress !== false && process.stderr.isTTY === true;
        const { report, exitCode } = await withAlertsDataset(dir, flags, showProgress, (path) => runAlertsTest(path, flags, { clock: systemClock, stderr: process.stderr, env: process.env }, showProgress));
        process.stdout.write(printAlertsTest(report, flags.json === true));
        if (exitCode !== 0) {
          const failed = report.expectations?.results.filter((r) => !r.ok).length ?? 0;
          process.stderr.write(`obsynth: ${failed} expectation${failed === 1 ? '' : 's'} of ${flags.expect} not met\n`);
          process.exitCode = EXIT.failed;
        }
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });

  return program;
}

/** The dataset folder given, or one generated for the run (grafana and ground truth only) and removed after. */
async function withAlertsDataset<T>(dir: string | undefined, flags: GenerateFlags & { generate?: boolean }, showProgress: boolean, run: (path: string) => Promise<T>): Promise<T> {
  if ((dir !== undefined) === (flags.generate === true)) {
    throw new UsageError('alerts test: give exactly one of a dataset folder or --generate (the folder goes before --rules, which takes every argument up to the next option)');
  }
  if (dir !== undefined) return run(dir);
  const tmp = mkdtempSync(join(tmpdir(), 'obsynth-alerts-'));
  // Ctrl-C ends alerts test with process.exit, which skips finally: remove the folder on exit too.
  const cleanUp = () => rmSync(tmp, { recursive: true, force: true });
  process.once('exit', cleanUp);
  try {
    const plan = planGenerate({ ...flags, sources: 'grafana', out: join(tmp, 'dataset'), format: 'jsonl.gz', force: true }, systemClock.now());
    await runGenerate(plan, { clock: systemClock, stderr: process.stderr }, showProgress);
    return await run(join(tmp, 'dataset'));
  } finally {
    process.off('exit', cleanUp);
    cleanUp();
  }
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return process.exitCode === undefined ? EXIT.ok : Number(process.exitCode);
  } catch (err) {
    const debug = argv.includes('--debug');
    const code = (err as { code?: string }).code;
    if (code === 'commander.helpDisplayed' || code === 'commander.version' || code === 'commander.help') return EXIT.ok;
    if (typeof code === 'string' && code.startsWith('commander.')) return EXIT.usage;
    if (err instanceof ConfigError || err instanceof UsageError) {
      process.stderr.write(`obsynth: ${err.message}\n`);
      if (debug) process.stderr.write(`${err.stack}\n`);
      return EXIT.usage;
    }
    process.stderr.write(`obsynth: ${debug && err instanceof Error ? err.stack : err instanceof Error ? err.message : String(err)}\n`);
    if (!debug) process.stderr.write('(run again with --debug for the stack trace)\n');
    return EXIT.failed;
  }
}

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`obsynth: ${String(err)}\n`);
    process.exitCode = EXIT.failed;
  },
);

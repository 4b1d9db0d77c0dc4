// `obsynth replay`: play a dataset (or a history generated on the fly, or a live one) into real
// backends on a time-compressed schedule.
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { DatasetSource } from '../../replay/dataset-source.js';
import { GeneratedSource, LiveSource } from '../../replay/generated-source.js';
import type { RebaseMode } from '../../replay/rebase.js';
import type { RecordSource } from '../../replay/record-stream.js';
import { runReplay, type ReplayReport } from '../../replay/replay.js';
import { writeFileAtomic } from '../../fs/write-file-atomic.js';
import { loadSinks } from '../../sinks/load-sinks.js';
import type { Clock } from '../../time/clock.js';
import { formatCount, formatSeconds, type ProgressSink } from '../progress.js';
import { OptionProblems } from '../options.js';
import { planGenerate, type GenerateFlags } from './generate.js';

export interface ReplayFlags extends GenerateFlags {
  generate?: boolean;
  live?: boolean;
  to?: string;
  sinks?: string;
  speed?: string;
  rebase?: string | boolean;
  checkpoint?: string;
  restart?: boolean;
  report?: string;
  dryRun?: boolean;
}

export interface ReplayCommandDeps {
  readonly clock: Clock;
  readonly env: NodeJS.ProcessEnv;
  readonly stderr: ProgressSink;
  readonly stop?: AbortSignal;
  readonly abort?: AbortSignal;
  readonly showProgress: boolean;
}

export async function runReplayCommand(dir: string | undefined, flags: ReplayFlags, deps: ReplayCommandDeps): Promise<{ report: ReplayReport; exitCode: number; checkpoint?: string }> {
  const p = new OptionProblems();
  const sourcesGiven = [dir !== undefined, flags.generate === true, flags.live === true].filter(Boolean).length;
  if (sourcesGiven !== 1) p.add('DIR', 'give exactly one of: a dataset folder, --generate, or --live');
  let speed: number | 'max' = flags.live ? 1 : 'max';
  if (flags.speed !== undefined) {
    if (flags.speed === 'max') speed = 'max';
    else {
      const n = Number(flags.speed);
      if (!Number.isFinite(n) || n <= 0) p.add('--speed', `"${flags.speed}" is not allowed; expected a number > 0 (60 = an hour per minute) or max`);
      else speed = n;
    }
  }
  let rebase: RebaseMode = flags.live ? 'none' : 'end';
  if (flags.rebase === false) rebase = 'none';
  else if (typeof flags.rebase === 'string') {
    if (flags.rebase !== 'end' && flags.rebase !== 'start') p.add('--rebase', `"${flags.rebase}" is not allowed; allowed: end | start (or --no-rebase)`);
    else rebase = flags.rebase;
  }
  if (flags.live && speed !== 1) p.add('--speed', 'a live replay runs at speed 1');
  p.throwIfAny();

  const sinks = await loadSinks({ file: flags.sinks, to: flags.to, env: deps.env, clock: deps.clock });
  let source: RecordSource;
  if (dir !== undefined) source = new DatasetSource(resolve(dir));
  else {
    // Same options as `generate` (range, seed, sources, incidents ...), but no files.
    const plan = planGenerate({ ...flags, out: undefined }, deps.clock.now());
    const config = { services: plan.config.services, incidents: plan.config.incidents, generation: plan.config.generation };
    source = flags.live ? new LiveSource(config, plan.run, deps.clock, deps.clock.now()) : new GeneratedSource(config, plan.run, plan.workers);
  }
  const sinkKey = sinks.map((s) => s.sink.name).sort().join(',');
  const checkpoint = flags.dryRun || source.live ? undefined : resolve(flags.checkpoint ?? join('.obsynth', `replay-${createHash('sha256').update(`${source.identity}|${sinkKey}`).digest('hex').slice(0, 16)}.checkpoint.json`));
  let lastLine = '';
  const report = await runReplay(source, sinks, { speed, rebase, dryRun: flags.dryRun ?? false, checkpointPath: checkpoint, restart: flags.restart ?? false }, {
    clock: deps.clock,
    stop: deps.stop,
    abort: deps.abort,
    onProgress: deps.showProgress
      ? (r) => {
          const line = progressLine(r);
          if (line !== lastLine) deps.stderr.write(`\r${line.slice(0, (deps.stderr.columns ?? 120) - 1)}`);
          lastLine = line;
        }
      : undefined,
  });
  if (deps.showProgress && lastLine) deps.stderr.write('\n');
  if (flags.report) {
    mkdirSync(dirname(resolve(flags.report)), { recursive: true });
    writeFileAtomic(flags.report, `${JSON.stringify(report, null, 2)}\n`);
  }
  // Success: every record delivered (a live stream ends only when stopped), none rejected.
  const finished = report.complete || (source.live && report.interrupted);
  const ok = finished && report.sinks.every((s) => s.rejected === 0 && !s.error);
  return { report, exitCode: ok ? 0 : 1, checkpoint };
}

function progressLine(r: ReplayReport): string {
  const parts = r.sinks.map((s) => `${s.name} ${formatCount(s.delivered)}${s.retries ? ` (${s.retries} retries)` : ''}${s.rejected ? ` ${formatCount(s.rejected)} rejected` : ''}${s.lagMs > 1000 ? ` lag ${formatSeconds(s.lagMs / 1000)}` : ''}`);
  return `replay ${formatCount(r.recordsRead)} read | ${parts.join(' | ')}`;
}

export function printReplayReport(r: ReplayReport, checkpoint: string | undefined): string {
  const lines: string[] = [];
  const state = r.dryRun ? 'dry run (nothing sent)' : r.complete ? 'complete' : r.interrupted ? 'interrupted' : r.sinks.some((s) => s.error) ? 'stopped' : 'ended';
  lines.push(`replay ${state}${r.resumed ? ' (resumed)' : ''} in ${formatSeconds(r.seconds)}: ${r.recordsRead.toLocaleString('en-US')} records read, ${r.recordsRouted.toLocaleString('en-US')} routed`);
  lines.push(`  time       ${r.range.start} .. ${r.range.end ?? 'live'} (shifted ${Math.round(r.shiftMs / 1000)} s), speed ${r.speed}`);
  for (const s of r.sinks) {
    lines.push(`  ${s.name.padEnd(20)} ${s.delivered.toLocaleString('en-US').padStart(10)} ${r.dryRun ? 'to send' : 'delivered'}  ${s.rejected.toLocaleString('en-US')} rejected  ${s.retries} retries  ${s.batches} batches${s.error ? `\n    stopped: ${s.error}` : ''}`);
    for (const [reason, n] of Object.entries(s.rejectedByReason).sort((a, b) => b[1] - a[1]).slice(0, 5)) lines.push(`    rejected ${n.toLocaleString('en-US')} x ${reason}`);
  }
  if (checkpoint && !r.complete && !r.dryRun) lines.push(`  resume with the same command (checkpoint ${checkpoint})`);
  return `${lines.join('\n')}\n`;
}


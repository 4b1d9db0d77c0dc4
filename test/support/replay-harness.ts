// Replays a short generated history through the real engine into one sink, for the
// integration tests of each backend.
import { defaultConfig } from './world.js';
import { GeneratedSource } from '../../src/replay/generated-source.js';
import { DEFAULT_BATCH, type BatchPolicy } from '../../src/replay/channel.js';
import { runReplay, type ReplayReport } from '../../src/replay/replay.js';
import type { PlacedIncident } from '../../src/incidents/planner.js';
import type { Source } from '../../src/model/record.js';
import type { RetryPolicy } from '../../src/sinks/retrying.js';
import type { Sink } from '../../src/sinks/sink.js';
import { systemClock } from '../../src/time/clock.js';

export interface HarnessOptions {
  readonly start: number;
  readonly minutes: number;
  readonly sources: readonly Source[];
  readonly placed?: readonly PlacedIncident[];
  readonly batch?: Partial<BatchPolicy>;
  readonly retry?: Partial<RetryPolicy>;
  readonly checkpointPath?: string;
  readonly stop?: AbortSignal;
  readonly rebase?: 'end' | 'start' | 'none';
}

export function generatedSource(o: Pick<HarnessOptions, 'start' | 'minutes' | 'sources' | 'placed'>): GeneratedSource {
  const config = defaultConfig();
  return new GeneratedSource(
    { services: config.services, incidents: config.incidents, generation: config.generation },
    { seed: 11, start: o.start, end: o.start + o.minutes * 60_000, sources: o.sources, volumeMultiplier: 1, incidentsPerDay: 0, placed: o.placed ?? [] },
    0,
  );
}

export async function replayInto(sink: Sink, o: HarnessOptions): Promise<ReplayReport> {
  return runReplay(
    generatedSource(o),
    [{ sink, batch: { ...DEFAULT_BATCH, timeoutMs: 50, ...o.batch }, retry: { initialBackoffMs: 100, maxBackoffMs: 2000, multiplier: 2, deadlineMs: 60_000, ...o.retry } }],
    { speed: 'max', rebase: o.rebase ?? 'end', dryRun: false, restart: false, checkpointPath: o.checkpointPath },
    { clock: systemClock, stop: o.stop },
  );
}

/**
 * Replays into a sink in two runs sharing a checkpoint: the first is stopped (as Ctrl-C does)
 * once `stopAfter` records were delivered, the second finishes. Returns both reports.
 */
export async function replayStoppedAndResumed(makeSink: () => Sink, o: HarnessOptions & { stopAfter: number; checkpointPath: string }): Promise<[ReplayReport, ReplayReport]> {
  const stop = new AbortController();
  const first = makeSink();
  const write = first.write.bind(first);
  let delivered = 0;
  first.write = async (batch, signal) => {
    const r = await write(batch, signal);
    if (r.status === 'success') delivered += batch.length;
    if (delivered >= o.stopAfter) stop.abort(new Error('interrupted'));
    return r;
  };
  const a = await replayInto(first, { ...o, stop: stop.signal });
  const b = await replayInto(makeSink(), o);
  return [a, b];
}

// The replay engine: reads records in timestamp order, moves them in time, waits for their
// moment on a compressed clock, and hands them to every sink that takes their kind. Sinks are
// health-checked first; progress is checkpointed so an interrupted replay resumes where it stopped.
import { UsageError } from '../config/errors.js';
import type { FileRecord, RecordKind } from '../model/record.js';
import type { RetryPolicy } from '../sinks/retrying.js';
import type { ReplayRecord, Sink } from '../sinks/sink.js';
import type { Clock } from '../time/clock.js';
import { ChannelStopped, SinkChannel, type BatchPolicy } from './channel.js';
import { readCheckpoint, writeCheckpoint, type Checkpoint } from './checkpoint.js';
import { rebaseShift, type RebaseMode } from './rebase.js';
import type { RecordSource, StreamedRecord } from './record-stream.js';

export interface ReplayOptions {
  /** Simulated ms per wall ms; 'max' sends as fast as the backends accept. */
  readonly speed: number | 'max';
  readonly rebase: RebaseMode;
  readonly dryRun: boolean;
  readonly checkpointPath?: string;
  /** Ignore an existing checkpoint and start over. */
  readonly restart: boolean;
}

/** A sink with the batching and retry policy it was configured with. */
export interface ConfiguredSink {
  readonly sink: Sink;
  readonly batch: BatchPolicy;
  readonly retry: RetryPolicy;
}

export interface SinkReport {
  readonly name: string;
  readonly delivered: number;
  readonly rejected: number;
  readonly rejectedByReason: Record<string, number>;
  readonly retries: number;
  readonly batches: number;
  readonly settledSeq: number;
  /** How far behind schedule the last delivery was (ms); 0 at speed max. */
  readonly lagMs: number;
  readonly error?: string;
}

export interface ReplayReport {
  readonly source: string;
  readonly range: { start: string; end: string | null };
  readonly shiftMs: number;
  readonly speed: number | 'max';
  readonly dryRun: boolean;
  readonly resumed: boolean;
  /** Records read from the source (all kinds, counted) and routed to at least one sink. */
  readonly recordsRead: number;
  readonly recordsRouted: number;
  readonly sinks: SinkReport[];
  readonly complete: boolean;
  readonly interrupted: boolean;
  readonly seconds: number;
}

export interface ReplayDeps {
  readonly clock: Clock;
  /** Ends reading gracefully (what is queued is still delivered). */
  readonly stop?: AbortSignal;
  /** Aborts everything at once (in-flight requests too). */
  readonly abort?: AbortSignal;
  readonly onProgress?: (report: ReplayReport) => void;
}

export async function runReplay(source: RecordSource, configured: readonly ConfiguredSink[], options: ReplayOptions, deps: ReplayDeps): Promise<ReplayReport> {
  try {
    return await replay(source, configured, options, deps);
  } catch (err) {
    // A replay that ends early (a failed healthcheck, a refused checkpoint) still closes its
    // sinks: some hold connections or worker threads that would keep the process alive.
    await Promise.all(configured.map((c) => c.sink.close().catch(() => undefined)));
    throw err;
  }
}

async function replay(source: RecordSource, configured: readonly ConfiguredSink[], options: ReplayOptions, deps: ReplayDeps): Promise<ReplayReport> {
  const sinks = configured.map((c) => c.sink);
  const { clock } = deps;
  const started = clock.monotonic();
  const names = new Set<string>();
  for (const s of sinks) {
    if (names.has(s.name)) throw new UsageError(`two sinks are named "${s.name}"; give each a distinct name`);
    names.add(s.name);
  }
  if (!options.dryRun) {
    const failures: string[] = [];
    await Promise.all(
      sinks.map((s) =>
        s.healthcheck(deps.abort).catch((err: unknown) => {
          failures.push(`${s.name}: ${err instanceof Error ? err.message : String(err)}`);
        }),
      ),
    );
    if (failures.length > 0) throw new HealthcheckError(failures);
    const documents = source.documents();
    for (const s of sinks) {
      try {
        await s.prepare?.(documents, deps.abort);
      } catch (err) {
        throw new HealthcheckError([`${s.name}: preparing failed: ${err instanceof Error ? err.message : String(err)}`]);
      }
    }
  }

  // Resume from a checkpoint of the same stream, or start over.
  let checkpoint = options.checkpointPath && !options.restart && !options.dryRun ? readCheckpoint(options.checkpointPath) : undefined;
  if (checkpoint && checkpoint.source !== source.identity) {
    throw new UsageError(`checkpoint ${options.checkpointPath} belongs to another replay (different dataset or options); pass --restart to start over, or --checkpoint FILE to keep both`);
  }
  const wanted = new Set<RecordKind>();
  for (const s of sinks) for (const k of s.kinds) wanted.add(k);
  const kinds = [...wanted].sort();
  if (checkpoint && !checkpoint.complete && checkpoint.kinds.join(',') !== kinds.join(',')) {
    throw new UsageError(
      `checkpoint ${options.checkpointPath} was made by sinks taking ${checkpoint.kinds.join(', ')}; these sinks take ${kinds.join(', ')}. Resume with the same sinks, or pass --restart (or --checkpoint FILE for a separate replay)`,
    );
  }
  const resumed = checkpoint !== undefined && !checkpoint.complete;
  if (checkpoint?.complete) checkpoint = undefined;
  const shiftMs = checkpoint?.shiftMs ?? rebaseShift(options.rebase, source.range, clock.now());
  const channels = configured.map(
    ({ sink, batch, retry }) => new SinkChannel(sink, batch, retry, clock, checkpoint?.sinks[sink.name]?.settledSeq ?? 0, () => saveSoon(), deps.abort),
  );
  for (const c of channels) {
    const saved = checkpoint?.sinks[c.sink.name];
    if (saved) {
      c.stats.delivered = saved.delivered;
      c.stats.rejected = saved.rejected;
    }
  }

  let lastSave = 0;
  const snapshot = (complete: boolean): Checkpoint => ({
    version: 2,
    source: source.identity,
    shiftMs,
    kinds,
    complete,
    sinks: Object.fromEntries(channels.map((c) => [c.sink.name, { settledSeq: c.stats.settledSeq, delivered: c.stats.delivered, rejected: c.stats.rejected }])),
  });
  const saveSoon = () => {
    if (!options.checkpointPath || options.dryRun) return;
    const now = clock.monotonic();
    if (now - lastSave < 1000) return;
    lastSave = now;
    writeCheckpoint(options.checkpointPath, snapshot(false));
  };

  const after = Math.min(...channels.map((c) => c.stats.settledSeq));
  let read = after;
  let routed = 0;
  let wallStart: number | undefined;
  let simStart = 0;
  // A live stream runs on the wall clock itself; a history is replayed from its first record.
  const dueOf = (time: number) => (options.speed === 'max' ? 0 : source.live ? time : wallStart === undefined ? 0 : wallStart + (time - simStart) / options.speed);
  const lastDue = new Map<SinkChannel, number>();
  let interrupted = false;
  let stopError: Error | undefined;
  const dryCounts = new Map<string, number>();

  const report = (complete: boolean): ReplayReport => ({
    source: source.identity,
    range: { start: new Date(source.range.start + shiftMs).toISOString(), end: source.live ? null : new Date(source.range.end + shiftMs).toISOString() },
    shiftMs,
    speed: options.speed,
    dryRun: options.dryRun,
    resumed,
    recordsRead: read,
    recordsRouted: routed,
    sinks: channels.map((c) => ({
      name: c.sink.name,
      delivered: options.dryRun ? (dryCounts.get(c.sink.name) ?? 0) : c.stats.delivered,
      rejected: c.stats.rejected,
      rejectedByReason: c.stats.rejectedByReason,
      retries: c.stats.retries,
      batches: c.stats.batches,
      settledSeq: c.stats.settledSeq,
      lagMs: options.speed === 'max' || c.stats.settledSeq === 0 ? 0 : Math.max(0, clock.now() - (lastDue.get(c) ?? clock.now())),
      error: c.error?.message,
    })),
    complete,
    interrupted,
    seconds: (clock.monotonic() - started) / 1000,
  });

  let lastProgress = 0;
  try {
    reading: for await (const run of source.runs(wanted, after, deps.stop)) {
      for (const streamed of run) {
        const { seq, kind } = streamed;
        read = seq;
        if (deps.stop?.aborted) {
          interrupted = true;
          break reading;
        }
        const time = streamed.timestamp + shiftMs;
        if (wallStart === undefined) {
          wallStart = clock.now();
          simStart = time;
        }
        const due = dueOf(time);
        if (options.speed !== 'max' && due > clock.now()) {
          try {
            await clock.sleep(due - clock.now(), deps.stop);
          } catch {
            interrupted = true;
            break reading;
          }
        }
        const item = new QueuedRecord(streamed, time, shiftMs);
        let took = false;
        for (const c of channels) {
          if (!c.sink.kinds.has(kind) || seq <= c.stats.settledSeq) continue;
          took = true;
          if (options.dryRun) {
            dryCounts.set(c.sink.name, (dryCounts.get(c.sink.name) ?? 0) + 1);
            continue;
          }
          lastDue.set(c, due);
          // offer() hands back a promise only when the lane is full (back-pressure).
          const full = c.offer(item);
          if (full) await full;
        }
        if (took) routed++;
        if (deps.onProgress && clock.monotonic() - lastProgress > 250) {
          lastProgress = clock.monotonic();
          deps.onProgress(report(false));
        }
      }
    }
    if (deps.stop?.aborted) interrupted = true;
  } catch (err) {
    if (!(err instanceof ChannelStopped)) throw err;
    stopError = err;
  }
  // Deliver what is queued, even when stopping (Ctrl-C): the checkpoint then covers it.
  for (const c of channels) {
    try {
      await c.drain();
    } catch (err) {
      if (!(err instanceof ChannelStopped)) throw err;
      stopError ??= err;
    }
  }
  for (const s of sinks) await s.close().catch(() => undefined);
  const complete = !interrupted && !stopError && !source.live;
  if (options.checkpointPath && !options.dryRun) writeCheckpoint(options.checkpointPath, snapshot(complete));
  const final = report(complete);
  deps.onProgress?.(final);
  return final;
}

/** A record on its way to the sinks; the record itself is parsed only when a sink asks for it (see LineRecord). */
class QueuedRecord implements ReplayRecord {
  constructor(
    private readonly streamed: StreamedRecord,
    readonly time: number,
    readonly shiftMs: number,
  ) {}

  get seq(): number {
    return this.streamed.seq;
  }

  get kind(): RecordKind {
    return this.streamed.kind;
  }

  get bytes(): Buffer | undefined {
    return this.streamed.bytes;
  }

  get record(): FileRecord {
    return this.streamed.record;
  }
}

/** Sinks that failed their healthcheck: nothing was sent. */
export class HealthcheckError extends Error {
  constructor(readonly failures: readonly string[]) {
    super(`sink healthcheck failed; nothing was sent:\n${failures.map((f) => `  ${f}`).join('\n')}`);
    this.name = 'HealthcheckError';
  }
}

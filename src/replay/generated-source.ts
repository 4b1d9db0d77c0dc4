// Records made on the fly (no files): the same engine as `generate`, chunk by chunk, each
// chunk's kinds merged by timestamp. Live mode never ends: chunks follow the wall clock.
import { createHash } from 'node:crypto';
import { ChunkBuffers, generateChunk } from '../engine/chunk.js';
import { chunkAt, chunkLengthMs, countChunks } from '../engine/plan.js';
import { runChunks } from '../engine/worker-pool.js';
import type { EncodedChunk } from '../engine/encoded-chunk.js';
import { allGenerators } from '../generators/registry.js';
import { RECORD_KINDS, type RecordKind } from '../model/record.js';
import { World, type RunOptions, type WorldConfig } from '../simulation/world.js';
import { MINUTE } from '../time/calendar.js';
import type { Clock } from '../time/clock.js';
import { EnvelopeHead } from './envelope-head.js';
import { LineRecord, linesOf, RUN_LENGTH, type RecordSource, type SourceDocuments, type StreamedRecord } from './record-stream.js';
import { alarmDefinitions } from '../generators/cloudwatch/alarm-definitions.js';

function identityOf(config: WorldConfig, run: RunOptions, live: boolean): string {
  const h = createHash('sha256').update(JSON.stringify({ config, run, live })).digest('hex');
  return `${live ? 'live' : 'generated'}:${h}`;
}

/** A chunk's line with what the merge already read from it. */
interface ChunkLine {
  readonly line: Buffer;
  readonly kind: RecordKind;
  readonly time: number;
}

/**
 * Lines of one chunk, merged across kinds by timestamp (each kind keeps its own order). Each
 * line's time is read once, when it becomes the head of its kind; its kind is its list's.
 */
function* mergeChunk(kinds: ReadonlyArray<{ kind: RecordKind; text: Buffer }>): Generator<ChunkLine> {
  const order = (k: RecordKind) => RECORD_KINDS.indexOf(k);
  const sorted = [...kinds].sort((a, b) => order(a.kind) - order(b.kind));
  const lists = sorted.map((k) => linesOf(k.text));
  const pos = lists.map(() => 0);
  const reader = new EnvelopeHead();
  const timeOf = (line: Buffer) => {
    reader.read(line);
    return reader.time;
  };
  const heads = lists.map((l) => (l.length > 0 ? timeOf(l[0]!) : Infinity));
  for (;;) {
    let best = -1;
    let bestTime = Infinity;
    for (let i = 0; i < lists.length; i++) {
      if (pos[i]! < lists[i]!.length && heads[i]! < bestTime) {
        bestTime = heads[i]!;
        best = i;
      }
    }
    if (best < 0) return;
    const line = lists[best]![pos[best]!++]!;
    const next = lists[best]![pos[best]!];
    heads[best] = next === undefined ? Infinity : timeOf(next);
    yield { line, kind: sorted[best]!.kind, time: bestTime };
  }
}

/** A chunk's records of the wanted kinds past `after`, in runs; `counter` numbers every line. */
function* runsOfChunk(kinds: ReadonlyArray<{ kind: RecordKind; text: Buffer }>, counter: { seq: number }, after: number, wanted: ReadonlySet<RecordKind>): Generator<StreamedRecord[]> {
  let run: StreamedRecord[] = [];
  for (const { line, kind, time } of mergeChunk(kinds)) {
    const seq = ++counter.seq;
    if (seq <= after || !wanted.has(kind)) continue;
    run.push(new LineRecord(seq, line, kind, time));
    if (run.length >= RUN_LENGTH) {
      yield run;
      run = [];
    }
  }
  if (run.length > 0) yield run;
}

export class GeneratedSource implements RecordSource {
  readonly identity: string;
  readonly range: { start: number; end: number };
  readonly live = false;

  constructor(
    private readonly config: WorldConfig,
    private readonly run: RunOptions,
    private readonly workers: number,
  ) {
    this.identity = identityOf(config, run, false);
    this.range = { start: run.start, end: run.end };
  }

  documents(): SourceDocuments {
    const world = new World(this.config, this.run);
    return { alarmDefinitions: world.has('cloudwatch') ? alarmDefinitions(world) : [] };
  }

  async *runs(wanted: ReadonlySet<RecordKind>, after: number, signal?: AbortSignal): AsyncIterable<readonly StreamedRecord[]> {
    const chunkMs = chunkLengthMs(this.run.volumeMultiplier);
    const total = countChunks(this.run, chunkMs);
    // runChunks pushes chunks; this mailbox turns them into a pull, one chunk at a time.
    let waiting: ((c: EncodedChunk | undefined) => void) | undefined;
    let pending: EncodedChunk | undefined | null = null;
    let taken: (() => void) | undefined;
    let failure: unknown;
    let finished = false;
    // Stopping early (a consumer that breaks out) must stop the workers too.
    const controller = new AbortController();
    const onAbort = () => controller.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    const producer = runChunks(
      { config: this.config, options: this.run, chunkMs, format: 'jsonl', gzipLevel: 1 },
      total,
      this.workers,
      (chunk) =>
        new Promise<void>((resolve) => {
          taken = resolve;
          if (waiting) {
            const w = waiting;
            waiting = undefined;
            w(chunk);
          } else pending = chunk;
        }),
      controller.signal,
    ).then(
      () => {
        finished = true;
        if (waiting) waiting(undefined);
        else pending = undefined;
      },
      (err: unknown) => {
        failure = err;
        if (waiting) waiting(undefined);
        else pending = undefined;
      },
    );
    const nextChunk = (): Promise<EncodedChunk | undefined> => {
      if (pending !== null) {
        const c = pending;
        pending = null;
        return Promise.resolve(c);
      }
      return new Promise((resolve) => (waiting = resolve));
    };
    const counter = { seq: 0 };
    let drained = false;
    try {
      for (;;) {
        const chunk = await nextChunk();
        if (!chunk) {
          drained = true;
          break;
        }
        // The chunk's buffers came from a worker and are ours: the lines are views into them.
        const kinds = chunk.kinds.map((k) => ({ kind: k.kind, text: Buffer.from(k.records.buffer, k.records.byteOffset, k.records.byteLength) }));
        const release = taken;
        taken = undefined;
        release?.();
        yield* runsOfChunk(kinds, counter, after, wanted);
      }
    } finally {
      signal?.removeEventListener('abort', onAbort);
      // The consumer stopped early (it broke out): stop the workers, their abort is no failure.
      const stoppedEarly = !drained;
      if (stoppedEarly && !finished) controller.abort(new Error('replay stopped'));
      taken?.();
      await producer;
      if (failure && !stoppedEarly) throw failure;
    }
  }
}

/**
 * An endless history from now on, generated a minute at a time just before the wall clock
 * reaches it, for demo stacks that should look alive.
 */
export class LiveSource implements RecordSource {
  readonly identity: string;
  readonly range: { start: number; end: number };
  readonly live = true;
  private readonly world: World;

  constructor(
    config: WorldConfig,
    run: Omit<RunOptions, 'start' | 'end'>,
    private readonly clock: Clock,
    start: number,
  ) {
    const aligned = Math.floor(start / MINUTE) * MINUTE;
    const options: RunOptions = { ...run, start: aligned, end: aligned + 10 * 366 * 24 * 60 * MINUTE };
    this.world = new World(config, options);
    this.identity = identityOf(config, options, true);
    this.range = { start: aligned, end: options.end };
  }

  documents(): SourceDocuments {
    return { alarmDefinitions: this.world.has('cloudwatch') ? alarmDefinitions(this.world) : [] };
  }

  async *runs(wanted: ReadonlySet<RecordKind>, after: number, signal?: AbortSignal): AsyncIterable<readonly StreamedRecord[]> {
    const generators = allGenerators();
    const buffers = new ChunkBuffers();
    const counter = { seq: 0 };
    for (let i = 0; ; i++) {
      if (signal?.aborted) return;
      const window = chunkAt(this.range, MINUTE, i);
      // Generate a little ahead of the clock, never far ahead.
      const lead = window.start - this.clock.now() - 20_000;
      if (lead > 0) await this.clock.sleep(lead, signal).catch(() => undefined);
      if (signal?.aborted) return;
      const out = generateChunk(this.world, generators, window, buffers);
      // A copy: the builders behind the chunk are reused for the next one while these lines wait.
      yield* runsOfChunk(
        out.kinds.map((k) => ({ kind: k.kind, text: Buffer.from(k.records) })),
        counter,
        after,
        wanted,
      );
    }
  }
}

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/config/errors.js';
import type { FileRecord, RecordKind } from '../../../src/model/record.js';
import { DEFAULT_BATCH, type BatchPolicy } from '../../../src/replay/channel.js';
import { readCheckpoint } from '../../../src/replay/checkpoint.js';
import type { RecordSource, StreamedRecord } from '../../../src/replay/record-stream.js';
import { runReplay, type ReplayOptions } from '../../../src/replay/replay.js';
import { InMemorySink } from '../../../src/sinks/in-memory/in-memory-sink.js';
import type { RetryPolicy } from '../../../src/sinks/retrying.js';
import { success, type ReplayRecord, type Sink, type WriteResult } from '../../../src/sinks/sink.js';
import { HOUR, MINUTE, SECOND } from '../../../src/time/calendar.js';
import { FakeClock } from '../../support/fake-clock.js';

const T0 = Date.UTC(2026, 10, 24, 10, 0, 0);
const NOW = Date.UTC(2026, 10, 29, 12, 0, 30, 500);

/** A small, hand-made stream: n records, alternating kinds, one per minute. */
function source(n: number, identity = 'test:one'): RecordSource {
  const kinds: RecordKind[] = ['kubernetes_log', 'grafana_series', 'sentry_error'];
  const records: FileRecord[] = Array.from({ length: n }, (_, i) => ({
    id: `r-${i}`,
    kind: kinds[i % 3]!,
    timestamp: T0 + i * MINUTE,
    service: 'svc',
    body: { value: [(T0 + i * MINUTE) / 1000, String(i)], metric: { __name__: 'x' } },
  })) as FileRecord[];
  return {
    identity,
    range: { start: T0, end: T0 + n * MINUTE },
    live: false,
    documents: () => ({ alarmDefinitions: [] }),
    // Runs of two, so that the engine meets records handed over together.
    async *runs(wanted, after, signal): AsyncIterable<readonly StreamedRecord[]> {
      let run: StreamedRecord[] = [];
      for (let i = 0; i < records.length; i++) {
        if (signal?.aborted) return;
        const seq = i + 1;
        if (seq <= after) continue;
        if (wanted.has(records[i]!.kind)) run.push({ seq, kind: records[i]!.kind, timestamp: records[i]!.timestamp, record: records[i]! });
        if (run.length === 2) {
          yield run;
          run = [];
        }
      }
      if (run.length > 0) yield run;
    },
  };
}

const BATCH: BatchPolicy = { ...DEFAULT_BATCH, maxRecords: 4, timeoutMs: 5 };
const RETRY: RetryPolicy = { initialBackoffMs: 10, maxBackoffMs: 100, multiplier: 2, deadlineMs: 60_000 };
const options = (o: Partial<ReplayOptions> = {}): ReplayOptions => ({ speed: 'max', rebase: 'end', dryRun: false, restart: false, ...o });
const configured = (sink: InMemorySink, batch = BATCH, retry = RETRY) => ({ sink, batch, retry });

describe('runReplay', () => {
  it('routes each record to the sinks that take its kind, in order, rebased to end now', async () => {
    const logs = new InMemorySink('logs', ['kubernetes_log', 'sentry_error']);
    const metrics = new InMemorySink('metrics', ['grafana_series']);
    const clock = new FakeClock(NOW);
    const report = await runReplay(source(30), [configured(logs), configured(metrics)], options(), { clock });
    expect(report.complete).toBe(true);
    expect(logs.received.map((r) => r.record.kind)).toEqual(Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? 'kubernetes_log' : 'sentry_error')));
    expect(metrics.received).toHaveLength(10);
    // History ends at now (whole seconds): the last record is one minute before the range end.
    const shift = report.shiftMs;
    expect(shift % SECOND).toBe(0);
    expect(T0 + 30 * MINUTE + shift).toBeLessThanOrEqual(NOW);
    expect(NOW - (T0 + 30 * MINUTE + shift)).toBeLessThan(SECOND);
    for (const r of [...logs.received, ...metrics.received]) expect(r.time).toBe(r.record.timestamp + shift);
    const seqs = logs.received.map((r) => r.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(report.sinks.map((s) => [s.name, s.delivered])).toEqual([
      ['logs', 20],
      ['metrics', 10],
    ]);
    expect(logs.closed).toBe(true);
  });

  it('follows the compressed clock: at speed 60 an hour of history takes a minute', async () => {
    const sink = new InMemorySink('all');
    const clock = new FakeClock(NOW);
    await runReplay(source(61), [configured(sink)], options({ speed: 60, rebase: 'none' }), { clock });
    expect(clock.slept).toBe(HOUR / 60);
    expect(sink.received).toHaveLength(61);
  });

  it('retries retryable answers, honouring Retry-After, and loses nothing', async () => {
    let failures = 0;
    const sink = new InMemorySink('flaky', undefined, (batch): WriteResult => {
      if (failures < 3) {
        failures++;
        return { status: 'retryable', error: new Error('HTTP 503'), retryAfterMs: 2000 };
      }
      return batch.length > 0 ? success : success;
    });
    const clock = new FakeClock(NOW);
    const report = await runReplay(source(12), [configured(sink)], options(), { clock });
    expect(sink.received.map((r) => r.seq)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(report.sinks[0]!.retries).toBe(3);
    expect(clock.slept).toBeGreaterThanOrEqual(3 * 2000);
    expect(report.complete).toBe(true);
  });

  it('counts permanent rejections with their reason and still delivers the rest', async () => {
    const sink = new InMemorySink('picky', undefined, (batch) => ({ status: 'success', rejected: batch.filter((r) => r.seq % 4 === 0).map((r) => ({ seq: r.seq, reason: 'entry too far behind' })) }));
    const report = await runReplay(source(12), [configured(sink)], options(), { clock: new FakeClock(NOW) });
    expect(sink.received).toHaveLength(9);
    expect(report.sinks[0]).toMatchObject({ delivered: 9, rejected: 3, rejectedByReason: { 'entry too far behind': 3 } });
  });

  it('stops when the backend keeps failing and resumes from the checkpoint with nothing lost or repeated', async () => {
    const checkpointPath = join(mkdtempSync(join(tmpdir(), 'obsynth-ckpt-')), 'replay.json');
    let down = false;
    const delivered: number[] = [];
    const answer = (batch: readonly ReplayRecord[]): WriteResult => {
      if (batch.some((r) => r.seq > 14)) down = true;
      if (down) return { status: 'retryable', error: new Error('connection refused') };
      delivered.push(...batch.map((r) => r.seq));
      return success;
    };
    const first = await runReplay(source(30), [configured(new InMemorySink('db', undefined, answer), BATCH, { ...RETRY, deadlineMs: 1000 })], options({ checkpointPath }), { clock: new FakeClock(NOW) });
    expect(first.complete).toBe(false);
    expect(first.sinks[0]!.error).toMatch(/gave up after .* connection refused/);
    const saved = readCheckpoint(checkpointPath)!;
    expect(saved.sinks.db!.settledSeq).toBe(delivered[delivered.length - 1]);
    expect(saved.complete).toBe(false);

    down = false;
    const healed = (batch: readonly ReplayRecord[]): WriteResult => {
      delivered.push(...batch.map((r) => r.seq));
      return success;
    };
    // The same checkpoint, a later "now": the shift of the first run is kept.
    const second = await runReplay(source(30), [configured(new InMemorySink('db', undefined, healed))], options({ checkpointPath }), { clock: new FakeClock(NOW + HOUR) });
    expect(second.resumed).toBe(true);
    expect(second.shiftMs).toBe(first.shiftMs);
    expect(second.complete).toBe(true);
    expect(delivered).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(readCheckpoint(checkpointPath)!.complete).toBe(true);
  });

  it('on stop (Ctrl-C) delivers what is queued, saves a checkpoint, and a rerun finishes the rest exactly once', async () => {
    const checkpointPath = join(mkdtempSync(join(tmpdir(), 'obsynth-ckpt-')), 'replay.json');
    const got: number[] = [];
    const stop = new AbortController();
    const sink1 = new InMemorySink('s', undefined, (batch) => {
      got.push(...batch.map((r) => r.seq));
      if (got.length >= 8) stop.abort(new Error('interrupted'));
      return success;
    });
    const first = await runReplay(source(40), [configured(sink1)], options({ checkpointPath }), { clock: new FakeClock(NOW), stop: stop.signal });
    expect(first.interrupted).toBe(true);
    expect(got.length).toBeLessThan(40);
    const sink2 = new InMemorySink('s', undefined, (batch) => {
      got.push(...batch.map((r) => r.seq));
      return success;
    });
    const second = await runReplay(source(40), [configured(sink2)], options({ checkpointPath }), { clock: new FakeClock(NOW) });
    expect(second.complete).toBe(true);
    expect(got).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
  });

  it('refuses a checkpoint that belongs to another stream', async () => {
    const checkpointPath = join(mkdtempSync(join(tmpdir(), 'obsynth-ckpt-')), 'replay.json');
    await runReplay(source(5, 'test:a'), [configured(new InMemorySink('s'))], options({ checkpointPath }), { clock: new FakeClock(NOW) });
    // A completed checkpoint is not a resume point...
    const again = await runReplay(source(5, 'test:a'), [configured(new InMemorySink('s'))], options({ checkpointPath }), { clock: new FakeClock(NOW) });
    expect(again.resumed).toBe(false);
    // ...and another stream's checkpoint is an error.
    await expect(runReplay(source(5, 'test:b'), [configured(new InMemorySink('s'))], options({ checkpointPath }), { clock: new FakeClock(NOW) })).rejects.toThrow(UsageError);
  });

  it('refuses to resume with sinks that take other kinds (record numbers count the kinds taken)', async () => {
    const checkpointPath = join(mkdtempSync(join(tmpdir(), 'obsynth-ckpt-')), 'replay.json');
    const stop = new AbortController();
    const first = new InMemorySink('s', ['kubernetes_log'], (batch) => {
      if (batch.length > 0) stop.abort(new Error('interrupted'));
      return success;
    });
    const r = await runReplay(source(30), [configured(first, { ...BATCH, maxRecords: 2 })], options({ checkpointPath }), { clock: new FakeClock(NOW), stop: stop.signal });
    expect(r.interrupted).toBe(true);
    expect(readCheckpoint(checkpointPath)!.kinds).toEqual(['kubernetes_log']);
    const other = new InMemorySink('s', ['kubernetes_log', 'sentry_error']);
    await expect(runReplay(source(30), [configured(other)], options({ checkpointPath }), { clock: new FakeClock(NOW) })).rejects.toThrow(/sinks taking kubernetes_log; these sinks take kubernetes_log, sentry_error/);
    // The same kinds resume.
    const same = await runReplay(source(30), [configured(new InMemorySink('s', ['kubernetes_log']))], options({ checkpointPath }), { clock: new FakeClock(NOW) });
    expect(same.resumed).toBe(true);
    expect(same.complete).toBe(true);
  });

  it('keeps memory bounded: a slow sink makes the reader wait', async () => {
    let maxBacklog = 0;
    let read = 0;
    const src = source(200);
    const counting: RecordSource = {
      ...src,
      async *runs(wanted, after, signal) {
        for await (const run of src.runs(wanted, after, signal)) {
          read = run[run.length - 1]!.seq;
          yield run;
        }
      },
    };
    const slow = new InMemorySink('slow', undefined, () => {
      maxBacklog = Math.max(maxBacklog, read - slow.received.length);
      return success;
    });
    await runReplay(counting, [configured(slow, { maxRecords: 5, timeoutMs: 5, maxQueuedRecords: 20 })], options(), { clock: new FakeClock(NOW) });
    expect(slow.received).toHaveLength(200);
    expect(maxBacklog).toBeLessThanOrEqual(25);
  });

  it('keeps as many batches in flight as a sink allows, and settles them in order', async () => {
    // Later batches answer sooner, so completion order differs from sending order.
    const completed: number[] = [];
    let inFlight = 0;
    let most = 0;
    const sink: Sink = {
      name: 'pipelined',
      kinds: new Set<RecordKind>(['kubernetes_log', 'grafana_series', 'sentry_error']),
      batchesInFlight: 2,
      healthcheck: async () => {},
      write: async (batch) => {
        most = Math.max(most, ++inFlight);
        const first = batch[0]!.seq;
        for (let i = 0; i < (first % 8 === 1 ? 6 : 1); i++) await new Promise((r) => setImmediate(r));
        inFlight--;
        completed.push(first);
        // The batch holding record 21 is refused for good after a later one got through.
        return first === 21 ? { status: 'failure', exhausted: true, error: new Error('backend gone') } : success;
      },
      flush: async () => {},
      close: async () => {},
    };
    const report = await runReplay(source(40), [{ sink, batch: BATCH, retry: RETRY }], options(), { clock: new FakeClock(NOW) });
    expect(most).toBe(2);
    expect(completed.slice(0, 2)).toEqual([5, 1]);
    // Nothing at or after the refused batch counts, whatever answered before it.
    expect(report.sinks[0]).toMatchObject({ delivered: 20, settledSeq: 20, error: 'pipelined: backend gone' });
    expect(completed).toContain(25);
    expect(report.complete).toBe(false);
  });

  it('dry-run routes everything and sends nothing', async () => {
    const sink = new InMemorySink('s', ['grafana_series']);
    const report = await runReplay(source(9), [configured(sink)], options({ dryRun: true }), { clock: new FakeClock(NOW) });
    expect(sink.received).toHaveLength(0);
    expect(report.sinks[0]!.delivered).toBe(3);
  });

  it('checks every sink before sending anything', async () => {
    const ok = new InMemorySink('ok');
    const broken = new InMemorySink('broken');
    broken.healthcheck = async () => {
      throw new Error('connect ECONNREFUSED 127.0.0.1:3100');
    };
    await expect(runReplay(source(3), [configured(ok), configured(broken)], options(), { clock: new FakeClock(NOW) })).rejects.toThrow(/broken: connect ECONNREFUSED 127\.0\.0\.1:3100/);
    expect(ok.received).toHaveLength(0);
  });
});

// The sentry sink against Spotlight (Sentry's own local receiver, started natively): every error
// event and transaction arrives as an envelope with its event id, rebased times, exception and
// breadcrumbs; a stopped and resumed replay delivers each event once.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FileRecord } from '../../src/model/record.js';
import { SentrySink } from '../../src/sinks/sentry/sink.js';
import { systemClock } from '../../src/time/clock.js';
import { startSpotlight, type SpotlightServer } from '../support/backends.js';
import { generatedSource, replayInto, replayStoppedAndResumed } from '../support/replay-harness.js';
import { recordsOf } from '../../src/replay/record-stream.js';

const START = Date.UTC(2026, 10, 24, 17, 0, 0);
const PLACED = [{ type: 'db_pool_exhaustion' as const, at: START + 60_000, target: 'order-service' }];

async function expected(minutes: number): Promise<FileRecord[]> {
  const out: FileRecord[] = [];
  for await (const r of recordsOf(generatedSource({ start: START, minutes, sources: ['sentry'], placed: PLACED }), new Set(['sentry_error', 'sentry_transaction']), 0)) out.push(r.record);
  return out;
}

interface Payload {
  event_id: string;
  timestamp: number;
  type?: string;
  exception?: { values: Array<{ type: string; stacktrace: { frames: unknown[] } }> };
  breadcrumbs?: unknown[];
}

describe('sentry sink against Spotlight', () => {
  let spotlight: SpotlightServer;
  beforeAll(async () => {
    spotlight = await startSpotlight();
  });
  afterAll(async () => {
    await spotlight?.stop();
  });

  const sink = () => new SentrySink('sentry', { type: 'sentry', dsn: spotlight.dsnFor(4505), concurrency: 4 }, ['sentry_error', 'sentry_transaction'], systemClock, {}, 10_000);

  it('delivers every error and transaction with its event id, rebased time, exception and breadcrumbs', async () => {
    await spotlight.clear();
    const report = await replayInto(sink(), { start: START, minutes: 4, sources: ['sentry'], placed: PLACED, batch: { maxRecords: 200 } });
    expect(report.complete).toBe(true);
    expect(report.sinks[0]!.rejected).toBe(0);
    const sent = await expected(4);
    expect(sent.some((r) => r.kind === 'sentry_error')).toBe(true);
    const envelopes = await spotlight.envelopes();
    const got = new Map<string, Payload>();
    for (const e of envelopes) for (const item of e.items) if (item.headers.type === 'event' || item.headers.type === 'transaction') got.set((item.payload as Payload).event_id, item.payload as Payload);
    // Duplicates in the dataset (at-least-once realism) share an event id: Sentry keeps one.
    expect(got.size).toBe(new Set(sent.map((r) => (r.body as Payload).event_id)).size);
    for (const r of sent) {
      const body = r.body as Payload;
      const p = got.get(body.event_id)!;
      expect(p, body.event_id).toBeDefined();
      expect(p.timestamp).toBeCloseTo(body.timestamp + report.shiftMs / 1000, 3);
      if (r.kind === 'sentry_error') {
        expect(p.exception!.values[0]!.type).toBe(body.exception!.values[0]!.type);
        expect(p.exception!.values[0]!.stacktrace.frames.length).toBeGreaterThan(0);
        expect(p.breadcrumbs?.length ?? 0).toBe(body.breadcrumbs?.length ?? 0);
      } else expect(p.type).toBe('transaction');
    }
    for (const e of envelopes) expect(e.project).toBe('4505');
  });

  it('resumes a stopped replay and sends each event once', async () => {
    await spotlight.clear();
    const checkpointPath = join(mkdtempSync(join(tmpdir(), 'obsynth-sentry-')), 'ckpt.json');
    const [first, second] = await replayStoppedAndResumed(sink, { start: START, minutes: 4, sources: ['sentry'], placed: PLACED, batch: { maxRecords: 50, maxQueuedRecords: 100 }, stopAfter: 100, checkpointPath });
    expect(first.interrupted).toBe(true);
    expect(second.resumed).toBe(true);
    expect(second.complete).toBe(true);
    const sent = await expected(4);
    const ids = (await spotlight.envelopes()).flatMap((e) => e.items.filter((i) => i.headers.type === 'event' || i.headers.type === 'transaction').map((i) => (i.payload as Payload).event_id));
    expect(ids.length).toBe(sent.length);
    expect(ids.sort()).toEqual(sent.map((r) => (r.body as Payload).event_id).sort());
  });
});

// The grafana_annotations sink against a LOOPBACK CAPTURE SERVER (test/support/grafana-capture.ts),
// not Grafana: Grafana is AGPL and is not installed on these machines. The capture server speaks
// the documented part of Grafana's HTTP API the sink uses and keeps what it receives, so the test
// reads back every annotation of a replayed history with its rebased times, tags and text.
import { afterEach, describe, expect, it } from 'vitest';
import type { GrafanaAnnotationBody } from '../../src/model/record.js';
import { DEFAULT_BATCH } from '../../src/replay/channel.js';
import { GeneratedSource } from '../../src/replay/generated-source.js';
import { runReplay } from '../../src/replay/replay.js';
import { grafanaAnnotationsSinkSchema } from '../../src/sinks/grafana-annotations/config.js';
import { GRAFANA_ANNOTATIONS_SINK } from '../../src/sinks/grafana-annotations/definition.js';
import { InMemorySink } from '../../src/sinks/in-memory/in-memory-sink.js';
import { DEFAULT_RETRY } from '../../src/sinks/retrying.js';
import type { ReplayRecord } from '../../src/sinks/sink.js';
import { systemClock } from '../../src/time/clock.js';
import { startGrafanaCapture, type GrafanaCapture } from '../support/grafana-capture.js';
import { defaultConfig } from '../support/world.js';

const START = Date.UTC(2026, 10, 24, 10, 0, 0);
const RUN = { seed: 3, start: START, end: START + 2 * 3_600_000, sources: ['grafana'] as const, volumeMultiplier: 0.2, incidentsPerDay: 24, placed: [] };

let capture: GrafanaCapture | undefined;
afterEach(async () => {
  await capture?.close();
  capture = undefined;
});

async function replayTo(url: string, extra: Record<string, unknown> = {}): Promise<{ received: ReplayRecord[]; delivered: number; rejected: number; retries: number }> {
  const config = grafanaAnnotationsSinkSchema.parse({ type: 'grafana_annotations', endpoint: url, auth: { bearer_token: 'glsa_capture' }, tags: ['obsynth-replay'], ...extra });
  const sink = await GRAFANA_ANNOTATIONS_SINK.create(config, { name: 'grafana_annotations', kinds: ['grafana_annotation'], clock: systemClock, timeoutMs: 10_000, env: {} });
  const memory = new InMemorySink('memory', ['grafana_annotation']);
  const report = await runReplay(
    new GeneratedSource(defaultConfig(), RUN, 0),
    [sink, memory].map((s) => ({ sink: s, batch: { ...DEFAULT_BATCH, maxRecords: 10 }, retry: { ...DEFAULT_RETRY, initialBackoffMs: 50 } })),
    { speed: 'max', rebase: 'end', dryRun: false, restart: true },
    { clock: systemClock },
  );
  expect(report.complete).toBe(true);
  const s = report.sinks.find((x) => x.name === 'grafana_annotations')!;
  expect(s.error).toBeUndefined();
  return { received: memory.received, delivered: s.delivered, rejected: s.rejected, retries: s.retries };
}

function expectAll(received: readonly ReplayRecord[], got: GrafanaCapture): void {
  expect(got.annotations).toHaveLength(received.length);
  for (const r of received) {
    const body = r.record.body as GrafanaAnnotationBody;
    const found = got.annotations.filter((a) => a.tags.includes(`obsynth:${r.record.id}`));
    expect(found, r.record.id).toHaveLength(1);
    const a = found[0]!;
    expect(a.time).toBe(body.time + r.shiftMs);
    expect(a.timeEnd).toBe(body.timeEnd === undefined ? undefined : body.timeEnd + r.shiftMs);
    expect(a.text).toBe(body.text);
    expect(a.dashboardUID).toBe(body.dashboardUID);
    expect(a.tags).toEqual([...body.tags, 'obsynth-replay', `obsynth:${r.record.id}`]);
    expect(a.headers['authorization']).toBe('Bearer glsa_capture');
  }
}

describe('grafana_annotations sink -> loopback Grafana capture server (not Grafana)', () => {
  it('posts every annotation of a replayed history once, with rebased times, a few at a time', async () => {
    capture = await startGrafanaCapture({ authorization: 'Bearer glsa_capture' });
    const { received, delivered, rejected } = await replayTo(capture.url);
    expect(received.length).toBeGreaterThan(5);
    expect(delivered).toBe(received.length);
    expect(rejected).toBe(0);
    expectAll(received, capture);
    expect(capture.stats.maxInFlight).toBeGreaterThan(1);
    expect(capture.stats.maxInFlight).toBeLessThanOrEqual(4);
    // The history ends now: the last annotation is within the last few hours, none in the future.
    const last = Math.max(...capture.annotations.map((a) => a.time));
    expect(last).toBeLessThanOrEqual(systemClock.now());
    expect(last).toBeGreaterThan(systemClock.now() - RUN.end + RUN.start - 60_000);
  });

  it('waits out 429 + Retry-After and creates each annotation exactly once', async () => {
    capture = await startGrafanaCapture({ faults: { count: 3, status: 429, retryAfterSecs: 1 } });
    const { received, delivered, retries } = await replayTo(capture.url, { concurrency: 2 });
    expect(capture.stats.faults).toBe(3);
    expect(retries).toBeGreaterThan(0);
    expect(delivered).toBe(received.length);
    expectAll(received, capture);
  });

  it('reports what the API refuses instead of dropping it', async () => {
    capture = await startGrafanaCapture({ authorization: 'Bearer glsa_capture' });
    const sink = await GRAFANA_ANNOTATIONS_SINK.create(grafanaAnnotationsSinkSchema.parse({ type: 'grafana_annotations', endpoint: capture.url, auth: { bearer_token: 'glsa_capture' } }), {
      name: 'g',
      kinds: ['grafana_annotation'],
      clock: systemClock,
      timeoutMs: 5000,
      env: {},
    });
    await sink.healthcheck();
    const empty: ReplayRecord = { seq: 1, time: START, shiftMs: 0, record: { id: 'ga-empty', kind: 'grafana_annotation', timestamp: START, service: 's', body: { time: START, tags: [], text: '' } } };
    expect(await sink.write([empty])).toEqual({ status: 'success', rejected: [{ seq: 1, reason: 'grafana: HTTP 400: Failed to save annotation: text is empty' }] });
  });
});

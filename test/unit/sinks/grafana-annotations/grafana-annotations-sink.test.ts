import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FileRecord } from '../../../../src/model/record.js';
import { loadSinks } from '../../../../src/sinks/load-sinks.js';
import { grafanaAnnotationsSinkSchema } from '../../../../src/sinks/grafana-annotations/config.js';
import { annotationRequest, GrafanaAnnotationsSink } from '../../../../src/sinks/grafana-annotations/grafana-annotations-sink.js';
import { FakeClock } from '../../../support/fake-clock.js';
import { fakeFetch, replay, type FakeAnswer, type FakeCall } from '../loki/support.js';

const T0 = Date.UTC(2026, 10, 24, 14, 0, 0);
const clock = new FakeClock(T0);

function annotation(ms: number, end?: number): FileRecord {
  return {
    id: `ga-${ms}`,
    kind: 'grafana_annotation',
    timestamp: ms,
    service: 'analytics-service',
    body: { dashboardUID: 'obsynth-service-overview', time: ms, ...(end ? { timeEnd: end } : {}), tags: ['deploy', 'service:analytics-service'], text: 'Deployed analytics-service 2026.11.24-1400' },
  };
}

afterEach(() => {
  vi.unstubAllGlobals();
});

function sink(answer: (call: FakeCall, i: number) => FakeAnswer | Promise<FakeAnswer>, config: Record<string, unknown> = {}) {
  const f = fakeFetch(answer);
  vi.stubGlobal('fetch', f.fetch);
  const parsed = grafanaAnnotationsSinkSchema.parse({ type: 'grafana_annotations', endpoint: 'http://grafana:3000/', auth: { bearer_token: 'glsa_x' }, ...config });
  return { sink: new GrafanaAnnotationsSink(parsed, { name: 'grafana_annotations', clock, timeoutMs: 5000 }), calls: f.calls };
}

describe('grafana annotation requests', () => {
  it('carries the rebased times, the record tags, the configured tags and obsynth:<record id>', () => {
    const shift = 2 * 86_400_000;
    const r = replay(annotation(T0, T0 + 102_000), shift);
    expect(annotationRequest(r, { tags: ['replay'] })).toEqual({
      dashboardUID: 'obsynth-service-overview',
      time: T0 + shift,
      timeEnd: T0 + 102_000 + shift,
      tags: ['deploy', 'service:analytics-service', 'replay', `obsynth:ga-${T0}`],
      text: 'Deployed analytics-service 2026.11.24-1400',
    });
  });

  it('overrides the dashboard and panel, or makes organisation-wide annotations with dashboard_uid ""', () => {
    const r = replay(annotation(T0));
    expect(annotationRequest(r, { dashboard_uid: 'ops', panel_id: 4 })).toMatchObject({ dashboardUID: 'ops', panelId: 4 });
    const orgWide = annotationRequest(r, { dashboard_uid: '' });
    expect(orgWide.dashboardUID).toBeUndefined();
    expect(orgWide.panelId).toBeUndefined();
  });
});

describe('grafana_annotations sink', () => {
  it('takes GRAFANA_URL and GRAFANA_TOKEN for --to grafana-annotations, and defaults to 4 posts at once', async () => {
    const [configured] = await loadSinks({ to: 'grafana-annotations', env: { GRAFANA_URL: 'http://g:3000', GRAFANA_TOKEN: 't' }, clock });
    expect([...configured!.sink.kinds]).toEqual(['grafana_annotation']);
    expect(grafanaAnnotationsSinkSchema.parse({ type: 'grafana_annotations', endpoint: 'http://g' }).concurrency).toBe(4);
  });

  it('posts one annotation per record with the token, a few at a time', async () => {
    let inFlight = 0;
    let max = 0;
    const { sink: s, calls } = sink(async () => {
      inFlight++;
      max = Math.max(max, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight--;
      return { status: 200, body: '{"message":"Annotation added","id":1}' };
    });
    const batch = Array.from({ length: 10 }, (_, i) => replay(annotation(T0 + i * 1000)));
    expect(await s.write(batch)).toEqual({ status: 'success' });
    expect(calls).toHaveLength(10);
    expect(max).toBe(4);
    expect(calls[0]).toMatchObject({ url: 'http://grafana:3000/api/annotations', method: 'POST', headers: { authorization: 'Bearer glsa_x', 'content-type': 'application/json' } });
    expect(new Set(calls.map((c) => JSON.parse(c.body.toString()).time))).toEqual(new Set(batch.map((r) => r.time)));
  });

  it('does not post again, on a retried batch, what was already created (Grafana cannot deduplicate)', async () => {
    const { sink: s, calls } = sink((_c, i) => (i === 1 ? { status: 429, body: '{"message":"too many"}', headers: { 'retry-after': '2' } } : { status: 200, body: '{"id":1}' }), { concurrency: 1 });
    const batch = [replay(annotation(T0)), replay(annotation(T0 + 1000)), replay(annotation(T0 + 2000))];
    expect(await s.write(batch)).toMatchObject({ status: 'retryable', retryAfterMs: 2000 });
    expect(await s.write(batch)).toEqual({ status: 'success' });
    const times = calls.map((c) => JSON.parse(c.body.toString()).time as number);
    expect(times).toEqual([T0, T0 + 1000, T0 + 1000, T0 + 2000]);
  });

  it('reports refused annotations with Grafana\'s message, and stops on bad credentials', async () => {
    const a = sink(() => ({ status: 400, body: '{"message":"bad request data"}' }));
    const r = replay(annotation(T0));
    expect(await a.sink.write([r])).toEqual({ status: 'success', rejected: [{ seq: r.seq, reason: 'grafana: HTTP 400: bad request data' }] });
    const b = sink(() => ({ status: 401, body: '{"message":"Unauthorized"}' }));
    expect(await b.sink.write([r])).toMatchObject({ status: 'failure', exhausted: true });
  });

  it('healthcheck wants 200 from /api/health', async () => {
    const ok = sink(() => ({ status: 200, body: '{"database":"ok"}' }));
    await ok.sink.healthcheck();
    expect(ok.calls[0]!.url).toBe('http://grafana:3000/api/health');
    await expect(sink(() => ({ status: 503, body: '{"database":"failing"}' })).sink.healthcheck()).rejects.toThrow(/HTTP 503/);
  });
});

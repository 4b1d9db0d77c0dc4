import { beforeAll, describe, expect, it } from 'vitest';
import type { LoadedConfig } from '../../../../src/config/load.js';
import type { SpanSim } from '../../../../src/simulation/requests.js';
import { MINUTE } from '../../../../src/time/calendar.js';
import { defaultConfig, makeWorld } from '../../../support/world.js';
import { runSentry, type SentryRun } from './support.js';

const START = Date.UTC(2026, 10, 24, 15, 0, 0);
const END = START + 20 * MINUTE;
const MAX_SKEW = defaultConfig().generation.realism.clock_skew.max_ms;

/** Service spans a Sentry SDK reports: not datastores, not the edge gateway, served by a pod. */
function sdkSpans(root: SpanSim, edge: string): SpanSim[] {
  const out: SpanSim[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const s = stack.pop()!;
    if (!s.isDatastore && s.target !== edge && s.pod) out.push(s);
    stack.push(...s.children);
  }
  return out;
}

function withSentryVolume(volume: number): LoadedConfig {
  const config = structuredClone(defaultConfig());
  config.generation.sources.sentry.volume = volume;
  return config;
}

describe('Sentry transactions', () => {
  const world = makeWorld({ start: START, end: END, incidentsPerDay: 50 });
  let run: SentryRun;
  beforeAll(() => {
    run = runSentry(world, START, END);
  });

  it('is deterministic: the same world and window give the same bytes', () => {
    const again = runSentry(makeWorld({ start: START, end: END, incidentsPerDay: 50 }), START, END);
    const text = (r: SentryRun) => r.chunk.output.kinds.filter((k) => k.kind === 'sentry_transaction').map((k) => k.records.toString("utf8") + k.labels.toString("utf8"));
    expect(run.transactions.length).toBeGreaterThan(100);
    expect(text(again)).toEqual(text(run));
  });

  it('has one transaction per SDK service span of each sampled request, none for unsampled ones', () => {
    const edge = world.topology.edge.name;
    const expected = new Set<string>();
    const unsampled = new Set<string>();
    for (const q of run.requests) for (const s of sdkSpans(q.root, edge)) (q.sampled ? expected : unsampled).add(`${q.traceId}/${s.spanId}`);
    expect(unsampled.size).toBeGreaterThan(0);
    const got = run.transactions.filter((_, i) => !run.transactionLabels[i]!.duplicate).map((t) => `${t.trace_id}/${t.body.contexts!.trace!.span_id}`);
    expect(new Set(got).size).toBe(got.length);
    expect(new Set(got)).toEqual(expected);
    expect(run.transactions.some((t) => t.service === edge)).toBe(false);
  });

  it('gives every transaction a unique 32-hex event id', () => {
    const ids = run.transactions.filter((_, i) => !run.transactionLabels[i]!.duplicate).map((t) => t.body.event_id!);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('keeps times inside the window (give or take skew) and spans inside their transaction', () => {
    for (const t of run.transactions) {
      const b = t.body;
      expect(t.timestamp).toBeGreaterThanOrEqual(START - MAX_SKEW);
      expect(t.timestamp).toBeLessThan(END + MAX_SKEW);
      expect(Math.abs(b.start_timestamp! * 1000 - t.timestamp)).toBeLessThanOrEqual(1);
      expect(b.timestamp!).toBeGreaterThanOrEqual(b.start_timestamp!);
      for (const s of b.spans ?? []) {
        expect(s.trace_id).toBe(t.trace_id);
        expect(s.parent_span_id).toBe(b.contexts!.trace!.span_id);
        expect(s.start_timestamp).toBeGreaterThanOrEqual(b.start_timestamp! - 2e-6);
        expect(s.timestamp!).toBeLessThanOrEqual(b.timestamp! + 2e-6);
      }
    }
  });

  it('links callee transactions to the http.client span of their caller', () => {
    const byTrace = new Map<string, Set<string>>();
    for (const t of run.transactions) {
      let ids = byTrace.get(t.trace_id!);
      if (!ids) byTrace.set(t.trace_id!, (ids = new Set()));
      for (const s of t.body.spans ?? []) if (s.op === 'http.client') ids.add(s.span_id);
    }
    const edge = world.topology.edge.name;
    let nested = 0;
    for (const t of run.transactions) {
      const trace = t.body.contexts!.trace!;
      const req = run.requests.find((q) => q.traceId === t.trace_id)!;
      const span = sdkSpans(req.root, edge).find((s) => s.spanId === trace.span_id)!;
      const callerIsEdge = req.root.target === edge && req.root.children.includes(span);
      if (!trace.parent_span_id) {
        expect(span.consumer).toBeDefined();
        expect(trace.op).toBe('queue.process');
      } else if (callerIsEdge) {
        expect(trace.parent_span_id).toBe(span.parentSpanId);
      } else {
        nested++;
        expect(byTrace.get(t.trace_id!)!.has(trace.parent_span_id)).toBe(true);
      }
    }
    expect(nested).toBeGreaterThan(0);
  });

  it('describes calls the way SDKs do', () => {
    const ops = new Set<string>();
    for (const t of run.transactions) {
      for (const s of t.body.spans ?? []) {
        ops.add(s.op!);
        if (s.op === 'db.sql.query') expect(s.description).toMatch(/^(SELECT|INSERT|UPDATE|select|insert|update) /);
        if (s.op === 'http.client') expect(s.description).toMatch(/^(GET|POST|PUT|HEAD|DELETE|PATCH) https?:\/\//);
      }
      for (const [name, m] of Object.entries(t.body.measurements ?? {})) {
        expect(Number.isFinite(m.value), name).toBe(true);
        expect(m.unit).toBeTruthy();
      }
    }
    for (const op of ['db.sql.query', 'cache.get', 'http.client', 'queue.publish']) expect(ops.has(op), op).toBe(true);
  });

  it('thins whole traces when sources.sentry.volume is below 1', () => {
    const half = runSentry(makeWorld({ start: START, end: END, incidentsPerDay: 50 }, withSentryVolume(0.5)), START, END);
    const ratio = half.transactions.length / run.transactions.length;
    expect(ratio).toBeGreaterThan(0.35);
    expect(ratio).toBeLessThan(0.65);
    // Errors are not sampled.
    expect(half.errors.length).toBe(run.errors.length);
  });
});

describe('an incident in Sentry transactions', () => {
  const at = Date.UTC(2026, 10, 24, 15, 0, 0);
  const world = makeWorld({ start: at, end: at + 60 * MINUTE, incidentsPerDay: 0, placed: [{ type: 'db_pool_exhaustion', at, target: 'order-service' }] });
  const incident = world.placedIncidents[0]!;

  it('labels the slow and failing transactions of the affected services', () => {
    const run = runSentry(world, incident.peak, Math.min(incident.recoveryStart, incident.peak + 10 * MINUTE));
    const labelled = run.transactions.filter((_, i) => run.transactionLabels[i]!.incident_id === incident.id);
    expect(labelled.length).toBeGreaterThan(0);
    expect(labelled.some((t) => t.service === 'order-service')).toBe(true);
    const failed = labelled.filter((t) => t.body.contexts!.trace!.status !== 'ok');
    expect(failed.length).toBeGreaterThan(0);
  });
});

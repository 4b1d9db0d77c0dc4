import { beforeAll, describe, expect, it } from 'vitest';
import { isClientError } from '../../../../src/simulation/failures.js';
import type { SpanSim } from '../../../../src/simulation/requests.js';
import { MINUTE } from '../../../../src/time/calendar.js';
import { defaultConfig, makeWorld } from '../../../support/world.js';
import { runSentry, type SentryRun } from './support.js';

const START = Date.UTC(2026, 10, 24, 15, 0, 0);
const END = START + 30 * MINUTE;
const MAX_SKEW = defaultConfig().generation.realism.clock_skew.max_ms;
const APP_FILE_SUFFIX = { java: '.java', python: '.py', node: '.js', go: '.go' } as const;

function spansOf(root: SpanSim): SpanSim[] {
  const out: SpanSim[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const s = stack.pop()!;
    out.push(s);
    stack.push(...s.children);
  }
  return out;
}

function reportedSpans(run: SentryRun): Set<string> {
  return new Set(run.errors.map((r) => r.body.contexts!.trace!.span_id));
}

/** Failed service spans an SDK would see, split into where failures were raised and passed on. */
function failedSpans(run: SentryRun, edge: string): { origins: SpanSim[]; passedOn: SpanSim[] } {
  const origins: SpanSim[] = [];
  const passedOn: SpanSim[] = [];
  for (const q of run.requests) {
    for (const s of spansOf(q.root)) {
      if (s.isDatastore || s.target === edge || !s.failure || isClientError(s.failure) || !s.pod) continue;
      // Turned away by a rate limiter in front of the service: a 429, not an exception.
      if (s.failure === 'rate_limited' && !s.children.some((c) => c.failure)) continue;
      (s.origin ? origins : passedOn).push(s);
    }
  }
  return { origins, passedOn };
}

describe('Sentry error events', () => {
  // Random incidents on, so the window has a realistic mix of failures.
  const world = makeWorld({ start: START, end: END, incidentsPerDay: 50 });
  let run: SentryRun;
  beforeAll(() => {
    run = runSentry(world, START, END);
  });

  it('is deterministic: the same world and window give the same bytes', () => {
    const again = runSentry(makeWorld({ start: START, end: END, incidentsPerDay: 50 }), START, END);
    const text = (r: SentryRun) => r.chunk.output.kinds.filter((k) => k.kind === 'sentry_error').map((k) => k.records.toString("utf8") + k.labels.toString("utf8"));
    expect(run.errors.length).toBeGreaterThan(20);
    expect(text(again)).toEqual(text(run));
  });

  it('gives every event a unique 32-hex event id', () => {
    const ids = run.errors.filter((_, i) => !run.errorLabels[i]!.duplicate).map((r) => r.body.event_id!);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('stamps events inside the window (give or take clock skew) and agrees with the body', () => {
    for (const r of run.errors) {
      expect(r.timestamp).toBeGreaterThanOrEqual(START - MAX_SKEW);
      expect(r.timestamp).toBeLessThan(END + MAX_SKEW);
      expect(Math.abs(r.body.timestamp! * 1000 - r.timestamp)).toBeLessThan(1);
      for (const b of r.body.breadcrumbs ?? []) expect(b.timestamp!).toBeLessThanOrEqual(r.body.timestamp!);
    }
  });

  it('belongs to a simulated request, and to its transaction when the request was sampled', () => {
    const requests = new Map(run.requests.map((q) => [q.traceId, q]));
    const txSpans = new Set(run.transactions.map((t) => `${t.trace_id}/${t.body.contexts!.trace!.span_id}`));
    let sampled = 0;
    for (const r of run.errors) {
      const req = requests.get(r.trace_id!);
      expect(req, `request of ${r.trace_id}`).toBeDefined();
      const trace = r.body.contexts!.trace!;
      expect(trace.trace_id).toBe(r.trace_id);
      expect(spansOf(req!.root).some((s) => s.spanId === trace.span_id && s.target === r.service)).toBe(true);
      // The gateway reports errors but sends no transactions.
      if (req!.sampled && r.service !== world.topology.edge.name) {
        sampled++;
        expect(txSpans.has(`${r.trace_id}/${trace.span_id}`)).toBe(true);
      }
    }
    expect(sampled).toBeGreaterThan(0);
  });

  it('reports in the service language, with app frames of that language', () => {
    for (const [i, r] of run.errors.entries()) {
      const language = world.topology.service(r.service).language;
      expect(r.body.platform).toBe(language);
      const exception = r.body.exception!.values![0]!;
      const frames = exception.stacktrace!.frames!;
      expect(frames.length).toBeGreaterThan(0);
      const app = frames.filter((f) => f.in_app);
      expect(app.length).toBeGreaterThan(0);
      for (const f of app) expect(f.filename!.endsWith(APP_FILE_SUFFIX[language])).toBe(true);
      expect(run.errorLabels[i]!.template_id).toMatch(new RegExp(`^exc\\.[a-z_]+\\.${language}$`));
      expect(exception.value).not.toContain('<*>');
    }
  });

  it('skips client errors, which the simulation does produce, and the gateway sends no transactions', () => {
    const edge = world.topology.edge.name;
    expect(run.transactions.some((r) => r.service === edge)).toBe(false);
    const clientFailures = run.requests.flatMap((q) => spansOf(q.root)).filter((s) => s.failure && isClientError(s.failure) && s.target !== edge);
    expect(clientFailures.length).toBeGreaterThan(0);
    const reportedSpans = new Set(run.errors.map((r) => r.body.contexts!.trace!.span_id));
    for (const s of clientFailures) expect(reportedSpans.has(s.spanId)).toBe(false);
  });

  it('reports every span where a failure was raised (origin)', () => {
    const reported = reportedSpans(run);
    const { origins } = failedSpans(run, world.topology.edge.name);
    expect(origins.length).toBeGreaterThan(20);
    for (const s of origins) expect(reported.has(s.spanId), s.failure).toBe(true);
  });
});

describe('callers that got an error back', () => {
  // A partition of a deep service: its callers see plenty of errors passed on.
  const at = Date.UTC(2026, 10, 24, 17, 0, 0);
  const world = makeWorld({ start: at, end: at + 60 * MINUTE, incidentsPerDay: 0, placed: [{ type: 'network_partition', at, target: 'product-service' }] });
  const incident = world.placedIncidents[0]!;

  it('are reported about half of the time', () => {
    const run = runSentry(world, incident.onset, incident.end);
    const reported = reportedSpans(run);
    const { passedOn } = failedSpans(run, world.topology.edge.name);
    expect(passedOn.length).toBeGreaterThanOrEqual(30);
    const share = passedOn.filter((s) => reported.has(s.spanId)).length / passedOn.length;
    expect(share).toBeGreaterThan(0.25);
    expect(share).toBeLessThan(0.75);
  });
});

describe('an incident in Sentry errors', () => {
  const at = Date.UTC(2026, 10, 24, 15, 0, 0);
  const placed = makeWorld({ start: at, end: at + 60 * MINUTE, incidentsPerDay: 0, placed: [{ type: 'db_pool_exhaustion', at, target: 'order-service' }] });
  const quiet = makeWorld({ start: at, end: at + 60 * MINUTE, incidentsPerDay: 0 });
  const incident = placed.placedIncidents[0]!;
  // From the incident's peak, ten minutes (or until recovery starts if sooner).
  const from = incident.peak;
  const to = Math.min(incident.recoveryStart, from + 10 * MINUTE);

  it('raises the error count and labels its events with the incident', () => {
    expect(to).toBeGreaterThan(from);
    const during = runSentry(placed, from, to);
    const before = runSentry(quiet, from, to);
    expect(during.errors.length).toBeGreaterThan(Math.max(10, 3 * before.errors.length));
    const labelled = during.errorLabels.filter((l) => l.incident_id === incident.id);
    expect(labelled.length).toBeGreaterThan(during.errors.length / 2);
    for (const l of labelled) expect(l.anomalous).toBe(true);
    // The root service reports the pool running dry in its own language.
    const root = during.errors.filter((r, i) => r.service === 'order-service' && during.errorLabels[i]!.template_id === 'exc.pool_timeout.java');
    expect(root.length).toBeGreaterThan(0);
    expect(root[0]!.body.exception!.values![0]!.type).toBe('SQLTransientConnectionException');
  });

  it('leaves the quiet world without incident labels', () => {
    const before = runSentry(quiet, from, to);
    expect(before.errorLabels.every((l) => l.incident_id === undefined)).toBe(true);
  });
});

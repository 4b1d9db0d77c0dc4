// The sentry sink against a loopback capture server (a stand-in that records requests and
// answers as told; the real-server test is test/integration/sentry.test.ts with Spotlight).
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FileRecord } from '../../../../src/model/record.js';
import { SentrySink } from '../../../../src/sinks/sentry/sink.js';
import type { ReplayRecord } from '../../../../src/sinks/sink.js';
import { FakeClock } from '../../../support/fake-clock.js';
import { makeWorld, runWindow } from '../../../support/world.js';

interface Captured {
  url: string;
  body: string;
}

let server: ReturnType<typeof createServer>;
let port = 0;
const captured: Captured[] = [];
let answers: Array<{ status: number; headers?: Record<string, string> }> = [];

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      captured.push({ url: req.url ?? '', body });
      const a = answers.shift() ?? { status: 200 };
      res.writeHead(a.status, { 'content-type': 'application/json', ...(a.headers ?? {}) }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

function sentryRecords(): FileRecord[] {
  const start = Date.UTC(2026, 10, 24, 17, 0, 0);
  const world = makeWorld({ incidentsPerDay: 0, placed: [{ type: 'db_pool_exhaustion', at: start, target: 'order-service' }] });
  const { records } = runWindow(world, start + 5 * 60_000, start + 15 * 60_000);
  return [...(records.get('sentry_error') ?? []).slice(0, 5), ...(records.get('sentry_transaction') ?? []).slice(0, 5)];
}

const SHIFT = 3 * 24 * 3600_000;

describe('SentrySink', () => {
  const records = sentryRecords();
  const batch: ReplayRecord[] = records.map((record, i) => ({ seq: i + 1, record, time: record.timestamp + SHIFT, shiftMs: SHIFT }));
  const sink = () => new SentrySink('sentry', { type: 'sentry', dsn: `http://publickey@127.0.0.1:${port}/42`, concurrency: 2 }, ['sentry_error', 'sentry_transaction'], new FakeClock(Date.UTC(2026, 10, 28)), {}, 5000);

  it('sends one envelope per event to the project envelope endpoint, event ids and rebased times kept', async () => {
    captured.length = 0;
    const result = await sink().write(batch);
    expect(result).toEqual({ status: 'success', rejected: [] });
    expect(captured).toHaveLength(batch.length);
    for (const c of captured) expect(c.url).toMatch(/^\/api\/42\/envelope\/\?sentry_version=7&sentry_key=publickey/);
    const byId = new Map(captured.map((c) => {
      const [header, itemHeader, payload] = c.body.split('\n');
      const event = JSON.parse(payload!) as { event_id: string; timestamp: number; type?: string };
      return [event.event_id, { header: JSON.parse(header!) as { event_id: string }, item: JSON.parse(itemHeader!) as { type: string }, event }];
    }));
    for (const r of records) {
      const body = r.body as { event_id: string; timestamp: number; type?: string };
      const got = byId.get(body.event_id)!;
      expect(got.header.event_id).toBe(body.event_id);
      expect(got.item.type).toBe(body.type === 'transaction' ? 'transaction' : 'event');
      expect(got.event.timestamp).toBeCloseTo(body.timestamp + SHIFT / 1000, 3);
    }
  });

  it('waits when rate limited (429 with X-Sentry-Rate-Limits) and only resends what was not accepted', async () => {
    captured.length = 0;
    answers = [{ status: 200 }, { status: 429, headers: { 'retry-after': '7', 'x-sentry-rate-limits': '7:error;transaction:organization' } }];
    const s = sink();
    const first = await s.write(batch.slice(0, 4));
    expect(first.status).toBe('retryable');
    expect(first.status === 'retryable' && first.retryAfterMs).toBe(7000);
    const sentFirst = captured.length;
    captured.length = 0;
    answers = [];
    // Rate limits are remembered against the clock; a later clock lets it through.
    (s as unknown as { clock: FakeClock }).clock.t += 8000;
    const second = await s.write(batch.slice(0, 4));
    expect(second.status).toBe('success');
    expect(sentFirst + captured.length).toBeLessThanOrEqual(4 + 2);
    expect(captured.length).toBeLessThan(4);
  });

  it('reports a refused event with its reason and carries on', async () => {
    answers = [{ status: 400 }];
    const r = await sink().write(batch.slice(0, 2));
    expect(r.status).toBe('success');
    expect(r.status === 'success' && r.rejected?.length).toBe(1);
  });

  it('refuses to start without a DSN', () => {
    expect(() => new SentrySink('sentry', { type: 'sentry', concurrency: 1 }, ['sentry_error'], new FakeClock(0), {}, 1000)).toThrow(/dsn: none given/);
  });
});

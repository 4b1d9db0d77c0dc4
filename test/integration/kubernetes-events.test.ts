// The kubernetes_events sink against a real kube-apiserver + etcd (built from Go modules,
// started natively): every event is created with its deterministic name, repeats update the
// series, namespaces appear as needed, and a resumed replay creates nothing twice.
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventsV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FileRecord, KubernetesEventBody } from '../../src/model/record.js';
import { KubernetesEventsSink } from '../../src/sinks/kubernetes-events/sink.js';
import { systemClock } from '../../src/time/clock.js';
import { startKubernetes, type KubernetesServer } from '../support/backends.js';
import { generatedSource, replayInto, replayStoppedAndResumed } from '../support/replay-harness.js';
import { recordsOf } from '../../src/replay/record-stream.js';

const START = Date.UTC(2026, 10, 24, 14, 0, 0);
const PLACED = [
  { type: 'bad_deployment' as const, at: START + 60_000, target: 'order-service' },
  { type: 'memory_leak' as const, at: START + 2 * 60_000, target: 'product-service' },
];

async function expectedEvents(minutes: number): Promise<FileRecord[]> {
  const out: FileRecord[] = [];
  for await (const r of recordsOf(generatedSource({ start: START, minutes, sources: ['kubernetes'], placed: PLACED }), new Set(['kubernetes_event']), 0)) out.push(r.record);
  return out;
}

/** The last state of each event (a series is one object updated in place). */
function lastByName(records: FileRecord[]): Map<string, KubernetesEventBody> {
  const out = new Map<string, KubernetesEventBody>();
  for (const r of records) {
    const b = r.body as KubernetesEventBody;
    out.set(`${b.metadata!.namespace}/${b.metadata!.name}`, b);
  }
  return out;
}

describe('kubernetes_events sink against a real API server', () => {
  let k8s: KubernetesServer;
  let api: EventsV1Api;
  beforeAll(async () => {
    k8s = await startKubernetes();
    const kc = new KubeConfig();
    kc.loadFromFile(k8s.kubeconfigPath);
    api = kc.makeApiClient(EventsV1Api);
  }, 240_000);
  afterAll(async () => {
    await k8s?.stop();
  });

  const sink = (extra: Record<string, unknown> = {}, kinds: Array<'kubernetes_event' | 'kubernetes_log'> = ['kubernetes_event', 'kubernetes_log']) =>
    new KubernetesEventsSink('k8s', { type: 'kubernetes_events', kubeconfig: k8s.kubeconfigPath, api: 'events.k8s.io/v1', create_namespaces: true, qps: 200, burst: 200, concurrency: 4, ...extra }, kinds, systemClock);

  async function listAll(): Promise<Map<string, { series?: { count: number }; eventTime: string; reason?: string }>> {
    const list = await api.listEventForAllNamespaces({});
    return new Map(list.items.map((e) => [`${e.metadata!.namespace}/${e.metadata!.name}`, { series: e.series as { count: number } | undefined, eventTime: String(e.eventTime), reason: e.reason }]));
  }

  it('creates every event (namespaces too) and keeps each series at its last count', async () => {
    const logsDir = mkdtempSync(join(tmpdir(), 'obsynth-cri-'));
    const report = await replayInto(sink({ cri_logs_dir: logsDir }), { start: START, minutes: 12, sources: ['kubernetes'], placed: PLACED, batch: { maxRecords: 200 } });
    expect(report.complete).toBe(true);
    expect(report.sinks[0]!.rejected).toBe(0);
    const sent = lastByName(await expectedEvents(12));
    expect(sent.size).toBeGreaterThanOrEqual(20);
    const stored = await listAll();
    for (const [key, body] of sent) {
      const got = stored.get(key);
      expect(got, key).toBeDefined();
      expect(got!.reason).toBe(body.reason);
      expect(got!.series?.count ?? 1).toBe(body.series?.count ?? 1);
    }
    // Rebased: the stored eventTime is the generated one moved by the replay's shift.
    const [key, body] = [...sent][0]!;
    expect(Date.parse(String(stored.get(key)!.eventTime))).toBe(Date.parse(body.eventTime!) + report.shiftMs);
    // Container logs were written as CRI log files for a log shipper.
    const podDirs = readdirSync(logsDir);
    expect(podDirs.length).toBeGreaterThan(5);
    const [first] = podDirs;
    const container = readdirSync(join(logsDir, first!))[0]!;
    const line = readFileSync(join(logsDir, first!, container, '0.log'), 'utf8').split('\n')[0]!;
    expect(line).toMatch(/^\d{4}-\d{2}-\d{2}T\S+Z (stdout|stderr) [FP] .+/);
  });

  it('resumes a stopped replay without creating anything twice', async () => {
    const checkpointPath = join(mkdtempSync(join(tmpdir(), 'obsynth-k8s-')), 'ckpt.json');
    // A later stretch of history, so the objects are new.
    const later = START + 3 * 3600_000;
    const [first, second] = await replayStoppedAndResumed(() => sink({}, ['kubernetes_event']), { start: later, minutes: 20, sources: ['kubernetes'], placed: [{ type: 'bad_deployment', at: later + 60_000, target: 'payment-service' }], batch: { maxRecords: 20, maxQueuedRecords: 40 }, stopAfter: 20, checkpointPath, rebase: 'none' });
    expect(first.interrupted).toBe(true);
    expect(second.complete).toBe(true);
    const sentRecords: FileRecord[] = [];
    for await (const r of recordsOf(generatedSource({ start: later, minutes: 20, sources: ['kubernetes'], placed: [{ type: 'bad_deployment', at: later + 60_000, target: 'payment-service' }] }), new Set(['kubernetes_event']), 0)) sentRecords.push(r.record);
    const sent = lastByName(sentRecords);
    const stored = await listAll();
    for (const [key, body] of sent) {
      expect(stored.get(key), key).toBeDefined();
      expect(stored.get(key)!.series?.count ?? 1).toBe(body.series?.count ?? 1);
    }
    // Counted across both runs (the checkpoint carries the first run's count): each record once.
    expect(first.sinks[0]!.delivered).toBeLessThan(sentRecords.length);
    expect(second.sinks[0]!.delivered).toBe(sentRecords.length);
  });
});

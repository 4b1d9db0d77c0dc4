import { describe, expect, it } from 'vitest';
import type { KubernetesEventBody } from '../../../../src/model/record.js';
import { toCoreV1, toEventsV1 } from '../../../../src/sinks/kubernetes-events/convert.js';
import { makeWorld, runWindow } from '../../../support/world.js';

describe('Kubernetes event conversion', () => {
  const start = Date.UTC(2026, 10, 24, 14, 0, 0);
  const world = makeWorld({ incidentsPerDay: 0, placed: [{ type: 'bad_deployment', at: start + 60_000, target: 'order-service' }] });
  const events = (runWindow(world, start, start + 30 * 60_000).records.get('kubernetes_event') ?? []).map((r) => r.body as KubernetesEventBody);

  it('has events to convert, some in a series', () => {
    expect(events.length).toBeGreaterThan(10);
    expect(events.some((e) => (e.series?.count ?? 0) >= 2)).toBe(true);
  });

  it('drops what events.k8s.io/v1 refuses on create and keeps the rest', () => {
    for (const e of events) {
      const v1 = toEventsV1(e) as unknown as Record<string, unknown>;
      for (const k of ['deprecatedSource', 'deprecatedFirstTimestamp', 'deprecatedLastTimestamp', 'deprecatedCount']) expect(v1[k]).toBeUndefined();
      expect(v1.metadata).toEqual({ name: e.metadata?.name, namespace: e.metadata?.namespace });
      expect(v1.eventTime).toBe(e.eventTime);
      expect(v1.reportingController).toBe(e.reportingController);
      expect(v1.series).toEqual(e.series);
    }
  });

  it('speaks core/v1: involvedObject, message, source, counts', () => {
    for (const e of events) {
      const core = toCoreV1(e) as unknown as Record<string, unknown> & { involvedObject: { name: string }; source: { component: string } };
      expect(core.involvedObject.name).toBe(e.regarding?.name);
      expect(core.message).toBe(e.note);
      expect(core.count).toBe(e.deprecatedCount ?? e.series?.count ?? 1);
      expect(core.source.component).toBeTruthy();
      expect(core.reportingComponent).toBe(e.reportingController);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { buildStreams, isoToSecondsNanos, nanosString, renderKubernetesEvent, renderSentryError } from '../../../../src/sinks/loki/entries.js';
import type { KubernetesEventBody, SentryErrorBody } from '../../../../src/model/record.js';
import { cwLog, k8sEvent, k8sLog, sentryError, T0 } from './fixtures.js';
import { replay } from './support.js';

const options = { extraLabels: [] as Array<readonly [string, string]>, structuredMetadata: true };

describe('Loki entries', () => {
  it('labels streams with low-cardinality labels only and puts per-entry fields in structured metadata', () => {
    const streams = buildStreams(
      [replay(k8sLog(T0, '{"level":"INFO","msg":"ok"}', { traceId: 'a7a324f4c306de42c9c586a283ef29e3' })), replay(k8sLog(T0 + 5, '{"level":"INFO","msg":"ok 2"}', { pod: 'api-gateway-other' }))],
      options,
    );
    expect(streams).toHaveLength(1);
    const [s] = streams;
    expect(s!.key).toBe('{kind="kubernetes_log", level="info", namespace="shop", service="api-gateway", source="kubernetes"}');
    expect(Object.fromEntries(s!.entries[0]!.metadata)).toEqual({
      pod: 'api-gateway-n5lgkgjpff-vcmb7',
      container: 'api-gateway',
      node: 'ip-10-0-2-36.ec2.internal',
      stream: 'stdout',
      trace_id: 'a7a324f4c306de42c9c586a283ef29e3',
    });
    expect(s!.entries[1]!.metadata.find(([k]) => k === 'pod')?.[1]).toBe('api-gateway-other');
  });

  it('splits streams by level and source, adds the configured labels, and drops metadata when told', () => {
    const batch = [
      replay(k8sLog(T0, 'time=2026-11-24T14:00:00.000Z level=INFO msg=a')),
      replay(k8sLog(T0 + 1, 'time=2026-11-24T14:00:00.001Z level=ERROR msg=b')),
      replay(cwLog(T0 + 2, ['2026-11-24 14:00:00 UTC::@:[392]:LOG:  checkpoint starting: time'])),
      replay(sentryError(T0 + 3)),
      replay(k8sEvent(T0 + 4)),
    ];
    const streams = buildStreams(batch, { extraLabels: [['env', 'demo']], structuredMetadata: false });
    expect(streams.map((s) => s.key).sort()).toEqual([
      '{env="demo", kind="cloudwatch_log", level="info", service="shop-prod-postgres", source="cloudwatch"}',
      '{env="demo", kind="kubernetes_event", level="warn", namespace="shop", service="checkout-service", source="kubernetes"}',
      '{env="demo", kind="kubernetes_log", level="error", namespace="shop", service="api-gateway", source="kubernetes"}',
      '{env="demo", kind="kubernetes_log", level="info", namespace="shop", service="api-gateway", source="kubernetes"}',
      '{env="demo", kind="sentry_error", level="error", namespace="shop", service="api-gateway", source="sentry"}',
    ]);
    for (const s of streams) for (const e of s.entries) expect(e.metadata).toEqual([]);
  });

  it('leaves the level label out when the line states none', () => {
    const [s] = buildStreams([replay(k8sLog(T0, 'Traceback (most recent call last):'))], options);
    expect(s!.labels.map(([k]) => k)).not.toContain('level');
  });

  it('keeps the nanoseconds of the CRI time and sorts each stream by time (stable for equal times)', () => {
    const late = replay(k8sLog(T0 + 900, '{"level":"INFO","msg":"late"}', { nanos: '573011' }));
    const early = replay(k8sLog(T0 + 100, '{"level":"INFO","msg":"early"}', { nanos: '000001' }));
    const tieA = replay(k8sLog(T0 + 500, '{"level":"INFO","msg":"tie a"}'));
    const tieB = replay(k8sLog(T0 + 500, '{"level":"INFO","msg":"tie b"}'));
    const [s] = buildStreams([late, early, tieA, tieB], options);
    expect(s!.entries.map((e) => e.line)).toEqual(['{"level":"INFO","msg":"early"}', '{"level":"INFO","msg":"tie a"}', '{"level":"INFO","msg":"tie b"}', '{"level":"INFO","msg":"late"}']);
    expect(s!.entries[0]).toMatchObject({ seconds: T0 / 1000, nanos: 100_000_001, seq: early.seq });
    expect(s!.entries[3]).toMatchObject({ seconds: T0 / 1000, nanos: 900_573_011 });
  });

  it('moves entry times and the times printed in lines by the replay shift', () => {
    const shift = 3 * 86_400_000;
    const r = replay(k8sLog(T0, 'time=2026-11-24T14:00:00.000Z level=INFO msg=a'), shift);
    const [s] = buildStreams([r], options);
    expect(s!.entries[0]!.seconds).toBe((T0 + shift) / 1000);
    expect(s!.entries[0]!.line).toBe('time=2026-11-27T14:00:00.000Z level=INFO msg=a');
  });

  it('sends every event of a CloudWatch record, with its log group and stream as metadata', () => {
    const r = replay(cwLog(T0, ['2026-11-24 14:00:00 UTC::@:[1]:LOG:  a', '2026-11-24 14:00:00 UTC::@:[1]:ERROR:  b']));
    const streams = buildStreams([r], options);
    expect(streams.flatMap((s) => s.entries).map((e) => [e.seq, e.nanos])).toEqual(
      expect.arrayContaining([
        [r.seq, 0],
        [r.seq, 1_000_000],
      ]),
    );
    expect(Object.fromEntries(streams[0]!.entries[0]!.metadata)).toEqual({ log_group: '/aws/rds/instance/shop-prod-postgres/postgresql', log_stream: 'shop-prod-postgres' });
  });

  it('renders Sentry errors and Kubernetes events as one line, their ids as metadata', () => {
    const se = sentryError(T0);
    const ke = k8sEvent(T0);
    expect(renderSentryError(se.body as SentryErrorBody)).toBe('*json.UnmarshalTypeError: json: cannot unmarshal string into Go struct field Product.price of type float64 (in GET /api/products)');
    expect(renderKubernetesEvent(ke.body as KubernetesEventBody)).toBe('Warning BackOff pod/checkout-7d9-xk2p: Back-off restarting failed container checkout in pod checkout-7d9-xk2p (x3)');
    const streams = buildStreams([replay(se), replay(ke)], options);
    const sentry = streams.find((s) => s.key.includes('sentry'))!;
    expect(Object.fromEntries(sentry.entries[0]!.metadata)).toMatchObject({ event_id: '4b7da9697ebd8d6deba976793bc8ddab', trace_id: 'ec2264fe7e97de54e0a1106de3163f77', release: 'api-gateway@2026.11.23-1803', pod: 'api-gateway-n5lgkgjpff-w6fnq' });
    expect(sentry.entries[0]).toMatchObject({ seconds: T0 / 1000, nanos: 734_000 });
    const event = streams.find((s) => s.key.includes('kubernetes_event'))!;
    expect(Object.fromEntries(event.entries[0]!.metadata)).toEqual({ reason: 'BackOff', object: 'Pod/checkout-7d9-xk2p', reporting_controller: 'kubelet', node: 'ip-10-0-1-17.ec2.internal' });
    expect(event.entries[0]!.nanos).toBe(655_000);
  });

  it('converts times exactly', () => {
    expect(isoToSecondsNanos('2026-11-24T13:59:59.408573011Z', 0)).toEqual([Date.UTC(2026, 10, 24, 13, 59, 59) / 1000, 408_573_011]);
    expect(isoToSecondsNanos('2026-11-24T14:00:00Z', 0)).toEqual([Date.UTC(2026, 10, 24, 14) / 1000, 0]);
    expect(nanosString(1795528799, 408573011)).toBe('1795528799408573011');
    expect(nanosString(1795528799, 5)).toBe('1795528799000000005');
  });
});

import { uncompressSync } from 'snappy';
import { describe, expect, it } from 'vitest';
import { buildStreams, type LokiStream } from '../../../../src/sinks/loki/entries.js';
import { encodePushRequest, jsonPushBody, protobufPushBody, type JsonPushRequest } from '../../../../src/sinks/loki/encode.js';
import { ProtobufWriter } from '../../../../src/sinks/wire/protobuf-writer.js';
import { cwLog, k8sEvent, k8sLog, sentryError, T0 } from './fixtures.js';
import { decodePushRequest, replay } from './support.js';

function sample(): LokiStream[] {
  const long = `{"level":"ERROR","msg":"${'x'.repeat(300)}","stack":"é€𝄞 unicode ✓"}`;
  return buildStreams(
    [
      replay(k8sLog(T0, '{"level":"INFO","msg":"ok"}', { nanos: '573011', traceId: 'a7a324f4c306de42c9c586a283ef29e3' })),
      replay(k8sLog(T0 + 1, long)),
      replay(cwLog(T0 + 2, ['2026-11-24 14:00:00 UTC::@:[392]:LOG:  checkpoint starting: time'])),
      replay(sentryError(T0 + 3)),
      replay(k8sEvent(T0 + 4)),
    ],
    { extraLabels: [['cluster', 'shop-prod']], structuredMetadata: true },
  );
}

describe('Loki push encoding', () => {
  it('protobuf: decodes (with protobufjs, from push.proto) to exactly the streams, entries, times and metadata sent', () => {
    const streams = sample();
    const decoded = decodePushRequest(encodePushRequest(streams));
    expect(decoded.streams).toHaveLength(streams.length);
    decoded.streams.forEach((d, i) => {
      const s = streams[i]!;
      expect(d.labels).toBe(s.key);
      expect(d.entries.map((e) => ({ seconds: e.timestamp.seconds, nanos: e.timestamp.nanos, line: e.line, metadata: (e.structuredMetadata ?? []).map((p) => [p.name, p.value]) }))).toEqual(
        s.entries.map((e) => ({ seconds: e.seconds, nanos: e.nanos, line: e.line, metadata: e.metadata.map(([k, v]) => [k, v]) })),
      );
    });
  });

  it('protobuf: the body is a snappy block of that message', () => {
    const streams = sample();
    const writer = new ProtobufWriter(16);
    const body = protobufPushBody(streams, writer);
    const raw = uncompressSync(body) as Buffer;
    expect(Buffer.compare(raw, encodePushRequest(streams))).toBe(0);
    expect(body.length).toBeLessThan(raw.length);
    expect(decodePushRequest(raw).streams.flatMap((s) => s.entries)).toHaveLength(5);
  });

  it('protobuf: an empty PushRequest is zero bytes (snappy: one byte)', () => {
    expect(encodePushRequest([]).length).toBe(0);
    expect([...protobufPushBody([])]).toEqual([0]);
  });

  it('JSON: Loki push shape with nanosecond strings and structured metadata as the third value', () => {
    const streams = sample();
    const body = JSON.parse(jsonPushBody(streams)) as JsonPushRequest;
    const k8s = body.streams.find((s) => s.stream['kind'] === 'kubernetes_log' && s.stream['level'] === 'info')!;
    expect(k8s.stream).toEqual({ cluster: 'shop-prod', kind: 'kubernetes_log', level: 'info', namespace: 'shop', service: 'api-gateway', source: 'kubernetes' });
    expect(k8s.values).toEqual([
      [
        `${T0 / 1000}000573011`,
        '{"level":"INFO","msg":"ok"}',
        { pod: 'api-gateway-n5lgkgjpff-vcmb7', container: 'api-gateway', node: 'ip-10-0-2-36.ec2.internal', stream: 'stdout', trace_id: 'a7a324f4c306de42c9c586a283ef29e3' },
      ],
    ]);
  });

  it('JSON: entries without metadata are [ts, line] pairs', () => {
    const streams = buildStreams([replay(k8sLog(T0, 'I1124 14:00:00.000000       1 main.go:1] "x"'))], { extraLabels: [], structuredMetadata: false });
    const body = JSON.parse(jsonPushBody(streams)) as JsonPushRequest;
    expect(body.streams[0]!.values).toEqual([[`${T0 / 1000}000000000`, 'I1124 14:00:00.000000       1 main.go:1] "x"']]);
  });
});

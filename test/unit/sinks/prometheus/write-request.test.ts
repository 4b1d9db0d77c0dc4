import { uncompressSync } from 'snappy';
import { describe, expect, it } from 'vitest';
import { ProtobufWriter } from '../../../../src/sinks/wire/protobuf-writer.js';
import { buildSamples, encodeWriteRequest, writeRequestBody } from '../../../../src/sinks/prometheus/write-request.js';
import { decodeWriteRequest, replay } from '../loki/support.js';
import { panel, T0 } from './fixtures.js';

describe('remote-write WriteRequest', () => {
  it('decodes (with protobufjs) to the series sent: labels sorted by name, samples sorted by time per series', () => {
    const batch = [
      replay(panel(T0 + 60_000, '2.5')),
      replay(panel(T0, '1.5')),
      replay(panel(T0, '0.02', 'service:http_errors:ratio_rate1m', { service: 'api-gateway', namespace: 'shop', 'http.route': '/x' })),
    ];
    const { samples, rejected } = buildSamples(batch, [['cluster', 'demo']]);
    expect(rejected).toEqual([]);
    const decoded = decodeWriteRequest(encodeWriteRequest(samples));
    expect(decoded.timeseries).toHaveLength(2);
    const [rate, errors] = decoded.timeseries;
    expect(rate!.labels.map((l) => [l.name, l.value])).toEqual([
      ['__name__', 'service:http_requests:rate1m'],
      ['cluster', 'demo'],
      ['namespace', 'shop'],
      ['service', 'api-gateway'],
    ]);
    expect(rate!.samples).toEqual([
      { value: 1.5, timestamp: T0 },
      { value: 2.5, timestamp: T0 + 60_000 },
    ]);
    expect(errors!.labels.map((l) => l.name)).toEqual(['__name__', 'cluster', 'http_route', 'namespace', 'service']);
  });

  it('keeps special values and zero exactly, and rebases times by the shift', () => {
    const shift = 86_400_000;
    const { samples } = buildSamples([replay(panel(T0, 'NaN'), shift), replay(panel(T0 + 1000, '+Inf'), shift), replay(panel(T0 + 2000, '0'), shift), replay(panel(T0 + 3000, '-0.5'), shift)], []);
    const decoded = decodeWriteRequest(encodeWriteRequest(samples));
    const values = decoded.timeseries[0]!.samples;
    expect(values.map((s) => s.timestamp)).toEqual([T0, T0 + 1000, T0 + 2000, T0 + 3000].map((t) => t + shift));
    expect(values[0]!.value).toBeNaN();
    expect(values.slice(1).map((s) => s.value)).toEqual([Infinity, 0, -0.5]);
  });

  it('is snappy-compressed on the wire (round trip), long label values included', () => {
    const long = 'v'.repeat(500);
    const { samples } = buildSamples(Array.from({ length: 200 }, (_, i) => replay(panel(T0 + i * 1000, String(i), 'm', { service: 'a', long }))), []);
    const body = writeRequestBody(samples, new ProtobufWriter(8));
    const raw = uncompressSync(body) as Buffer;
    expect(Buffer.compare(raw, encodeWriteRequest(samples))).toBe(0);
    expect(body.length).toBeLessThan(raw.length);
    const decoded = decodeWriteRequest(raw);
    expect(decoded.timeseries[0]!.labels.find((l) => l.name === 'long')!.value).toBe(long);
    expect(decoded.timeseries[0]!.samples).toHaveLength(200);
  });

  it('sends a repeated sample once, and refuses a second value for the same series and time', () => {
    const a = replay(panel(T0, '1'));
    const same = replay(panel(T0, '1'));
    const other = replay(panel(T0, '2'));
    const { samples, rejected } = buildSamples([a, same, other], []);
    expect(samples.map((s) => s.seq)).toEqual([a.seq]);
    expect(rejected).toEqual([{ seq: other.seq, reason: expect.stringContaining('duplicate sample for timestamp') }]);
  });
});

// The sink's own protobuf writer for log requests must put exactly the official serializer's
// bytes on the wire: the same records go through both and the bytes are compared.
import { TraceFlags } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import type { InstrumentationScope } from '@opentelemetry/core';
import { ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { describe, expect, it } from 'vitest';
import type { RecordKind } from '../../../../src/model/record.js';
import { rebaseRecord } from '../../../../src/replay/rebase-body.js';
import { serializeLogsRequest } from '../../../../src/sinks/otlp/log-serializer.js';
import { LOG_KINDS } from '../../../../src/sinks/otlp/kinds.js';
import { LogMapper } from '../../../../src/sinks/otlp/logs.js';
import { ResourceCache } from '../../../../src/sinks/otlp/resources.js';
import { MINUTE } from '../../../../src/time/calendar.js';
import { makeWorld, runWindow } from '../../../support/world.js';

const official = (records: ReadableLogRecord[]) => Buffer.from(ProtobufLogsSerializer.serializeRequest(records) ?? new Uint8Array(0));
const ours = (records: ReadableLogRecord[]) => Buffer.from(serializeLogsRequest(records));

const scope: InstrumentationScope = { name: 'obsynth/test', version: '1.2.3' };

function log(overrides: Partial<ReadableLogRecord>): ReadableLogRecord {
  return {
    hrTime: [1_764_000_000, 123_456_789],
    hrTimeObserved: [1_764_000_001, 5],
    body: 'hello',
    resource: resourceFromAttributes({ 'service.name': 'order-service' }),
    instrumentationScope: scope,
    attributes: {},
    droppedAttributesCount: 0,
    ...overrides,
  } as ReadableLogRecord;
}

describe('serializeLogsRequest', () => {
  it('writes the official bytes for twenty generated minutes of every log kind', () => {
    const world = makeWorld({ incidentsPerDay: 24 });
    const start = Date.UTC(2026, 10, 24, 14, 0, 0);
    const chunk = runWindow(world, start, start + 20 * MINUTE);
    const newMapper = () =>
      new LogMapper(new ResourceCache({ 'deployment.environment.name': 'test' }), {
        kubernetes: { name: 'obsynth/kubernetes', version: '0.1.0' },
        cloudwatch: { name: 'obsynth/cloudwatch', version: '0.1.0' },
        sentry: { name: 'obsynth/sentry', version: '0.1.0' },
      });
    const mapper = newMapper();
    const shortcut = newMapper();
    const shift = 86_400_000 + 7_000;
    const records: ReadableLogRecord[] = [];
    const perKind = new Map<RecordKind, number>();
    for (const kind of LOG_KINDS) {
      for (const r of chunk.records.get(kind) ?? []) {
        const mapped = mapper.map(rebaseRecord(r, shift), r.timestamp + shift);
        if (!mapped) continue;
        records.push(mapped);
        perKind.set(kind, (perKind.get(kind) ?? 0) + 1);
        // The workers' shortcut (no copy of the record) sends the same bytes as rebasing first.
        const quick = shortcut.mapShifted(r, shift, r.timestamp + shift)!;
        expect(ours([quick]).equals(ours([mapped])), r.id).toBe(true);
      }
    }
    for (const kind of LOG_KINDS) expect(perKind.get(kind) ?? 0, kind).toBeGreaterThan(2);
    // Interleave kinds, as a replay's requests do, and cut them into requests of various sizes.
    records.sort((a, b) => a.hrTime[0] - b.hrTime[0] || a.hrTime[1] - b.hrTime[1]);
    for (const size of [1, 7, 1000, records.length]) {
      for (let i = 0; i < records.length; i += size * 5) {
        const request = records.slice(i, i + size);
        expect(ours(request).equals(official(request)), `request of ${request.length} at ${i}`).toBe(true);
      }
    }
  });

  it('writes the official bytes for every kind of value and edge of a length', () => {
    const other = resourceFromAttributes({ 'service.name': 'payment-service', 'k8s.pod.labels': 'x', 'process.pid': 42, 'host.arch': ['amd64', 'arm64'] });
    const schemaScope: InstrumentationScope = { name: 'obsynth/other', schemaUrl: 'https://opentelemetry.io/schemas/1.30.0' };
    const texts = ['', 'a'.repeat(23), 'a'.repeat(24), 'a'.repeat(42), 'a'.repeat(127), 'a'.repeat(128), 'é'.repeat(63), 'é'.repeat(64), '日本'.repeat(22), '😀'.repeat(40), 'x'.repeat(20_000), `${'é'.repeat(8191)}ab`];
    const records: ReadableLogRecord[] = [];
    for (const text of texts) {
      records.push(
        log({
          body: text,
          severityNumber: SeverityNumber.WARN,
          severityText: 'WARN',
          attributes: { 'log.iostream': 'stderr', key: text, count: 3, negative: -7, big: 2 ** 40, huge: 2 ** 62, float: 0.25, nan: Number.NaN, yes: true, no: false, list: ['a', 1, 2.5, true], nested: { a: 'b', c: [1, 2] }, raw: new Uint8Array([1, 2, 255]) },
          spanContext: { traceId: '0123456789abcdef0123456789ABCDEF', spanId: 'fedcba9876543210', traceFlags: TraceFlags.SAMPLED },
        }),
      );
    }
    records.push(log({ resource: other, instrumentationScope: schemaScope, body: { message: 'structured', fields: { n: 1 } } as never, eventName: 'app.event', hrTime: [0, 0], hrTimeObserved: [4_294_967_296, 999_999_999] }));
    records.push(log({ body: undefined, severityNumber: SeverityNumber.UNSPECIFIED, spanContext: { traceId: 'abcdefabcdefabcdefabcdefabcdefab', spanId: '', traceFlags: TraceFlags.NONE } }));
    records.push(log({ resource: other, body: 12, attributes: undefined as never }));
    expect(ours(records).equals(official(records))).toBe(true);
    for (const r of records) expect(ours([r]).equals(official([r]))).toBe(true);
    expect(ours([]).length).toBe(0);
  });

  it('returns a copy: a later request does not change an earlier one', () => {
    const first = serializeLogsRequest([log({ body: 'first' })]);
    const copy = Buffer.from(first);
    serializeLogsRequest([log({ body: 'second, and longer than the first' })]);
    expect(Buffer.from(first).equals(copy)).toBe(true);
  });
});

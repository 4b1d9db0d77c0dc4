import { describe, expect, it } from 'vitest';
import { RECORD_KINDS } from '../../../src/model/record.js';
import { EnvelopeHead } from '../../../src/replay/envelope-head.js';
import { kindOfLine, timestampOfLine } from '../../../src/replay/record-stream.js';

const read = (text: string) => {
  const head = new EnvelopeHead();
  head.read(Buffer.from(text));
  return { kind: head.kind, time: head.time };
};
const searched = (text: string) => ({ kind: kindOfLine(Buffer.from(text)), time: timestampOfLine(Buffer.from(text)) });

describe('EnvelopeHead', () => {
  it('reads every kind and its time from a line as obsynth writes it', () => {
    for (const [i, kind] of RECORD_KINDS.entries()) {
      const line = `{"id":"x-${i}-ab","kind":"${kind}","timestamp":${1795392013226 + i},"service":"s","body":{"kind":"sentry_error","timestamp":1}}`;
      expect(read(line)).toEqual({ kind, time: 1795392013226 + i });
    }
  });

  it('gives what searching the line gives, for lines laid out otherwise or broken', () => {
    const lines = [
      '{"kind":"grafana_series","id":"a","timestamp":17}',
      '{"id":"a\\"kind\\":\\"x","kind":"cloudwatch_log","timestamp":5}',
      '{"id":"a","kind":"cloudwatch_lo","timestamp":5}',
      '{"id":"a","kind":"cloudwatch_logs","timestamp":5}',
      '{"id":"a","kind":"no_such_kind","timestamp":5}',
      '{"id":"a","kind":"sentry_error","service":"s","timestamp":9}',
      '{"id":"a","kind":"sentry_error","timestamp":"9"}',
      '{"id":"a","kind":"sentry_error","timestamp":}',
      '{"id":"a","kind":"sentry_error"}',
      '{"id":"a","kind":"sentry_error","timest',
      '{"id":"a","kind":"sentry_e',
      '{"id":"a',
      '{"id": "a", "kind": "sentry_error", "timestamp": 3}',
      'not json at all',
      '',
    ];
    for (const line of lines) expect(read(line), line).toEqual(searched(line));
    // The same holds with every kind, cut anywhere.
    for (const kind of RECORD_KINDS) {
      const line = `{"id":"k","kind":"${kind}","timestamp":123456}`;
      for (let cut = 0; cut <= line.length; cut++) expect(read(line.slice(0, cut)), line.slice(0, cut)).toEqual(searched(line.slice(0, cut)));
    }
  });

  it('forgets nothing from the line before: a reader is reused line after line', () => {
    const head = new EnvelopeHead();
    head.read(Buffer.from('{"id":"a","kind":"sentry_error","timestamp":5}'));
    head.read(Buffer.from('{"id":"b","kind":"unknown","timestamp":6}'));
    expect([head.kind, head.time]).toEqual([undefined, 6]);
    head.read(Buffer.from('{"id":"c"}'));
    expect([head.kind, head.time]).toEqual([undefined, Number.NaN]);
  });
});

// Loki's 400 bodies, built with the exact formats of its sources (validation.go,
// distributor.go's GroupedErrors, ingester/stream.go, chunkenc's errTooFarBehind).
import { describe, expect, it } from 'vitest';
import { buildStreams } from '../../../../src/sinks/loki/entries.js';
import { parseGoTime, parseLokiRejections } from '../../../../src/sinks/loki/rejections.js';
import { k8sLog, T0 } from './fixtures.js';
import { replay } from './support.js';

const opts = { extraLabels: [] as Array<readonly [string, string]>, structuredMetadata: true };
// Loki's stream name: its own labels.String(), with the service_name label Loki adds.
const LOKI_INFO = '{kind="kubernetes_log", level="info", namespace="shop", service="api-gateway", service_name="api-gateway", source="kubernetes"}';
const LOKI_ERROR = '{kind="kubernetes_log", level="error", namespace="shop", service="api-gateway", service_name="api-gateway", source="kubernetes"}';
const rfc = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
/** Go's time.Time.String() of a UTC time. */
const goTime = (ms: number, nanos = '000000') => `${new Date(ms).toISOString().replace('T', ' ').replace(/\.(\d{3})Z$/, `.$1${nanos}`)} +0000 UTC`;

describe('parseLokiRejections', () => {
  it('maps the distributor\'s "timestamp too old" / "too new" errors (grouped) to the entries of that stream and second', () => {
    const old1 = replay(k8sLog(T0 - 8 * 86_400_000, 'time=x level=INFO msg=old1'));
    const old2 = replay(k8sLog(T0 - 8 * 86_400_000 + 300, 'time=x level=INFO msg=old2'));
    const fine = replay(k8sLog(T0, 'time=x level=INFO msg=fine'));
    const future = replay(k8sLog(T0 + 3_600_000, 'time=x level=ERROR msg=future'));
    const streams = buildStreams([old1, old2, fine, future], opts);
    const oldMsg = `entry for stream '${LOKI_INFO}' has timestamp too old: ${rfc(T0 - 8 * 86_400_000)}, oldest acceptable timestamp is: ${rfc(T0 - 7 * 86_400_000)}`;
    const newMsg = `entry for stream '${LOKI_ERROR}' has timestamp too new: ${rfc(T0 + 3_600_000)}`;
    const body = `2 errors like: ${oldMsg}; 1 errors like: ${newMsg}\n`;
    const { rejected, unmatched } = parseLokiRejections(body, streams);
    expect(unmatched).toEqual([]);
    expect(rejected.sort((a, b) => a.seq - b.seq)).toEqual([
      { seq: old1.seq, reason: 'loki: greater_than_max_sample_age (timestamp older than reject_old_samples_max_age)' },
      { seq: old2.seq, reason: 'loki: greater_than_max_sample_age (timestamp older than reject_old_samples_max_age)' },
      { seq: future.seq, reason: 'loki: too_far_in_future (timestamp newer than creation_grace_period)' },
    ]);
  });

  it('maps the ingester\'s "entry too far behind" list (Go times to the nanosecond) for a stream', () => {
    const a = replay(k8sLog(T0, 'time=x level=INFO msg=a', { nanos: '408573' }));
    const b = replay(k8sLog(T0 + 10, 'time=x level=INFO msg=b'));
    const c = replay(k8sLog(T0 + 3_600_000, 'time=x level=INFO msg=c'));
    const streams = buildStreams([a, b, c], opts);
    const reason = (ms: number) => `entry too far behind, entry timestamp is: ${rfc(ms)}, oldest acceptable timestamp is: ${rfc(T0 + 1_800_000)}`;
    const body =
      `entry with timestamp ${goTime(T0, '408573')} ignored, reason: '${reason(T0)}',\n` +
      `entry with timestamp ${goTime(T0 + 10)} ignored, reason: '${reason(T0 + 10)}',\n` +
      `user 'fake', total ignored: 2 out of 3 for stream: ${LOKI_INFO}`;
    const { rejected, unmatched } = parseLokiRejections(body, streams);
    expect(unmatched).toEqual([]);
    expect(rejected.map((r) => r.seq).sort()).toEqual([a.seq, b.seq].sort());
    expect(rejected[0]!.reason).toBe("loki: too_far_behind (older than the stream's out-of-order window)");
  });

  it('finds the entries Loki did not list (max_returned_stream_errors) from the cutoff it states', () => {
    const batch = Array.from({ length: 14 }, (_, i) => replay(k8sLog(T0 + i * 1000, `time=x level=INFO msg=${i}`)));
    const newest = replay(k8sLog(T0 + 3_600_000, 'time=x level=INFO msg=new'));
    const streams = buildStreams([...batch, newest], opts);
    const cutoff = rfc(T0 + 14 * 1000);
    const listed = batch.slice(0, 10).map((r) => `entry with timestamp ${goTime(r.time)} ignored, reason: 'entry too far behind, entry timestamp is: ${rfc(r.time)}, oldest acceptable timestamp is: ${cutoff}',\n`);
    const body = `${listed.join('')}user 'fake', total ignored: 14 out of 15 for stream: ${LOKI_INFO}`;
    const { rejected, unmatched } = parseLokiRejections(body, streams);
    expect(unmatched).toEqual([]);
    expect(rejected.map((r) => r.seq).sort((x, y) => x - y)).toEqual(batch.map((r) => r.seq));
  });

  it('reads the older ingester format (stream named on every line)', () => {
    const a = replay(k8sLog(T0, 'time=x level=INFO msg=a'));
    const streams = buildStreams([a, replay(k8sLog(T0 + 5000, 'time=x level=INFO msg=b'))], opts);
    const body = `entry with timestamp ${goTime(T0)} ignored, reason: 'entry out of order' for stream: ${LOKI_INFO},\ntotal ignored: 1 out of 2`;
    const { rejected } = parseLokiRejections(body, streams);
    expect(rejected).toEqual([{ seq: a.seq, reason: 'loki: out_of_order (older than the newest entry of the stream)' }]);
  });

  it('maps line too long and disallowed structured metadata to the entries concerned', () => {
    const long = replay(k8sLog(T0, `time=x level=INFO msg=${'y'.repeat(100)}`));
    const short = replay(k8sLog(T0 + 1, 'time=x level=INFO msg=s'));
    const streams = buildStreams([long, short], opts);
    const length = Buffer.byteLength(streams[0]!.entries[0]!.line);
    const tooLong = parseLokiRejections(`Max entry size '64' bytes exceeded for stream '${LOKI_INFO}' while adding an entry with length '${length}' bytes`, streams);
    expect(tooLong.rejected).toEqual([{ seq: long.seq, reason: 'loki: line_too_long (max_line_size exceeded)' }]);
    const disallowed = parseLokiRejections(
      `stream '${LOKI_INFO}' includes structured metadata, but this feature is disallowed. Please see \`limits_config.allow_structured_metadata\` or contact your Loki administrator to enable it.`,
      streams,
    );
    expect(disallowed.rejected.map((r) => r.seq).sort()).toEqual([long.seq, short.seq].sort());
    expect(disallowed.rejected[0]!.reason).toContain('structured_metadata: false');
  });

  it('picks the most specific of our streams when Loki names a superset of labels', () => {
    const generic = buildStreams([replay(k8sLog(T0, 'no level here'))], opts)[0]!;
    const withLevel = replay(k8sLog(T0, 'time=x level=INFO msg=a'));
    const specific = buildStreams([withLevel], opts)[0]!;
    const body = `entry for stream '${LOKI_INFO}' has timestamp too new: ${rfc(T0)}`;
    const { rejected } = parseLokiRejections(body, [generic, specific]);
    expect(rejected).toEqual([{ seq: withLevel.seq, reason: expect.stringContaining('too_far_in_future') }]);
  });

  it('reports what it cannot tie to an entry, and finds nothing in unrelated 400s', () => {
    const streams = buildStreams([replay(k8sLog(T0, 'time=x level=INFO msg=a'))], opts);
    expect(parseLokiRejections(`entry for stream '{service="other"}' has timestamp too new: ${rfc(T0)}`, streams).unmatched).toHaveLength(1);
    expect(parseLokiRejections('error at least one label pair is required per stream', streams)).toEqual({ rejected: [], unmatched: [] });
  });

  it('parses Go time strings with any fraction and offset', () => {
    expect(parseGoTime('2026-11-24 14:00:00.408573011 +0000 UTC')).toEqual([T0 / 1000, 408_573_011]);
    expect(parseGoTime('2026-11-24 15:00:00 +0100 CET')).toEqual([T0 / 1000, 0]);
    expect(parseGoTime('2026-11-24 14:00:00.5 +0000 UTC')).toEqual([T0 / 1000, 500_000_000]);
  });
});

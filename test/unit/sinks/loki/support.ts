// Helpers for the HTTP sinks' unit tests: a scripted stand-in for fetch (no sockets), protobuf
// decoders built by protobufjs from the published .proto definitions (an independent decoder for
// our hand-written encoders), and replay records.
import protobuf from 'protobufjs';
import type { FileRecord } from '../../../../src/model/record.js';
import type { ReplayRecord } from '../../../../src/sinks/sink.js';

export interface FakeCall {
  readonly url: string;
  readonly method: string;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

export interface FakeAnswer {
  readonly status: number;
  readonly body?: string;
  readonly headers?: Record<string, string>;
}

/** A fetch that records each call and answers with `answer(call, index)`. */
export function fakeFetch(answer: (call: FakeCall, index: number) => FakeAnswer | Promise<FakeAnswer>): { fetch: typeof fetch; calls: FakeCall[] } {
  const calls: FakeCall[] = [];
  const fn = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((v, k) => (headers[k] = v));
    const raw = init?.body;
    const body = raw === undefined || raw === null ? Buffer.alloc(0) : typeof raw === 'string' ? Buffer.from(raw) : Buffer.from(raw as Uint8Array);
    const call: FakeCall = { url: String(input instanceof Request ? input.url : input), method: init?.method ?? 'GET', headers, body };
    calls.push(call);
    const a = await answer(call, calls.length - 1);
    const empty = a.status === 204 || a.status === 304;
    return new Response(empty ? null : (a.body ?? ''), { status: a.status, headers: a.headers });
  };
  return { fetch: fn as typeof fetch, calls };
}

const PROTO = `
syntax = "proto3";
package google.protobuf;
message Timestamp { int64 seconds = 1; int32 nanos = 2; }
`;

const LOKI_PROTO = `
syntax = "proto3";
package logproto;
import "google/protobuf/timestamp.proto";
message PushRequest { repeated StreamAdapter streams = 1; }
message StreamAdapter { string labels = 1; repeated EntryAdapter entries = 2; uint64 hash = 3; }
message LabelPairAdapter { string name = 1; string value = 2; }
message EntryAdapter {
  google.protobuf.Timestamp timestamp = 1;
  string line = 2;
  repeated LabelPairAdapter structuredMetadata = 3;
}
`;

const PROM_PROTO = `
syntax = "proto3";
package prometheus;
message WriteRequest { repeated TimeSeries timeseries = 1; }
message TimeSeries { repeated Label labels = 1; repeated Sample samples = 2; }
message Label { string name = 1; string value = 2; }
message Sample { double value = 1; int64 timestamp = 2; }
`;

function root(): protobuf.Root {
  const r = new protobuf.Root();
  protobuf.parse(PROTO, r, { keepCase: true });
  protobuf.parse(LOKI_PROTO, r, { keepCase: true });
  protobuf.parse(PROM_PROTO, r, { keepCase: true });
  return r;
}

export interface DecodedPush {
  streams: Array<{ labels: string; entries: Array<{ timestamp: { seconds: number; nanos: number }; line: string; structuredMetadata?: Array<{ name: string; value: string }> }> }>;
}

export interface DecodedWriteRequest {
  timeseries: Array<{ labels: Array<{ name: string; value: string }>; samples: Array<{ value: number; timestamp: number }> }>;
}

const decodeOptions = { longs: Number, defaults: true, arrays: true };

export function decodePushRequest(bytes: Uint8Array): DecodedPush {
  const t = root().lookupType('logproto.PushRequest');
  return t.toObject(t.decode(bytes), decodeOptions) as DecodedPush;
}

export function decodeWriteRequest(bytes: Uint8Array): DecodedWriteRequest {
  const t = root().lookupType('prometheus.WriteRequest');
  return t.toObject(t.decode(bytes), decodeOptions) as DecodedWriteRequest;
}

let seq = 0;
/** A replay record (shift 0 unless given). */
export function replay(record: FileRecord, shiftMs = 0, at?: number): ReplayRecord {
  return { seq: ++seq, record, time: (at ?? record.timestamp) + shiftMs, shiftMs };
}

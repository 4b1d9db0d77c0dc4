// Loki's push body in its two encodings. Protobuf follows logproto's push.proto:
//   PushRequest   { repeated StreamAdapter streams = 1; }
//   StreamAdapter { string labels = 1; repeated EntryAdapter entries = 2; uint64 hash = 3; }
//   EntryAdapter  { google.protobuf.Timestamp timestamp = 1; string line = 2;
//                   repeated LabelPairAdapter structuredMetadata = 3; }
//   LabelPairAdapter { string name = 1; string value = 2; }
//   Timestamp     { int64 seconds = 1; int32 nanos = 2; }
// (hash is left 0: Loki computes it.) The protobuf body is snappy-compressed (block format) and
// sent as application/x-protobuf. JSON is Loki's documented push shape, with structured metadata
// as the optional third element of each value: [ "<unix ns>", "<line>", {"name": "value"} ].
import { compressSync } from 'snappy';
import { ProtobufWriter } from '../wire/protobuf-writer.js';
import { nanosString, type LokiStream } from './entries.js';

/** PushRequest bytes (not compressed). */
export function encodePushRequest(streams: readonly LokiStream[], writer = new ProtobufWriter()): Buffer {
  return Buffer.from(writePushRequest(streams, writer));
}

/** Writes PushRequest into the (reused) writer and returns a view of its bytes. */
function writePushRequest(streams: readonly LokiStream[], writer: ProtobufWriter): Buffer {
  writer.reset();
  for (const s of streams) {
    const stream = writer.begin(1);
    writer.string(1, s.key);
    for (const e of s.entries) {
      const entry = writer.begin(2);
      const ts = writer.begin(1);
      writer.uint(1, e.seconds);
      writer.uint(2, e.nanos);
      writer.end(ts);
      writer.string(2, e.line);
      for (const [name, value] of e.metadata) {
        const pair = writer.begin(3);
        writer.string(1, name);
        writer.string(2, value);
        writer.end(pair);
      }
      writer.end(entry);
    }
    writer.end(stream);
  }
  return writer.view();
}

/** The protobuf push body: PushRequest compressed with snappy's block format. */
export function protobufPushBody(streams: readonly LokiStream[], writer = new ProtobufWriter()): Buffer {
  return compressSync(writePushRequest(streams, writer));
}

export interface JsonPushRequest {
  streams: Array<{ stream: Record<string, string>; values: Array<[string, string] | [string, string, Record<string, string>]> }>;
}

/** The JSON push body. */
export function jsonPushBody(streams: readonly LokiStream[]): string {
  const body: JsonPushRequest = {
    streams: streams.map((s) => ({
      stream: Object.fromEntries(s.labels),
      values: s.entries.map((e) => {
        const ts = nanosString(e.seconds, e.nanos);
        return e.metadata.length > 0 ? [ts, e.line, Object.fromEntries(e.metadata)] : [ts, e.line];
      }),
    })),
  };
  return JSON.stringify(body);
}

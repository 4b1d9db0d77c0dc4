// What the replay engine consumes: records in timestamp order across kinds, numbered.
import { RECORD_KINDS, type CloudWatchAlarmDefinition, type FileRecord, type RecordKind } from '../model/record.js';
import type { TimeWindow } from '../time/calendar.js';

export interface StreamedRecord {
  /** Position in the stream (all kinds counted): what checkpoints remember. */
  readonly seq: number;
  readonly kind: RecordKind;
  /** The envelope's timestamp (epoch ms). */
  readonly timestamp: number;
  /** The record's JSON line as UTF-8, when the source read one: a sink that works on another thread takes it instead of the object. */
  readonly bytes?: Buffer;
  readonly record: FileRecord;
}

/**
 * A record read as a JSON line, parsed on first use. The engine routes by the envelope's kind
 * and time alone, so a line that goes only to a sink working on another thread (OTLP logs) is
 * never decoded on the replay's own thread: it stays bytes, which the garbage collector barely
 * notices, where a string of every line cost the replay a heap of a few hundred megabytes.
 */
export class LineRecord implements StreamedRecord {
  private parsed: FileRecord | undefined;

  constructor(
    readonly seq: number,
    readonly bytes: Buffer,
    readonly kind: RecordKind,
    readonly timestamp: number,
  ) {}

  get record(): FileRecord {
    if (this.parsed === undefined) {
      try {
        this.parsed = JSON.parse(this.bytes.toString('utf8')) as FileRecord;
      } catch (err) {
        throw new Error(`record ${this.seq} (${this.kind}) is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    return this.parsed;
  }
}

export interface RecordSource {
  /** Identifies the stream, so a checkpoint is only reused for the same records. */
  readonly identity: string;
  /** The simulated range the records cover (for rebasing); end is undefined for live streams. */
  readonly range: TimeWindow;
  readonly live: boolean;
  /** Definitions the records refer to (alarms), for sinks that must create them first. */
  documents(): SourceDocuments;
  /**
   * Records of the wanted kinds (others are counted but not parsed), from seq > `after`, in
   * runs: consecutive records in stream order, at most RUN_LENGTH, handed over together so that
   * the engine pays for an await per run rather than per record.
   */
  runs(wanted: ReadonlySet<RecordKind>, after: number, signal?: AbortSignal): AsyncIterable<readonly StreamedRecord[]>;
}

/** Records per run: small enough that a run held in memory is nothing next to a sink's queue. */
export const RUN_LENGTH = 256;

/** A source's records one at a time (for readers that want them so, such as tests). */
export async function* recordsOf(source: RecordSource, wanted: ReadonlySet<RecordKind>, after = 0, signal?: AbortSignal): AsyncIterable<StreamedRecord> {
  for await (const run of source.runs(wanted, after, signal)) yield* run;
}

export interface SourceDocuments {
  readonly alarmDefinitions: readonly CloudWatchAlarmDefinition[];
}

const TIMESTAMP_KEY = Buffer.from('"timestamp":');
const KIND_KEY = Buffer.from('"kind":"');
const KINDS_BY_NAME: ReadonlyMap<string, RecordKind> = new Map(RECORD_KINDS.map((k) => [k, k]));

/** The envelope's timestamp without parsing the whole line (it is always the third field). */
export function timestampOfLine(line: Buffer): number {
  const i = line.indexOf(TIMESTAMP_KEY);
  if (i < 0) return Number.NaN;
  let n = 0;
  for (let j = i + TIMESTAMP_KEY.length; j < line.length; j++) {
    const c = line[j]!;
    if (c < 48 || c > 57) break;
    n = n * 10 + (c - 48);
  }
  return n;
}

/** The envelope's kind without parsing the whole line (undefined when it names no kind). */
export function kindOfLine(line: Buffer): RecordKind | undefined {
  const i = line.indexOf(KIND_KEY);
  if (i < 0) return undefined;
  const start = i + KIND_KEY.length;
  const end = line.indexOf(34 /* " */, start);
  return end < 0 ? undefined : KINDS_BY_NAME.get(line.toString('latin1', start, end));
}

/** The non-empty lines of a buffer, as views into it. */
export function linesOf(text: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let start = 0;
  for (let nl = text.indexOf(10); start < text.length; nl = text.indexOf(10, start)) {
    const end = nl < 0 ? text.length : nl;
    if (end > start) out.push(text.subarray(start, end));
    start = end + 1;
  }
  return out;
}

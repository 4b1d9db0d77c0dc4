// What the replay engine consumes: records in timestamp order across kinds, numbered.
import type { CloudWatchAlarmDefinition, FileRecord, RecordKind } from '../model/record.js';
import type { TimeWindow } from '../time/calendar.js';

export interface StreamedRecord {
  /** Position in the stream (all kinds counted): what checkpoints remember. */
  readonly seq: number;
  readonly record: FileRecord;
}

export interface RecordSource {
  /** Identifies the stream, so a checkpoint is only reused for the same records. */
  readonly identity: string;
  /** The simulated range the records cover (for rebasing); end is undefined for live streams. */
  readonly range: TimeWindow;
  readonly live: boolean;
  /** Definitions the records refer to (alarms), for sinks that must create them first. */
  documents(): SourceDocuments;
  /** Records of the wanted kinds (others are counted but not parsed), from seq > `after`. */
  records(wanted: ReadonlySet<RecordKind>, after: number, signal?: AbortSignal): AsyncIterable<StreamedRecord>;
}

export interface SourceDocuments {
  readonly alarmDefinitions: readonly CloudWatchAlarmDefinition[];
}

/** The envelope's timestamp without parsing the whole line (it is always the third field). */
export function timestampOfLine(line: string): number {
  const i = line.indexOf('"timestamp":');
  if (i < 0) return Number.NaN;
  let j = i + 12;
  let n = 0;
  for (; j < line.length; j++) {
    const c = line.charCodeAt(j);
    if (c < 48 || c > 57) break;
    n = n * 10 + (c - 48);
  }
  return n;
}

/** The envelope's kind without parsing the whole line. */
export function kindOfLine(line: string): RecordKind | undefined {
  const i = line.indexOf('"kind":"');
  if (i < 0) return undefined;
  const end = line.indexOf('"', i + 8);
  return line.slice(i + 8, end) as RecordKind;
}

// Where each record kind lives inside a dataset folder.
import { KIND_FILE, KIND_SOURCE, type RecordKind } from '../../model/record.js';
import type { OutputFormat } from '../../engine/compress.js';

export const MANIFEST = 'manifest.json';
export const INCIDENTS = 'incidents.json';
export const ALARM_DEFINITIONS = 'cloudwatch/alarm_definitions.json';
export const PARTIAL_MARKER = '.obsynth-partial';

export function recordsPath(kind: RecordKind, format: OutputFormat, day?: string): string {
  return `${KIND_SOURCE[kind]}/${KIND_FILE[kind]}${day ? `.${day}` : ''}.${format}`;
}

export function labelsPath(kind: RecordKind, format: OutputFormat, day?: string): string {
  return `labels/${recordsPath(kind, format, day)}`;
}

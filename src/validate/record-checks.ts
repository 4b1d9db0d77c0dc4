// One line of a records file or a labels file against its schema. Pure functions: the caller
// decides what to keep (first N problems, counts).
import type { RecordKind } from '../model/record.js';
import type { NoteHit } from './schemas/body-note.js';
import { BODY_NOTES, BODY_SCHEMAS, valueAt } from './schemas/body-schemas.js';
import { ENVELOPE_SCHEMAS, labelLineSchema, type Envelope, type ParsedLabel } from './schemas/envelope.js';
import { toFieldIssues, type FieldIssue } from './issues.js';

export interface RecordCheck {
  /** The parsed line when it is a JSON object (even if the schema failed). */
  readonly raw?: Record<string, unknown>;
  /** The envelope when the envelope itself is valid (the body may still be wrong). */
  readonly envelope?: Envelope;
  readonly bodyValid: boolean;
  readonly issues: readonly FieldIssue[];
  /** Advisory notes that matched (index into BODY_NOTES[kind]). */
  readonly notes: ReadonlyArray<{ readonly index: number; readonly hit: NoteHit }>;
}

function parseObject(line: string): { value?: Record<string, unknown>; issue?: FieldIssue } {
  if (line.trim() === '') return { issue: { path: '', value: line, rule: 'is an empty line' } };
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (err) {
    return { issue: { path: '', value: line, rule: `is not JSON (${(err as Error).message})` } };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { issue: { path: '', value, rule: 'is not a JSON object' } };
  return { value: value as Record<string, unknown> };
}

export function checkRecordLine(kind: RecordKind, line: string): RecordCheck {
  const parsed = parseObject(line);
  if (!parsed.value) return { bodyValid: false, issues: [parsed.issue!], notes: [] };
  const raw = parsed.value;
  const issues: FieldIssue[] = [];
  const env = ENVELOPE_SCHEMAS[kind].safeParse(raw);
  if (!env.success) issues.push(...toFieldIssues(env.error.issues, raw));
  const body = raw.body;
  let bodyValid = false;
  const notes: Array<{ index: number; hit: NoteHit }> = [];
  if (body !== null && typeof body === 'object' && !Array.isArray(body)) {
    const result = BODY_SCHEMAS[kind].safeParse(body);
    if (result.success) {
      bodyValid = true;
      BODY_NOTES[kind].forEach((n, index) => {
        const hit = n.check(body as never);
        if (hit) notes.push({ index, hit: { path: hit.path === '' ? 'body' : `body.${hit.path}`, value: hit.value } });
      });
    } else issues.push(...toFieldIssues(result.error.issues, raw, ['body']));
  }
  return { raw, envelope: env.success ? (raw as unknown as Envelope) : undefined, bodyValid, issues, notes };
}

export interface LabelCheck {
  readonly raw?: Record<string, unknown>;
  readonly label?: ParsedLabel;
  readonly issues: readonly FieldIssue[];
}

export function checkLabelLine(line: string): LabelCheck {
  const parsed = parseObject(line);
  if (!parsed.value) return { issues: [parsed.issue!] };
  const result = labelLineSchema.safeParse(parsed.value);
  if (result.success) return { raw: parsed.value, label: result.data, issues: [] };
  return { raw: parsed.value, issues: toFieldIssues(result.error.issues, parsed.value) };
}

/** Declared missing fields (realism paths like `MetricData.0.Unit`) that the body still has. */
export function presentMissingFields(body: unknown, declared: readonly string[]): string[] {
  return declared.filter((path) => valueAt(body, path.split('.').map((k) => (/^\d+$/.test(k) ? Number(k) : k))) !== undefined);
}

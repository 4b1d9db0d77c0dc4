// The two line shapes every dataset file carries: the record envelope around a native body
// (FileRecord in model/record.ts) and the label line beside it (LabelLine). Both are ours, so
// both are closed: an unknown key is a typo or a format change the validator should hear about.
import { z } from 'zod';
import { RECORD_KINDS, type RecordKind } from '../../model/record.js';
import { nonBlank, traceId } from './rules.js';

/** Record ids are opaque but never contain whitespace (they are joined on and printed). */
const recordId = z.string().regex(/^\S+$/, 'must be a non-empty id without whitespace');

function envelopeFor(kind: RecordKind) {
  return z.strictObject({
    id: recordId,
    kind: z.literal(kind, { error: `must be "${kind}" (the kind this file holds)` }),
    // Event time, epoch milliseconds.
    timestamp: z.number().int('must be whole epoch milliseconds').nonnegative().max(Number.MAX_SAFE_INTEGER),
    service: nonBlank,
    trace_id: traceId.optional(),
    // Checked separately against the kind's body schema (so its paths read `body.…`).
    body: z.record(z.string(), z.unknown()),
  });
}

export const ENVELOPE_SCHEMAS: Readonly<Record<RecordKind, z.ZodType>> = Object.fromEntries(RECORD_KINDS.map((k) => [k, envelopeFor(k)])) as unknown as Record<RecordKind, z.ZodType>;

export interface Envelope {
  id: string;
  kind: RecordKind;
  timestamp: number;
  service: string;
  trace_id?: string;
  body: Record<string, unknown>;
}

export const labelLineSchema = z
  .strictObject({
    id: recordId,
    anomalous: z.boolean(),
    incident_id: z.string().min(1).optional(),
    phase: z.enum(['onset', 'peak', 'recovery']).optional(),
    template_id: z.string().min(1).optional(),
    late_ms: z.number().int().positive().optional(),
    skew_ms: z.number().int().refine((v) => v !== 0, 'is 0; leave it out when the clock is right').optional(),
    duplicate: z.literal(true).optional(),
    missing_fields: z.array(z.string().min(1)).min(1).optional(),
  })
  .superRefine((l, ctx) => {
    // A phase only means something inside an incident.
    if (l.phase !== undefined && l.incident_id === undefined) ctx.addIssue({ code: 'custom', path: ['phase'], input: l.phase, message: 'is set without incident_id' });
  });

export type ParsedLabel = z.infer<typeof labelLineSchema>;

// The contract every generator keeps: given a window and the context, emit records in the
// source's native shape. Generators are pure: the same window, seed and configuration give
// the same records, whichever worker runs them and in whatever order windows are done.
import type { Incident, IncidentActivity } from '../model/incident.js';
import type { BodyOf, RecordKind, Source, Truth } from '../model/record.js';
import type { Rng } from '../random/rng.js';
import type { ConditionModel } from '../simulation/conditions.js';
import type { JobRun } from '../simulation/jobs.js';
import type { RequestSim } from '../simulation/requests.js';
import type { World } from '../simulation/world.js';
import type { TimeWindow } from '../time/calendar.js';

export type Emit = <K extends RecordKind>(kind: K, timestamp: number, service: string, body: BodyOf[K], truth?: Truth, traceId?: string) => void;
/** The same, for a body already serialised (exactly as JSON.stringify would): hot paths skip building the object. */
export type EmitJson = (kind: RecordKind, timestamp: number, service: string, json: string, truth?: Truth, traceId?: string) => void;

export interface GenerationContext {
  readonly window: TimeWindow;
  readonly world: World;
  readonly incidents: readonly Incident[];
  readonly conditions: ConditionModel;
  readonly jobRuns: readonly JobRun[];
  /** A random stream for this window and purpose. */
  rng(stream: string): Rng;
  /** Requests (and consumed messages) of this window, simulated once and shared by generators. */
  requests(): readonly RequestSim[];
  readonly emit: Emit;
  readonly emitJson: EmitJson;
}

export interface Generator {
  readonly name: string;
  readonly source: Source;
  generate(ctx: GenerationContext): void;
}

const NORMAL_TRUTH: Truth = Object.freeze({ anomalous: false });
/** Normal labels are immutable and shared: one per template, not one per record. */
const normalByTemplate = new Map<string, Truth>();

/** Labels for a record caused (or coloured) by an incident activity, or normal ones. */
export function truthOf(activity: IncidentActivity | undefined, templateId?: string): Truth {
  if (!activity) {
    if (!templateId) return NORMAL_TRUTH;
    let t = normalByTemplate.get(templateId);
    if (!t) normalByTemplate.set(templateId, (t = Object.freeze({ anomalous: false, templateId })));
    return t;
  }
  return { anomalous: true, incidentId: activity.incident.id, phase: activity.phase, templateId };
}

/** Labels for a record an incident produced directly (events, alarms) at time t. */
export function truthOfIncident(incident: Incident, phase: Truth['phase'], templateId?: string): Truth {
  return { anomalous: true, incidentId: incident.id, phase, templateId };
}

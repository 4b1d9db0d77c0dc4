// An incident as planned (the ground truth). Generators read it to decide what each source
// shows; incidents.json is this plus what was actually emitted for it.
import type { Effects, IncidentType, ScenarioConfig, SourceName } from '../config/schema.js';
import type { Phase } from './record.js';

export interface AffectedTarget {
  /** A service or datastore name. */
  readonly target: string;
  /** 0 for the root cause, 1 for its direct callers, ... */
  readonly hops: number;
  /** When this target starts to feel it, after the root's onset (ms). */
  readonly delayMs: number;
  /** Intensity kept at this target (1 at the root). */
  readonly weight: number;
}

/** Type-specific facts fixed when the incident is planned. */
export interface IncidentDetail {
  /** bad_deployment: the broken release and how it fails. */
  badVersion?: string;
  failureMode?: 'image_pull' | 'crash_loop';
  /** network_partition: the zone cut off; disk_full: the node that fills. */
  zone?: string;
  node?: string;
  /** certificate_expiry: the host whose certificate expired. */
  certificateHost?: string;
  /** memory_leak: minutes between OOM kills once the leak reaches the limit. */
  oomCycleMs?: number;
}

export interface Incident {
  readonly id: string;
  readonly type: IncidentType;
  readonly rootCause: string;
  readonly affected: readonly AffectedTarget[];
  readonly onset: number;
  /** Full intensity reached. */
  readonly peak: number;
  /** Recovery starts. */
  readonly recoveryStart: number;
  readonly end: number;
  /** 0.5..1: how bad this one is, scaling every effect. */
  readonly severity: number;
  readonly shape: ScenarioConfig['shape'];
  readonly recovery: ScenarioConfig['recovery'];
  readonly effects: { readonly root: Effects; readonly propagated: Effects };
  readonly signature: Readonly<Record<SourceName, readonly string[]>>;
  readonly detail: IncidentDetail;
  /** Placed by the user (--incident / --all-incidents) rather than drawn at random. */
  readonly placed: boolean;
}

export interface IncidentActivity {
  readonly incident: Incident;
  readonly target: AffectedTarget;
  /** 0..1 at this target, attenuation and severity included. */
  readonly intensity: number;
  readonly phase: Phase;
}

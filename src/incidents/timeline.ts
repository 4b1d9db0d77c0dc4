// How an incident's intensity rises, holds and falls: 0 before onset and after end, 1 at peak.
import type { Incident } from '../model/incident.js';
import type { Phase } from '../model/record.js';

const STEPS = 4;
/** Even a "sudden" onset takes a moment to spread over pods and connections. */
const SUDDEN_RAMP_MS = 20_000;

function ramp(shape: Incident['shape'], x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  switch (shape) {
    case 'gradual':
      return x * x * (3 - 2 * x); // smoothstep: slow start, slow arrival
    case 'stepped':
      return Math.ceil(x * STEPS) / STEPS;
    case 'sudden':
      return 1;
  }
}

function fall(recovery: Incident['recovery'], x: number): number {
  if (x <= 0) return 1;
  if (x >= 1) return 0;
  switch (recovery) {
    case 'gradual':
      return 1 - x;
    case 'stepped':
      return 1 - Math.floor(x * STEPS) / STEPS;
    case 'immediate':
      return 0;
  }
}

/** Root-level intensity (before attenuation and severity) at time t. */
export function rawIntensity(incident: Incident, t: number): number {
  if (t < incident.onset || t >= incident.end) return 0;
  if (t < incident.peak) {
    if (incident.shape === 'sudden') return Math.min(1, (t - incident.onset) / SUDDEN_RAMP_MS + 0.25);
    return ramp(incident.shape, (t - incident.onset) / Math.max(1, incident.peak - incident.onset));
  }
  if (t < incident.recoveryStart) return 1;
  return fall(incident.recovery, (t - incident.recoveryStart) / Math.max(1, incident.end - incident.recoveryStart));
}

export function phaseAt(incident: Incident, t: number): Phase | undefined {
  if (t < incident.onset || t >= incident.end) return undefined;
  if (t < incident.peak) return 'onset';
  if (t < incident.recoveryStart) return 'peak';
  return 'recovery';
}

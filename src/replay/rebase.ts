// Backends reject old data, so a replay moves the history in time: by default it ends now.
import { SECOND, type TimeWindow } from '../time/calendar.js';

export type RebaseMode = 'end' | 'start' | 'none';

/** How far to move every timestamp (whole seconds, so sub-second digits stay as generated). */
export function rebaseShift(mode: RebaseMode, range: TimeWindow, now: number): number {
  if (mode === 'none') return 0;
  const anchor = mode === 'end' ? range.end : range.start;
  return Math.floor((now - anchor) / SECOND) * SECOND;
}

// How a range is cut into chunks: fixed-length slices aligned to the epoch (so a chunk never
// straddles a UTC day), shorter when the volume multiplier makes each minute heavier. The cut
// depends only on the range and options, never on the number of workers.
import { DAY, MINUTE, type TimeWindow } from '../time/calendar.js';

export function chunkLengthMs(volumeMultiplier: number): number {
  if (volumeMultiplier <= 1.5) return 5 * MINUTE;
  if (volumeMultiplier <= 3) return 3 * MINUTE;
  if (volumeMultiplier <= 6) return 2 * MINUTE;
  return MINUTE;
}

export function countChunks(range: TimeWindow, chunkMs: number): number {
  if (range.end <= range.start) return 0;
  return Math.ceil(range.end / chunkMs) - Math.floor(range.start / chunkMs);
}

/** The i-th chunk of the range. */
export function chunkAt(range: TimeWindow, chunkMs: number, index: number): TimeWindow {
  const first = Math.floor(range.start / chunkMs) * chunkMs;
  const start = Math.max(range.start, first + index * chunkMs);
  const end = Math.min(range.end, first + (index + 1) * chunkMs);
  return { start, end };
}

/** Whether files should be split by UTC day for this range. */
export function splitByDay(mode: 'auto' | 'always' | 'never', range: TimeWindow): boolean {
  if (mode === 'always') return true;
  if (mode === 'never') return false;
  return range.end - range.start > DAY;
}

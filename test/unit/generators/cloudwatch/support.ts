// Helpers for the CloudWatch generator tests: run only the CloudWatch generators and read back
// one kind's records with their labels.
import type { Generator } from '../../../../src/generators/generator.js';
import { CloudWatchAlarmGenerator } from '../../../../src/generators/cloudwatch/alarms.js';
import { CloudWatchLogGenerator } from '../../../../src/generators/cloudwatch/logs.js';
import { CloudWatchMetricGenerator } from '../../../../src/generators/cloudwatch/metrics.js';
import type { BodyOf, LabelLine, RecordKind } from '../../../../src/model/record.js';
import type { World } from '../../../../src/simulation/world.js';
import { MINUTE } from '../../../../src/time/calendar.js';
import { runWindow, type ParsedChunk } from '../../../support/world.js';

export interface Rec<K extends RecordKind> {
  id: string;
  timestamp: number;
  service: string;
  trace_id?: string;
  body: BodyOf[K];
  label: LabelLine;
}

export const METRICS: Generator = new CloudWatchMetricGenerator();
export const LOGS: Generator = new CloudWatchLogGenerator();
export const ALARMS: Generator = new CloudWatchAlarmGenerator();

/** Records of one kind with their labels; duplicates (realism) left out unless asked for. */
export function recordsOf<K extends RecordKind>(chunks: readonly ParsedChunk[], kind: K, withDuplicates = false): Rec<K>[] {
  const out: Rec<K>[] = [];
  for (const c of chunks) {
    const recs = c.records.get(kind) ?? [];
    const labels = c.labels.get(kind) ?? [];
    recs.forEach((r, i) => {
      const label = labels[i]!;
      if (!withDuplicates && label.duplicate) return;
      out.push({ id: r.id, timestamp: r.timestamp, service: r.service, trace_id: r.trace_id, body: r.body as BodyOf[K], label });
    });
  }
  return out;
}

/** Runs [start, end) in windows of `stepMin` minutes with the given generators. */
export function runCw(world: World, start: number, end: number, generators: readonly Generator[], stepMin = 10): ParsedChunk[] {
  const out: ParsedChunk[] = [];
  for (let t = start; t < end; t += stepMin * MINUTE) out.push(runWindow(world, t, Math.min(end, t + stepMin * MINUTE), generators));
  return out;
}

/** A `<*>` template pattern as an anchored regex. */
export function patternRegex(pattern: string): RegExp {
  const parts = pattern.split('<*>').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('[\\s\\S]*?')}$`);
}

// The imperfections real pipelines add, applied to a window's records after generation:
// late arrivals (moved later in the file, event time unchanged), duplicates (delivered twice)
// and optional fields that went missing. Clock skew is applied where records are stamped.
import type { GenerationFile } from '../config/schema.js';
import type { RecordKind, Truth } from '../model/record.js';
import type { Rng } from '../random/rng.js';
import { SECOND } from '../time/calendar.js';

export interface Pending {
  readonly kind: RecordKind;
  /** Assigned once the window's records are in event-time order. */
  id?: string;
  readonly timestamp: number;
  readonly service: string;
  readonly traceId?: string;
  /** Where the body's UTF-8 JSON sits in its kind's body buffer: bodies are encoded when emitted,
   * so the garbage collector never has to carry them while a window is sorted. */
  readonly bodyStart: number;
  readonly bodyEnd: number;
  truth?: Truth;
  /** When it reaches the store: the order records are written in. */
  arrival: number;
  /** Emission order, the tie-breaker that keeps sorting stable. */
  seq: number;
}

/** Fields each native shape may legitimately lack (what a detector must cope with). */
const OPTIONAL_FIELDS: Readonly<Record<RecordKind, readonly string[]>> = {
  kubernetes_log: ['kubernetes.labels', 'kubernetes.container_image'],
  kubernetes_event: ['deprecatedSource', 'deprecatedFirstTimestamp', 'deprecatedLastTimestamp', 'deprecatedCount'],
  kubernetes_pod_metrics: ['metadata.labels'],
  kubernetes_node_metrics: ['metadata.labels'],
  sentry_error: ['user', 'request', 'breadcrumbs', 'contexts.runtime'],
  sentry_transaction: ['user', 'request', 'measurements'],
  cloudwatch_metric: ['MetricData.0.Unit', 'MetricData.0.StorageResolution'],
  cloudwatch_log: [],
  cloudwatch_alarm: ['detail.state.reasonData'],
  grafana_series: [],
  grafana_annotation: ['panelId', 'dashboardUID'],
};

/**
 * The body without the field at `path`, or undefined when it has no such field. Objects along
 * the path are copied, never changed: generators share sub-objects (pod metadata) between records.
 */
function withoutPath(body: unknown, keys: readonly string[]): unknown {
  if (body === null || typeof body !== 'object') return undefined;
  const [key, ...rest] = keys as [string, ...string[]];
  const obj = body as Record<string, unknown>;
  if (!(key in obj)) return undefined;
  const copy: Record<string, unknown> | unknown[] = Array.isArray(obj) ? [...obj] : { ...obj };
  if (rest.length === 0) {
    delete (copy as Record<string, unknown>)[key];
    return copy;
  }
  const inner = withoutPath(obj[key], rest);
  if (inner === undefined) return undefined;
  (copy as Record<string, unknown>)[key] = inner;
  return copy;
}

export type Realism = GenerationFile['realism'];

/**
 * Drops some optional fields from a body the caller chose to damage (the choice is made in
 * emission order, which is deterministic). Returns the body to serialise and the fields it lost.
 */
export function dropOptionalFields(kind: RecordKind, body: unknown, rng: Rng): { body: unknown; removed?: string[] } {
  const removed: string[] = [];
  let out = body;
  for (const path of OPTIONAL_FIELDS[kind]) {
    if (!rng.chance(0.5)) continue;
    const stripped = withoutPath(out, path.split('.'));
    if (stripped === undefined) continue;
    out = stripped;
    removed.push(path);
  }
  return removed.length > 0 ? { body: out, removed } : { body };
}

/** Applies late arrivals and duplicates to one kind's records (sorted by timestamp); returns them in arrival order. */
export function applyRealism(records: Pending[], realism: Realism, rng: Rng, windowEnd: number): Pending[] {
  const late = realism.late_arrivals;
  const maxLate = late.max_delay_secs * SECOND;
  const out: Pending[] = [];
  for (const r of records) {
    if (late.share > 0 && rng.chance(late.share)) {
      const delay = Math.min(Math.round(rng.next() * maxLate), windowEnd - 1 - r.timestamp);
      if (delay > 0) {
        r.arrival = r.timestamp + delay;
        r.truth = { ...(r.truth ?? { anomalous: false }), lateMs: delay };
      }
    }
    out.push(r);
    if (realism.duplicates > 0 && rng.chance(realism.duplicates)) {
      const again = Math.min(r.arrival + Math.round(rng.next() * 5 * SECOND), windowEnd - 1);
      out.push({ ...r, arrival: Math.max(again, r.arrival), truth: { ...(r.truth ?? { anomalous: false }), duplicate: true }, seq: r.seq + 0.5 });
    }
  }
  out.sort(byArrival);
  return out;
}

export function byTimestamp(a: Pending, b: Pending): number {
  return a.timestamp - b.timestamp || a.seq - b.seq;
}

function byArrival(a: Pending, b: Pending): number {
  return a.arrival - b.arrival || a.seq - b.seq;
}

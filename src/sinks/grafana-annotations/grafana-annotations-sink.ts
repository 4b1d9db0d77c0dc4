// Posts annotation records to Grafana's HTTP API, one POST /api/annotations each (Grafana has no
// bulk endpoint), a few at a time. Times are the record's rebased ones. Each annotation carries
// the tag obsynth:<record id>, so the ones a replay made can be found (and deleted) later.
//
// Grafana cannot deduplicate annotations: posting one twice makes two. Within a batch that is
// retried (429, 5xx-gateway, network errors), the annotations already created are remembered and
// not posted again; across runs the replay checkpoint is what prevents doubles (a resumed replay
// starts after the last settled batch).
import type { GrafanaAnnotationBody, RecordKind } from '../../model/record.js';
import { rebaseRecord } from '../../replay/rebase-body.js';
import type { Clock } from '../../time/clock.js';
import { authHeader } from '../common-config.js';
import { resultOfError, resultOfStatus, unreachable } from '../retryable.js';
import { success, type Rejection, type ReplayRecord, type Sink, type WriteResult } from '../sink.js';
import type { GrafanaAnnotationsSinkConfig } from './config.js';

export const GRAFANA_ANNOTATION_KINDS = ['grafana_annotation'] as const satisfies readonly RecordKind[];

export interface GrafanaAnnotationsSinkOptions {
  readonly name: string;
  readonly kinds?: readonly RecordKind[];
  readonly clock: Clock;
  readonly timeoutMs: number;
}

/** The body POST /api/annotations takes for a record. */
export function annotationRequest(r: ReplayRecord, config: Pick<GrafanaAnnotationsSinkConfig, 'dashboard_uid' | 'panel_id' | 'tags'>): GrafanaAnnotationBody {
  const rebased = rebaseRecord(r.record, r.shiftMs);
  if (rebased.kind !== 'grafana_annotation') throw new Error(`grafana_annotations cannot send a ${rebased.kind} record`);
  const b = rebased.body;
  const out: GrafanaAnnotationBody = { time: b.time, tags: [...new Set([...b.tags, ...(config.tags ?? []), `obsynth:${rebased.id}`])], text: b.text };
  const dashboardUID = config.dashboard_uid ?? b.dashboardUID;
  if (dashboardUID) out.dashboardUID = dashboardUID;
  const panelId = config.panel_id ?? (config.dashboard_uid === '' ? undefined : b.panelId);
  if (panelId !== undefined && out.dashboardUID) out.panelId = panelId;
  if (b.timeEnd !== undefined && b.timeEnd !== b.time) out.timeEnd = b.timeEnd;
  return out;
}

export class GrafanaAnnotationsSink implements Sink {
  readonly name: string;
  readonly kinds: ReadonlySet<RecordKind>;
  private readonly base: string;
  private readonly headers: Record<string, string>;
  /** Records of the batch in flight already created or refused (a retried batch skips them). */
  private readonly created = new Set<number>();
  private readonly refused = new Map<number, Rejection>();
  private closed = false;

  constructor(
    private readonly config: GrafanaAnnotationsSinkConfig,
    private readonly options: GrafanaAnnotationsSinkOptions,
  ) {
    this.name = options.name;
    this.kinds = new Set(options.kinds ?? GRAFANA_ANNOTATION_KINDS);
    this.base = config.endpoint.replace(/\/+$/, '');
    this.headers = { 'content-type': 'application/json', accept: 'application/json', 'user-agent': 'obsynth', ...authHeader(config.auth) };
  }

  async healthcheck(signal?: AbortSignal): Promise<void> {
    let res: globalThis.Response;
    let text: string;
    try {
      res = await fetch(`${this.base}/api/health`, { headers: { accept: 'application/json' }, signal: this.signal(signal) });
      text = await res.text();
    } catch (err) {
      throw unreachable(`${this.base}/api/health`, err);
    }
    if (res.status !== 200) throw new Error(`${this.base}/api/health answered HTTP ${res.status}${text ? `: ${text.slice(0, 300).trim()}` : ''}`);
  }

  async write(batch: readonly ReplayRecord[], signal?: AbortSignal): Promise<WriteResult> {
    if (this.closed) return { status: 'failure', error: new Error(`${this.name} is closed`) };
    let stop: WriteResult | undefined;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (!stop && next < batch.length) {
        const r = batch[next++]!;
        if (this.created.has(r.seq) || this.refused.has(r.seq)) continue;
        const result = await this.post(r, signal);
        if (result === 'created') this.created.add(r.seq);
        else if ('seq' in result) this.refused.set(r.seq, result);
        else stop ??= result;
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.config.concurrency, batch.length) }, worker));
    // Retry later: what was created stays remembered, so the retry only sends the rest.
    if (stop?.status === 'retryable') return stop;
    const rejected = [...this.refused.values()];
    this.created.clear();
    this.refused.clear();
    if (stop) return stop;
    return rejected.length > 0 ? { status: 'success', rejected } : success;
  }

  /** One annotation: created, refused for good (a rejection), or a result that stops the batch. */
  private async post(r: ReplayRecord, signal?: AbortSignal): Promise<'created' | Rejection | WriteResult> {
    let body: string;
    try {
      body = JSON.stringify(annotationRequest(r, this.config));
    } catch (err) {
      return { seq: r.seq, reason: `grafana: ${err instanceof Error ? err.message : String(err)}` };
    }
    let res: Response;
    let text: string;
    try {
      res = await fetch(`${this.base}/api/annotations`, { method: 'POST', headers: this.headers, body, signal: this.signal(signal) });
      text = await res.text();
    } catch (err) {
      return resultOfError(err);
    }
    if (res.status >= 200 && res.status < 300) return 'created';
    const result = resultOfStatus(res.status, text, res.headers.get('retry-after'), this.options.clock.now());
    if (result.status === 'retryable') return result;
    // Bad credentials stop the replay (to be resumed once fixed); other refusals concern this annotation.
    if (res.status === 401 || res.status === 403) return { status: 'failure', exhausted: true, error: new Error(`grafana: HTTP ${res.status}: ${text.slice(0, 200).trim()}`) };
    return { seq: r.seq, reason: `grafana: HTTP ${res.status}: ${grafanaMessage(text)}` };
  }

  private signal(signal?: AbortSignal): AbortSignal {
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    return signal ? AbortSignal.any([signal, timeout]) : timeout;
  }

  async flush(): Promise<void> {}

  async close(): Promise<void> {
    this.closed = true;
  }
}

/** Grafana's {"message": "..."} error body, or the text itself. */
function grafanaMessage(text: string): string {
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    if (typeof parsed.message === 'string') return parsed.message.slice(0, 200);
  } catch {
    // not JSON
  }
  return text.slice(0, 200).trim();
}

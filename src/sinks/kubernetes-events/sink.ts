// Kubernetes Events with the official client (@kubernetes/client-node): created with their
// deterministic names (a resumed replay meets AlreadyExists and counts it delivered), repeated
// events update the series the way the kubelet does, namespaces are created when missing, and a
// client-side QPS/burst limit keeps the API server comfortable. Optionally, container log lines
// are written as CRI log files (/var/log/pods/<ns>_<pod>_<uid>/<container>/0.log) for a log
// shipper in a kind cluster to pick up.
import { appendFileSync, mkdirSync } from 'node:fs';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { join } from 'node:path';
import { CoreV1Api, EventsV1Api, KubeConfig, type RequestContext } from '@kubernetes/client-node';
import type { KubernetesEventBody, KubernetesLogBody, RecordKind } from '../../model/record.js';
import { rebaseRecord } from '../../replay/rebase-body.js';
import type { Clock } from '../../time/clock.js';
import type { KubernetesEventsConfig } from './config.js';
import { resultOfError } from '../retryable.js';
import type { ReplayRecord, Sink, WriteResult } from '../sink.js';
import { toCoreV1, toEventsV1 } from './convert.js';
import { BatchProgress } from '../batch-progress.js';


interface ApiError {
  code?: number;
  body?: unknown;
  message?: string;
}

/** A token bucket on the injected clock. */
class RateLimiter {
  private tokens: number;
  private last: number;

  constructor(
    private readonly qps: number,
    private readonly burst: number,
    private readonly clock: Clock,
  ) {
    this.tokens = burst;
    this.last = clock.monotonic();
  }

  async take(signal?: AbortSignal): Promise<void> {
    for (;;) {
      const now = this.clock.monotonic();
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.qps);
      this.last = now;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await this.clock.sleep(((1 - this.tokens) / this.qps) * 1000, signal);
    }
  }
}

/**
 * A KubeConfig whose API calls share one keep-alive connection pool. client-node 1.x builds a
 * fresh https.Agent for every request, so each one pays a TLS handshake (tens of ms of API
 * server CPU); the TLS options it computes are the same every time, so keep the first agent's.
 */
class PooledKubeConfig extends KubeConfig {
  private pooled: HttpAgent | undefined;

  constructor(private readonly maxSockets: number) {
    super();
  }

  override async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await super.applySecurityAuthentication(context);
    if (!this.pooled) {
      const fresh = context.getAgent();
      const options = { ...(fresh as (HttpAgent & { options?: object }) | undefined)?.options, keepAlive: true, maxSockets: this.maxSockets };
      this.pooled = fresh instanceof HttpsAgent ? new HttpsAgent(options) : new HttpAgent(options);
    }
    context.setAgent(this.pooled);
  }

  closeConnections(): void {
    this.pooled?.destroy();
    this.pooled = undefined;
  }
}

export class KubernetesEventsSink implements Sink {
  readonly kinds: ReadonlySet<RecordKind>;
  private readonly events: EventsV1Api;
  private readonly core: CoreV1Api;
  private readonly limiter: RateLimiter;
  private readonly kc: PooledKubeConfig;
  private readonly namespaces = new Set<string>();
  private readonly progress = new BatchProgress();
  readonly server: string;

  constructor(
    readonly name: string,
    private readonly config: KubernetesEventsConfig,
    kinds: readonly RecordKind[],
    clock: Clock,
  ) {
    this.kinds = new Set(kinds);
    const kc = (this.kc = new PooledKubeConfig(config.concurrency));
    if (config.kubeconfig) kc.loadFromFile(config.kubeconfig);
    else kc.loadFromDefault();
    if (config.context) kc.setCurrentContext(config.context);
    this.server = kc.getCurrentCluster()?.server ?? '(no cluster in kubeconfig)';
    this.events = kc.makeApiClient(EventsV1Api);
    this.core = kc.makeApiClient(CoreV1Api);
    this.limiter = new RateLimiter(config.qps, config.burst, clock);
  }

  async healthcheck(): Promise<void> {
    try {
      await this.core.listNamespace({ limit: 1 });
    } catch (err) {
      throw new Error(`Kubernetes API at ${this.server}: ${describe(err)}`);
    }
  }

  async write(batch: readonly ReplayRecord[], signal?: AbortSignal): Promise<WriteResult> {
    // One lane per Event object, so a series is updated in order; lanes run side by side.
    const lanes = new Map<string, Array<{ seq: number; body: KubernetesEventBody }>>();
    for (const r of batch) {
      if (this.progress.has(r.seq)) continue;
      const rec = rebaseRecord(r.record, r.shiftMs);
      if (rec.kind === 'kubernetes_log') {
        if (this.config.cri_logs_dir) writeCriLine(this.config.cri_logs_dir, rec.body as KubernetesLogBody);
        this.progress.accept(r.seq);
      } else if (rec.kind === 'kubernetes_event') {
        const body = rec.body as KubernetesEventBody;
        const key = `${body.metadata?.namespace}/${body.metadata?.name}`;
        let lane = lanes.get(key);
        if (!lane) lanes.set(key, (lane = []));
        lane.push({ seq: r.seq, body });
      } else this.progress.accept(r.seq);
    }
    const queue = [...lanes.values()];
    let next = 0;
    let failed: { error: unknown } | undefined;
    const worker = async () => {
      while (!failed && next < queue.length) {
        for (const { seq, body } of queue[next++]!) {
          if (failed) return;
          try {
            const reason = await this.createOrUpdate(body, signal);
            if (reason) this.progress.reject(seq, reason);
            else this.progress.accept(seq);
          } catch (error) {
            failed ??= { error };
            return;
          }
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.config.concurrency, queue.length) }, worker));
    if (failed) {
      // What went through stays accepted: the retry sends only the rest.
      const e = failed.error as ApiError;
      if (e.code === 429 || (e.code !== undefined && e.code >= 500)) return { status: 'retryable', error: new Error(describe(e)) };
      if (e.code !== undefined) return { status: 'failure', error: new Error(describe(e)) };
      return resultOfError(failed.error);
    }
    return { status: 'success', rejected: this.progress.finish() };
  }

  /** Creates the event; AlreadyExists means a resent record (or a series update). Returns a rejection reason, if any. */
  private async createOrUpdate(body: KubernetesEventBody, signal?: AbortSignal): Promise<string | undefined> {
    const namespace = body.metadata?.namespace ?? 'default';
    const name = body.metadata?.name ?? '';
    await this.ensureNamespace(namespace, signal);
    await this.limiter.take(signal);
    try {
      if (this.config.api === 'core/v1') await this.core.createNamespacedEvent({ namespace, body: toCoreV1(body) });
      else await this.events.createNamespacedEvent({ namespace, body: toEventsV1(body) });
      return undefined;
    } catch (err) {
      const e = err as ApiError;
      if (e.code === 409) {
        // The kubelet updates a repeating event's series on the existing object.
        if ((body.series?.count ?? 1) < 2) return undefined;
        await this.limiter.take(signal);
        if (this.config.api === 'core/v1') await this.core.replaceNamespacedEvent({ name, namespace, body: toCoreV1(body) });
        else await this.events.replaceNamespacedEvent({ name, namespace, body: toEventsV1(body) });
        return undefined;
      }
      if (e.code === 422 || e.code === 400) return `rejected by the API server: ${describe(err)}`;
      throw err;
    }
  }

  private async ensureNamespace(namespace: string, signal?: AbortSignal): Promise<void> {
    if (this.namespaces.has(namespace) || !this.config.create_namespaces) return;
    await this.limiter.take(signal);
    try {
      await this.core.createNamespace({ body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } } });
    } catch (err) {
      if ((err as ApiError).code !== 409) throw err;
    }
    this.namespaces.add(namespace);
  }

  async flush(): Promise<void> {}

  async close(): Promise<void> {
    this.kc.closeConnections();
  }
}

/** A container log line in the CRI format the kubelet writes: "<time> <stream> <F|P> <line>". */
function writeCriLine(dir: string, b: KubernetesLogBody): void {
  const k = b.kubernetes;
  const folder = join(dir, `${k.namespace_name}_${k.pod_name}_${k.pod_id}`, k.container_name);
  mkdirSync(folder, { recursive: true });
  appendFileSync(join(folder, '0.log'), `${b.time} ${b.stream} ${b._p} ${b.log}\n`);
}

function describe(err: unknown): string {
  const e = err as ApiError;
  const body = typeof e.body === 'string' ? e.body : e.body ? JSON.stringify(e.body) : '';
  const message = (body.match(/"message":"([^"]+)"/)?.[1] ?? e.message ?? String(err)).slice(0, 300);
  return e.code ? `HTTP ${e.code}: ${message}` : message;
}

// CloudWatch metrics and alarms with the official SDK: datapoints through PutMetricData (up to
// 1,000 per call, one namespace per call), the dataset's alarms created with PutMetricAlarm, and
// their state changes reproduced with SetAlarmState at the simulated moment.
import { CloudWatchClient, ListMetricsCommand, PutMetricAlarmCommand, PutMetricDataCommand, SetAlarmStateCommand, type MetricDatum, type PutMetricAlarmCommandInput } from '@aws-sdk/client-cloudwatch';
import type { CloudWatchAlarmBody, CloudWatchMetricBody, RecordKind } from '../../model/record.js';
import { rebaseRecord } from '../../replay/rebase-body.js';
import { DAY, HOUR } from '../../time/calendar.js';
import type { Clock } from '../../time/clock.js';
import type { CloudWatchMetricsConfig } from './config.js';
import { awsSettings, resultOfAwsError } from '../aws/aws-client.js';
import type { Rejection, ReplayRecord, Sink, SinkDocuments, WriteResult } from '../sink.js';
import { BatchProgress } from '../batch-progress.js';

export const MAX_DATUMS_PER_CALL = 1000;
const MAX_AGE_MS = 14 * DAY;
const MAX_AHEAD_MS = 2 * HOUR;


/** The namespace a datum is published under (AWS/... is reserved for AWS itself). */
export function publishedNamespace(namespace: string, prefix: string): string {
  return namespace.startsWith('AWS/') ? `${prefix}${namespace}` : namespace;
}

export class CloudWatchMetricsSink implements Sink {
  readonly kinds: ReadonlySet<RecordKind>;
  private readonly client: CloudWatchClient;
  private readonly alarms = new Set<string>();
  private readonly progress = new BatchProgress();

  constructor(
    readonly name: string,
    private readonly config: CloudWatchMetricsConfig,
    kinds: readonly RecordKind[],
    private readonly clock: Clock,
    env: NodeJS.ProcessEnv,
    timeoutMs: number,
  ) {
    this.kinds = new Set(kinds);
    this.client = new CloudWatchClient({ ...awsSettings(config, env, 'CLOUDWATCH'), requestHandler: { requestTimeout: timeoutMs } } as NonNullable<ConstructorParameters<typeof CloudWatchClient>[0]>);
  }

  async healthcheck(signal?: AbortSignal): Promise<void> {
    try {
      await this.client.send(new ListMetricsCommand({ Namespace: 'Replay/healthcheck' }), { abortSignal: signal });
    } catch (err) {
      // Throttled or busy is reachable: the replay's retries deal with that.
      if (resultOfAwsError(err).status === 'retryable' && (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode) return;
      throw new Error(`CloudWatch: ${(err as Error).name ?? ''} ${(err as Error).message}`.trim());
    }
  }

  async prepare(documents: SinkDocuments, signal?: AbortSignal): Promise<void> {
    if (!this.config.create_alarms || !this.kinds.has('cloudwatch_alarm')) return;
    for (const def of documents.alarmDefinitions) {
      const input = { ...def, Namespace: def.Namespace ? publishedNamespace(def.Namespace, this.config.aws_namespace_prefix) : def.Namespace } as PutMetricAlarmCommandInput;
      if (input.Metrics) input.Metrics = input.Metrics.map((m) => (m.MetricStat?.Metric?.Namespace ? { ...m, MetricStat: { ...m.MetricStat, Metric: { ...m.MetricStat.Metric, Namespace: publishedNamespace(m.MetricStat.Metric.Namespace, this.config.aws_namespace_prefix) } } } : m));
      // Alarm actions would notify real people: a replay never carries them.
      delete input.AlarmActions;
      delete input.OKActions;
      delete input.InsufficientDataActions;
      await this.client.send(new PutMetricAlarmCommand(input), { abortSignal: signal });
      if (input.AlarmName) this.alarms.add(input.AlarmName);
    }
  }

  async write(batch: readonly ReplayRecord[], signal?: AbortSignal): Promise<WriteResult> {
    const now = this.clock.now();
    const rejected: Rejection[] = [];
    const byNamespace = new Map<string, Array<{ seq: number; datum: MetricDatum }>>();
    const alarms: Array<{ seq: number; body: CloudWatchAlarmBody }> = [];
    for (const r of batch) {
      if (this.progress.has(r.seq)) continue;
      const rec = rebaseRecord(r.record, r.shiftMs);
      if (rec.kind === 'cloudwatch_alarm') {
        alarms.push({ seq: r.seq, body: rec.body });
        continue;
      }
      if (rec.kind !== 'cloudwatch_metric') continue;
      const body = rec.body as CloudWatchMetricBody;
      const ns = publishedNamespace(body.Namespace, this.config.aws_namespace_prefix);
      for (const d of body.MetricData) {
        const t = d.Timestamp ? Date.parse(d.Timestamp) : rec.timestamp;
        if (t < now - MAX_AGE_MS) rejected.push({ seq: r.seq, reason: 'older than 2 weeks (PutMetricData rejects it)' });
        else if (t > now + MAX_AHEAD_MS) rejected.push({ seq: r.seq, reason: 'more than 2 hours in the future (PutMetricData rejects it)' });
        else {
          let list = byNamespace.get(ns);
          if (!list) byNamespace.set(ns, (list = []));
          list.push({ seq: r.seq, datum: { ...d, Timestamp: new Date(t) } as MetricDatum });
        }
      }
    }
    try {
      for (const [ns, items] of byNamespace) {
        for (let i = 0; i < items.length; i += MAX_DATUMS_PER_CALL) {
          const call = items.slice(i, i + MAX_DATUMS_PER_CALL);
          await this.client.send(new PutMetricDataCommand({ Namespace: ns, MetricData: call.map((c) => c.datum) }), { abortSignal: signal });
          for (const c of call) this.progress.accept(c.seq);
        }
      }
      for (const a of alarms) {
        const name = a.body.detail.alarmName;
        try {
          await this.client.send(
            new SetAlarmStateCommand({
              AlarmName: name,
              StateValue: a.body.detail.state.value,
              StateReason: a.body.detail.state.reason.slice(0, 1023),
              StateReasonData: a.body.detail.state.reasonData && a.body.detail.state.reasonData.length <= 4000 ? a.body.detail.state.reasonData : undefined,
            }),
            { abortSignal: signal },
          );
        } catch (err) {
          if ((err as Error).name !== 'ResourceNotFound' && (err as Error).name !== 'ResourceNotFoundException') throw err;
          this.progress.reject(a.seq, `alarm ${name} does not exist (create_alarms off, or not in the dataset's alarm definitions)`);
          continue;
        }
        this.progress.accept(a.seq);
      }
    } catch (err) {
      return resultOfAwsError(err);
    }
    rejected.push(...this.progress.finish());
    return { status: 'success', rejected };
  }

  async flush(): Promise<void> {}

  async close(): Promise<void> {
    this.client.destroy();
  }
}

// CloudWatch Logs with the official SDK: log groups and streams created when missing (with an
// optional retention), PutLogEvents calls shaped by the service's rules (batches.ts), and
// every event it refuses reported with the reason.
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DescribeLogGroupsCommand,
  PutLogEventsCommand,
  PutRetentionPolicyCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import type { KubernetesLogBody, RecordKind } from '../../model/record.js';
import { rebaseRecord } from '../../replay/rebase-body.js';
import type { Clock } from '../../time/clock.js';
import type { CloudWatchLogsConfig } from './config.js';
import { awsSettings, resultOfAwsError } from '../aws/aws-client.js';
import type { Rejection, ReplayRecord, Sink, WriteResult } from '../sink.js';
import { planPutLogEvents, type LogEvent } from './batches.js';
import { BatchProgress } from '../batch-progress.js';


interface Target {
  group: string;
  stream: string;
}

/** Group, stream and message of a record, as it would be shipped. */
export function targetOf(r: ReplayRecord, config: CloudWatchLogsConfig): (Target & { event: LogEvent }) | undefined {
  const rec = rebaseRecord(r.record, r.shiftMs);
  if (rec.kind === 'cloudwatch_log') {
    const e = rec.body.logEvents?.[0];
    if (!e || !rec.body.logGroupName || !rec.body.logStreamName) return undefined;
    return { group: config.group_prefix + rec.body.logGroupName, stream: rec.body.logStreamName, event: { seq: r.seq, timestamp: e.timestamp ?? rec.timestamp, message: e.message ?? '' } };
  }
  if (rec.kind === 'kubernetes_log') {
    // As Fluent Bit's Container Insights configuration ships them.
    const b = rec.body as KubernetesLogBody;
    const k = b.kubernetes;
    return {
      group: `${config.group_prefix}/aws/containerinsights/${config.cluster_name}/application`,
      stream: `${k.host}-application.var.log.containers.${k.pod_name}_${k.namespace_name}_${k.container_name}-${k.docker_id}.log`,
      event: { seq: r.seq, timestamp: rec.timestamp, message: JSON.stringify(b) },
    };
  }
  return undefined;
}

export class CloudWatchLogsSink implements Sink {
  readonly kinds: ReadonlySet<RecordKind>;
  private readonly client: CloudWatchLogsClient;
  private readonly knownGroups = new Set<string>();
  private readonly knownStreams = new Set<string>();
  /** Events already accepted while a batch is being retried: a retry must not send them twice. */
  private readonly progress = new BatchProgress();

  constructor(
    readonly name: string,
    private readonly config: CloudWatchLogsConfig,
    kinds: readonly RecordKind[],
    private readonly clock: Clock,
    env: NodeJS.ProcessEnv,
    timeoutMs: number,
  ) {
    this.kinds = new Set(kinds);
    this.client = new CloudWatchLogsClient({ ...awsSettings(config, env, 'CLOUDWATCH_LOGS'), requestHandler: { requestTimeout: timeoutMs } } as NonNullable<ConstructorParameters<typeof CloudWatchLogsClient>[0]>);
  }

  async healthcheck(signal?: AbortSignal): Promise<void> {
    try {
      await this.client.send(new DescribeLogGroupsCommand({ limit: 1 }), { abortSignal: signal });
    } catch (err) {
      // Throttled or busy is reachable: the replay's retries deal with that.
      if (resultOfAwsError(err).status === 'retryable' && (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode) return;
      throw new Error(`CloudWatch Logs at ${await this.where()}: ${(err as Error).name ?? ''} ${(err as Error).message}`.trim());
    }
  }

  private async where(): Promise<string> {
    const ep = this.client.config.endpoint ? await this.client.config.endpoint() : undefined;
    return ep ? `${ep.protocol}//${ep.hostname}${ep.port ? `:${ep.port}` : ''}` : `region ${await this.client.config.region()}`;
  }

  async write(batch: readonly ReplayRecord[], signal?: AbortSignal): Promise<WriteResult> {
    const byStream = new Map<string, { target: Target; events: LogEvent[] }>();
    const rejected: Rejection[] = [];
    for (const r of batch) {
      if (this.progress.has(r.seq)) continue;
      const t = targetOf(r, this.config);
      if (!t) {
        rejected.push({ seq: r.seq, reason: `a ${r.record.kind} record without a log group, stream or event` });
        continue;
      }
      const key = `${t.group}\u0000${t.stream}`;
      let entry = byStream.get(key);
      if (!entry) byStream.set(key, (entry = { target: t, events: [] }));
      entry.events.push(t.event);
    }
    try {
      for (const { target, events } of byStream.values()) {
        const plan = planPutLogEvents(events, this.clock.now());
        rejected.push(...plan.rejected);
        for (const call of plan.calls) {
          await this.ensure(target, signal);
          const out = await this.client.send(
            new PutLogEventsCommand({ logGroupName: target.group, logStreamName: target.stream, logEvents: call.map((e) => ({ timestamp: e.timestamp, message: e.message })) }),
            { abortSignal: signal },
          );
          for (const e of call) this.progress.accept(e.seq);
          const info = out.rejectedLogEventsInfo;
          if (info) {
            call.forEach((e, i) => {
              let reason: string | undefined;
              if (info.tooNewLogEventStartIndex !== undefined && i >= info.tooNewLogEventStartIndex) reason = 'too new (CloudWatch Logs rejectedLogEventsInfo)';
              else if (info.tooOldLogEventEndIndex !== undefined && i < info.tooOldLogEventEndIndex) reason = 'too old (CloudWatch Logs rejectedLogEventsInfo)';
              else if (info.expiredLogEventEndIndex !== undefined && i < info.expiredLogEventEndIndex) reason = 'older than the retention (CloudWatch Logs rejectedLogEventsInfo)';
              // Kept across a retry of the batch: these calls are not made again.
              if (reason) this.progress.reject(e.seq, reason);
            });
          }
        }
      }
    } catch (err) {
      // Calls that succeeded are remembered in `progress`: the retry sends only the rest.
      return resultOfAwsError(err);
    }
    rejected.push(...this.progress.finish());
    return { status: 'success', rejected };
  }

  /** Creates the group and stream once, tolerating "already exists". */
  private async ensure(target: Target, signal?: AbortSignal): Promise<void> {
    const streamKey = `${target.group}\u0000${target.stream}`;
    if (this.knownStreams.has(streamKey) || !this.config.create_missing) return;
    if (!this.knownGroups.has(target.group)) {
      try {
        await this.client.send(new CreateLogGroupCommand({ logGroupName: target.group }), { abortSignal: signal });
        if (this.config.retention_days) await this.client.send(new PutRetentionPolicyCommand({ logGroupName: target.group, retentionInDays: this.config.retention_days }), { abortSignal: signal });
      } catch (err) {
        if ((err as Error).name !== 'ResourceAlreadyExistsException') throw err;
      }
      this.knownGroups.add(target.group);
    }
    try {
      await this.client.send(new CreateLogStreamCommand({ logGroupName: target.group, logStreamName: target.stream }), { abortSignal: signal });
    } catch (err) {
      if ((err as Error).name !== 'ResourceAlreadyExistsException') throw err;
    }
    this.knownStreams.add(streamKey);
  }

  async flush(): Promise<void> {}

  async close(): Promise<void> {
    this.client.destroy();
  }
}

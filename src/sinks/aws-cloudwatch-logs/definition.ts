// The aws_cloudwatch_logs entry of the sink registry.
import type { SinkType } from '../registry.js';
import { cloudWatchLogsSchema, type CloudWatchLogsConfig } from './config.js';

export const AWS_CLOUDWATCH_LOGS_SINK: SinkType = {
  type: 'aws_cloudwatch_logs',
  description: 'CloudWatch Logs (PutLogEvents, groups and streams created when missing); LocalStack or moto with endpoint',
  kinds: ['cloudwatch_log', 'kubernetes_log'],
  schema: cloudWatchLogsSchema,
  defaults: () => ({ type: 'aws_cloudwatch_logs', kinds: ['cloudwatch_log'] }),
  create: async (config, ctx) => {
    const { CloudWatchLogsSink } = await import('./sink.js');
    return new CloudWatchLogsSink(ctx.name, config as CloudWatchLogsConfig, ctx.kinds, ctx.clock, ctx.env, ctx.timeoutMs);
  },
};

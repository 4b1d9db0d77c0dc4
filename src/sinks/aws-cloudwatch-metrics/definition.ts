// The aws_cloudwatch_metrics entry of the sink registry.
import type { SinkType } from '../registry.js';
import { cloudWatchMetricsSchema, type CloudWatchMetricsConfig } from './config.js';

export const AWS_CLOUDWATCH_METRICS_SINK: SinkType = {
  type: 'aws_cloudwatch_metrics',
  description: 'CloudWatch metrics (PutMetricData) and alarms (PutMetricAlarm + SetAlarmState at the simulated time)',
  kinds: ['cloudwatch_metric', 'cloudwatch_alarm'],
  schema: cloudWatchMetricsSchema,
  defaults: () => ({ type: 'aws_cloudwatch_metrics' }),
  create: async (config, ctx) => {
    const { CloudWatchMetricsSink } = await import('./sink.js');
    return new CloudWatchMetricsSink(ctx.name, config as CloudWatchMetricsConfig, ctx.kinds, ctx.clock, ctx.env, ctx.timeoutMs);
  },
};

// The aws_cloudwatch_metrics block of a sinks file.
import { z } from 'zod';
import { awsKeys } from '../aws/aws-client.js';

export const cloudWatchMetricsSchema = z.strictObject({
  type: z.literal('aws_cloudwatch_metrics'),
  ...awsKeys,
  /** PutMetricData refuses namespaces starting with "AWS/": they are published under this prefix. */
  aws_namespace_prefix: z.string().regex(/^[\w.\-#:/]+\/$/, 'must end with "/" (e.g. Replay/)').default('Replay/'),
  /** Create the dataset's alarms (PutMetricAlarm) before replaying (default true). */
  create_alarms: z.boolean().default(true),
});
export type CloudWatchMetricsConfig = z.infer<typeof cloudWatchMetricsSchema>;

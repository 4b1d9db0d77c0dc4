// The aws_cloudwatch_logs block of a sinks file.
import { z } from 'zod';
import { awsKeys } from '../aws/aws-client.js';

export const cloudWatchLogsSchema = z.strictObject({
  type: z.literal('aws_cloudwatch_logs'),
  ...awsKeys,
  /** Create log groups and streams that do not exist (default true). */
  create_missing: z.boolean().default(true),
  /** Retention for groups it creates. */
  retention_days: z.union([z.literal(1), z.literal(3), z.literal(5), z.literal(7), z.literal(14), z.literal(30), z.literal(60), z.literal(90), z.literal(120), z.literal(150), z.literal(180), z.literal(365)]).optional(),
  /** Prefix added to every log group name (e.g. /obsynth). */
  group_prefix: z.string().regex(/^(\/[\w.#-]+)*$/, 'must look like /a/b').default(''),
  /** Where Kubernetes container logs go (Container Insights layout). */
  cluster_name: z.string().min(1).default('shop-prod'),
});
export type CloudWatchLogsConfig = z.infer<typeof cloudWatchLogsSchema>;

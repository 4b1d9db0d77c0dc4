// What the AWS sinks share: the standard configuration (region, endpoint for LocalStack or
// moto, the default credentials chain) and how AWS SDK errors map to retry decisions.
import { z } from 'zod';
import type { WriteResult } from '../sink.js';
import { resultOfError } from '../retryable.js';

export const awsKeys = {
  /** Default: AWS_REGION, then AWS_DEFAULT_REGION, then us-east-1. */
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region like us-east-1').optional(),
  /** LocalStack/moto: http://localhost:4566. Default: AWS_ENDPOINT_URL_<SERVICE>, then AWS_ENDPOINT_URL. */
  endpoint: z.string().url().optional(),
};

export interface AwsClientSettings {
  region: string;
  endpoint?: string;
  /** Our retry loop decides; the SDK must not retry behind its back. */
  maxAttempts: 1;
  requestHandler?: unknown;
}

export function awsSettings(config: { region?: string; endpoint?: string }, env: NodeJS.ProcessEnv, serviceEnvKey: string): AwsClientSettings {
  const endpoint = config.endpoint ?? env[`AWS_ENDPOINT_URL_${serviceEnvKey}`] ?? env.AWS_ENDPOINT_URL;
  return { region: config.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1', ...(endpoint ? { endpoint } : {}), maxAttempts: 1 };
}

const RETRYABLE_NAMES = new Set(['ThrottlingException', 'Throttling', 'ThrottledException', 'RequestLimitExceeded', 'ServiceUnavailableException', 'ServiceUnavailable', 'InternalServerException', 'InternalFailure', 'InternalServiceFault', 'OperationAbortedException', 'LimitExceededException', 'RequestTimeout', 'RequestTimeoutException']);

/** An AWS SDK error as a write result: throttling, 5xx and transport errors retry. */
export function resultOfAwsError(err: unknown): WriteResult {
  const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number }; $retryable?: unknown };
  const status = e.$metadata?.httpStatusCode;
  const error = err instanceof Error ? err : new Error(String(err));
  if ((e.name && RETRYABLE_NAMES.has(e.name)) || e.$retryable || (status !== undefined && (status === 429 || status >= 500))) {
    return { status: 'retryable', error: new Error(`${e.name ?? 'error'}: ${e.message ?? ''}`.trim()) };
  }
  if (status === undefined) return resultOfError(error);
  return { status: 'failure', error: new Error(`${e.name ?? `HTTP ${status}`}: ${e.message ?? ''}`.trim()) };
}

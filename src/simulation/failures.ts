// Why a request failed, independent of language: the generators turn a failure class into the
// exception, log line and status code a real service of that language would produce.
import type { IncidentType } from '../config/schema.js';

export type FailureClass =
  // everyday bugs, present without any incident
  | 'null_reference'
  | 'validation'
  | 'serialization'
  | 'conflict'
  // what incidents cause
  | 'out_of_memory'
  | 'startup_crash'
  | 'pool_timeout'
  | 'connect_timeout'
  | 'request_timeout'
  | 'no_space'
  | 'rate_limited'
  | 'statement_timeout'
  | 'consumer_timeout'
  | 'cert_expired'
  | 'dns_lookup'
  | 'circuit_open'
  // a dependency answered with an error
  | 'upstream_error';

export const BASELINE_FAILURES: readonly FailureClass[] = ['null_reference', 'validation', 'serialization', 'conflict'];

/** The failure an incident of each type makes where it starts, and where it has spread to. */
export const INCIDENT_FAILURES: Readonly<Record<IncidentType, { root: FailureClass; propagated: FailureClass }>> = {
  memory_leak: { root: 'out_of_memory', propagated: 'upstream_error' },
  bad_deployment: { root: 'startup_crash', propagated: 'upstream_error' },
  db_pool_exhaustion: { root: 'pool_timeout', propagated: 'upstream_error' },
  network_partition: { root: 'connect_timeout', propagated: 'connect_timeout' },
  cpu_throttling: { root: 'request_timeout', propagated: 'request_timeout' },
  disk_full: { root: 'no_space', propagated: 'upstream_error' },
  rate_limiting: { root: 'rate_limited', propagated: 'rate_limited' },
  cache_stampede: { root: 'statement_timeout', propagated: 'statement_timeout' },
  queue_backlog: { root: 'consumer_timeout', propagated: 'request_timeout' },
  certificate_expiry: { root: 'cert_expired', propagated: 'cert_expired' },
  dns_failure: { root: 'dns_lookup', propagated: 'dns_lookup' },
  cascading_failure: { root: 'request_timeout', propagated: 'circuit_open' },
};

/** HTTP status a server answers with for a failure. */
export function statusFor(failure: FailureClass): number {
  switch (failure) {
    case 'validation':
      return 422;
    case 'conflict':
      return 409;
    case 'rate_limited':
      return 429;
    case 'pool_timeout':
    case 'circuit_open':
    case 'startup_crash':
      return 503;
    case 'request_timeout':
    case 'connect_timeout':
    case 'statement_timeout':
    case 'consumer_timeout':
      return 504;
    case 'upstream_error':
    case 'cert_expired':
    case 'dns_lookup':
      return 502;
    default:
      return 500;
  }
}

/** Whether the failure is the client's fault (4xx, not reported as an error to Sentry). */
export function isClientError(failure: FailureClass): boolean {
  return failure === 'validation' || failure === 'conflict';
}

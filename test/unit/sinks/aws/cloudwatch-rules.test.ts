import { describe, expect, it } from 'vitest';
import { EVENT_OVERHEAD, MAX_BYTES, MAX_EVENTS, planPutLogEvents } from '../../../../src/sinks/aws-cloudwatch-logs/batches.js';
import { publishedNamespace } from '../../../../src/sinks/aws-cloudwatch-metrics/sink.js';
import { resultOfAwsError } from '../../../../src/sinks/aws/aws-client.js';
import { DAY, HOUR, MINUTE } from '../../../../src/time/calendar.js';

const NOW = Date.UTC(2026, 10, 29, 12);

describe('PutLogEvents planning', () => {
  it('sorts events by time and keeps each call under 10,000 events', () => {
    const events = Array.from({ length: 25_000 }, (_, i) => ({ seq: i, timestamp: NOW - HOUR + ((i * 7919) % 3600) * 1000, message: 'x' }));
    const plan = planPutLogEvents(events, NOW);
    expect(plan.rejected).toEqual([]);
    expect(plan.calls.map((c) => c.length)).toEqual([MAX_EVENTS, MAX_EVENTS, 5000]);
    const flat = plan.calls.flat();
    for (let i = 1; i < flat.length; i++) expect(flat[i]!.timestamp).toBeGreaterThanOrEqual(flat[i - 1]!.timestamp);
  });

  it('keeps each call under 1,048,576 bytes counting 26 bytes per event', () => {
    const message = 'y'.repeat(10_000);
    const plan = planPutLogEvents(Array.from({ length: 300 }, (_, i) => ({ seq: i, timestamp: NOW - i, message })), NOW);
    for (const call of plan.calls) expect(call.reduce((a, e) => a + e.message.length + EVENT_OVERHEAD, 0)).toBeLessThanOrEqual(MAX_BYTES);
    expect(plan.calls.length).toBe(3);
  });

  it('never spans more than 24 hours in one call', () => {
    const plan = planPutLogEvents([0, 10 * HOUR, 23 * HOUR, 25 * HOUR, 30 * HOUR].map((d, i) => ({ seq: i, timestamp: NOW - 13 * DAY + d, message: 'm' })), NOW);
    expect(plan.calls.map((c) => c.map((e) => e.seq))).toEqual([[0, 1, 2], [3, 4]]);
  });

  it('reports events outside [now - 14 days, now + 2 hours], empty or too big, never drops them silently', () => {
    const plan = planPutLogEvents(
      [
        { seq: 1, timestamp: NOW - 15 * DAY, message: 'old' },
        { seq: 2, timestamp: NOW + 3 * HOUR, message: 'future' },
        { seq: 3, timestamp: NOW - MINUTE, message: '' },
        { seq: 4, timestamp: NOW - MINUTE, message: 'z'.repeat(300_000) },
        { seq: 5, timestamp: NOW - MINUTE, message: 'fine' },
      ],
      NOW,
    );
    expect(plan.calls.flat().map((e) => e.seq)).toEqual([5]);
    expect(plan.rejected.map((r) => r.seq)).toEqual([1, 2, 3, 4]);
    expect(plan.rejected[0]!.reason).toMatch(/older than 14 days/);
    expect(plan.rejected[1]!.reason).toMatch(/2 hours in the future/);
  });
});

describe('CloudWatch metrics', () => {
  it('publishes AWS namespaces under a prefix (PutMetricData refuses AWS/)', () => {
    expect(publishedNamespace('AWS/ApplicationELB', 'Replay/')).toBe('Replay/AWS/ApplicationELB');
    expect(publishedNamespace('Shop/Application', 'Replay/')).toBe('Shop/Application');
  });
});

describe('AWS error classification', () => {
  it('retries throttling and server errors, not bad requests', () => {
    expect(resultOfAwsError(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } })).status).toBe('retryable');
    expect(resultOfAwsError(Object.assign(new Error('boom'), { name: 'InternalFailure', $metadata: { httpStatusCode: 500 } })).status).toBe('retryable');
    expect(resultOfAwsError(Object.assign(new Error('bad'), { name: 'InvalidParameterException', $metadata: { httpStatusCode: 400 } })).status).toBe('failure');
    expect(resultOfAwsError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })).status).toBe('retryable');
  });
});

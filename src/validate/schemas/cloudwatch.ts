// CloudWatch bodies: one PutMetricData datum, one PutLogEvents event, an EventBridge
// "CloudWatch Alarm State Change". Sources: the AWS API models (Smithy
// codegen/sdk-codegen/aws-models/cloudwatch.json and cloudwatch-logs.json in aws/aws-sdk-js-v3;
// the same constraints ship in botocore's service-2.json), the CloudWatch API reference
// (MetricDatum, Dimension, PutMetricData, PutMetricAlarm) and the CloudWatch user guide's
// EventBridge alarm event example.
import { z } from 'zod';
import type { CloudWatchMetricBody } from '../../model/record.js';
import { note, type BodyNote } from './body-note.js';
import { ASCII, cloudWatchStateTime, epochMillis, eventBridgeTime, rfc3339, utf8Length, uuid } from './rules.js';

const NON_BLANK = /\S/;

// ---- PutMetricData ----------------------------------------------------------------------------

/** MetricDatum docs: values outside ±2^360, NaN and ±Infinity are rejected. */
const LIMIT = 2 ** 360;
const datapoint = z.number().finite().refine((v) => Math.abs(v) <= LIMIT, 'must be within ±2^360 (CloudWatch rejects larger values)');

/** Model: Namespace 1-255, pattern [^:].* */
const namespace = z.string().min(1).max(255).regex(/^[^:]/, 'must not start with ":"').regex(ASCII, 'must be ASCII');

/** Model: DimensionName 1-255, DimensionValue 1-1024; API reference: ASCII, a non-whitespace character, names not starting with ":". */
const dimension = z.strictObject({
  Name: z.string().min(1).max(255).regex(NON_BLANK, 'must contain a non-whitespace character').regex(ASCII, 'must be ASCII (Dimension.Name)').regex(/^[^:]/, 'must not start with ":" (Dimension.Name)'),
  Value: z.string().min(1).max(1024).regex(NON_BLANK, 'must contain a non-whitespace character').regex(ASCII, 'must be ASCII (Dimension.Value)'),
});

/** Model: StandardUnit. */
const standardUnit = z.enum([
  'Seconds',
  'Microseconds',
  'Milliseconds',
  'Bytes',
  'Kilobytes',
  'Megabytes',
  'Gigabytes',
  'Terabytes',
  'Bits',
  'Kilobits',
  'Megabits',
  'Gigabits',
  'Terabits',
  'Percent',
  'Count',
  'Bytes/Second',
  'Kilobytes/Second',
  'Megabytes/Second',
  'Gigabytes/Second',
  'Terabytes/Second',
  'Bits/Second',
  'Kilobits/Second',
  'Megabits/Second',
  'Gigabits/Second',
  'Terabits/Second',
  'Count/Second',
  'None',
]);

/** Model: StatisticSet, all four members required. */
const statisticSet = z
  .strictObject({ SampleCount: datapoint, Sum: datapoint, Minimum: datapoint, Maximum: datapoint })
  .superRefine((s, ctx) => {
    // Logic: a summary of SampleCount values between Minimum and Maximum.
    if (!(s.SampleCount > 0)) ctx.addIssue({ code: 'custom', path: ['SampleCount'], input: s.SampleCount, message: 'must be > 0 for a set of samples' });
    if (s.Minimum > s.Maximum) ctx.addIssue({ code: 'custom', path: ['Minimum'], input: s.Minimum, message: `exceeds Maximum ${s.Maximum}` });
    const slack = 1e-6 * Math.max(1, Math.abs(s.Sum));
    if (s.SampleCount > 0 && s.Minimum <= s.Maximum && (s.Sum < s.Minimum * s.SampleCount - slack || s.Sum > s.Maximum * s.SampleCount + slack)) {
      ctx.addIssue({ code: 'custom', path: ['Sum'], input: s.Sum, message: `is outside [Minimum, Maximum] x SampleCount = [${s.Minimum * s.SampleCount}, ${s.Maximum * s.SampleCount}]` });
    }
  });

const metricDatum = z
  .strictObject({
    MetricName: z.string().min(1).max(255).regex(NON_BLANK, 'must contain a non-whitespace character'),
    // Model: Dimensions at most 30.
    Dimensions: z.array(dimension).max(30).optional(),
    Timestamp: rfc3339.optional(),
    Value: datapoint.optional(),
    StatisticValues: statisticSet.optional(),
    // PutMetricData docs: up to 150 unique values; Counts, when given, pairs with Values.
    Values: z.array(datapoint).max(150).optional(),
    Counts: z.array(datapoint).optional(),
    Unit: standardUnit.optional(),
    // MetricDatum docs: 1 (high resolution) or 60 (standard).
    StorageResolution: z.union([z.literal(1), z.literal(60)]).optional(),
  })
  .superRefine((d, ctx) => {
    // PutMetricData: Value, StatisticValues and Values are mutually exclusive, and one is needed.
    const given = (['Value', 'StatisticValues', 'Values'] as const).filter((k) => d[k] !== undefined);
    if (given.length !== 1) ctx.addIssue({ code: 'custom', path: given.length > 1 ? [given[1]!] : ['Value'], input: given.length > 1 ? d[given[1]!] : undefined, message: given.length > 1 ? `cannot be combined with ${given[0]} (InvalidParameterCombination)` : 'one of Value, StatisticValues, Values is required' });
    if (d.Counts !== undefined && d.Counts.length !== (d.Values?.length ?? -1)) ctx.addIssue({ code: 'custom', path: ['Counts'], input: d.Counts.length, message: `must have as many items as Values (${d.Values?.length ?? 0})` });
    const names = new Set<string>();
    d.Dimensions?.forEach((dim, i) => {
      if (names.has(dim.Name)) ctx.addIssue({ code: 'custom', path: ['Dimensions', i, 'Name'], input: dim.Name, message: 'appears twice (a metric has one value per dimension name)' });
      names.add(dim.Name);
    });
  });

export const cloudWatchMetricBody = z.strictObject({
  Namespace: namespace,
  // Our layout: one datum per record.
  MetricData: z.array(metricDatum).length(1, 'must hold exactly one datum (one record per datum)'),
});

export const cloudWatchMetricNotes: BodyNote[] = [
  note<CloudWatchMetricBody>(
    'Namespace starts with "AWS/": PutMetricData rejects it (reserved for AWS), but it is how CloudWatch itself reports AWS metrics; a replay must rename it',
    'PutMetricData API reference (Namespace)',
    (b) => (b.Namespace?.startsWith('AWS/') ? { path: 'Namespace', value: b.Namespace } : undefined),
  ),
];

// ---- PutLogEvents -----------------------------------------------------------------------------

/** CloudWatch Logs quotas: an event is at most 256 KiB, counted as message bytes + 26. */
const MAX_EVENT_BYTES = 256 * 1024;

const inputLogEvent = z.strictObject({
  timestamp: epochMillis,
  message: z
    .string()
    .min(1)
    .refine((m) => utf8Length(m) + 26 <= MAX_EVENT_BYTES, `must be at most ${MAX_EVENT_BYTES - 26} bytes (256 KiB per event including 26 bytes of overhead)`),
});

export const cloudWatchLogBody = z.strictObject({
  // Model: LogGroupName 1-512, [\.\-_/#A-Za-z0-9]+
  logGroupName: z.string().min(1).max(512).regex(/^[.\-_/#A-Za-z0-9]+$/, 'must match [.-_/#A-Za-z0-9]+ (LogGroupName)'),
  // Model: LogStreamName 1-512, [^:*]*
  logStreamName: z.string().min(1).max(512).regex(/^[^:*]*$/, 'must not contain ":" or "*" (LogStreamName)'),
  // Model: InputLogEvents 1-10,000; our layout: one event per record.
  logEvents: z.array(inputLogEvent).length(1, 'must hold exactly one event (one record per event)'),
  sequenceToken: z.string().min(1).optional(),
});

// ---- EventBridge alarm state change -----------------------------------------------------------

const alarmState = z.strictObject({
  value: z.enum(['OK', 'ALARM', 'INSUFFICIENT_DATA']),
  reason: z.string().min(1),
  // CloudWatch sends reasonData as a JSON document in a string.
  reasonData: z
    .string()
    .refine((s) => {
      try {
        JSON.parse(s);
        return true;
      } catch {
        return false;
      }
    }, 'must be a JSON document')
    .optional(),
  timestamp: cloudWatchStateTime,
});

/** PutMetricAlarm docs: Period is 10, 20 or 30 (high resolution) or a multiple of 60. */
const period = z
  .number()
  .int()
  .refine((p) => p === 10 || p === 20 || p === 30 || (p > 0 && p % 60 === 0), 'must be 10, 20, 30 or a multiple of 60 (PutMetricAlarm Period)');

/** A statistic or an extended statistic (p99, p99.9, tm90, ...). */
const stat = z.string().regex(/^(SampleCount|Average|Sum|Minimum|Maximum|(p|tm|wm|tc|ts|pr|iqm)\d{0,2}(\.\d{1,10})?(\(.*\))?)$/, 'must be a CloudWatch statistic (Average, Sum, p99, ...)');

const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

export const cloudWatchAlarmBody = z
  .strictObject({
    version: z.literal('0'),
    id: uuid,
    'detail-type': z.literal('CloudWatch Alarm State Change'),
    source: z.literal('aws.cloudwatch'),
    account: z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id'),
    time: eventBridgeTime,
    region: z.string().regex(REGION, 'must be an AWS region like us-east-1'),
    resources: z.array(z.string().regex(/^arn:aws[a-z-]*:cloudwatch:[a-z0-9-]+:\d{12}:alarm:.+$/, 'must be a CloudWatch alarm ARN')).length(1),
    detail: z.strictObject({
      // PutMetricAlarm: AlarmName 1-255.
      alarmName: z.string().min(1).max(255),
      state: alarmState,
      previousState: alarmState,
      configuration: z.strictObject({
        description: z.string().max(1024).optional(),
        metrics: z
          .array(
            z.strictObject({
              id: z.string().min(1),
              metricStat: z.strictObject({
                metric: z.strictObject({ namespace, name: z.string().min(1).max(255), dimensions: z.record(z.string().min(1).max(255), z.string().min(1).max(1024)) }),
                period,
                stat,
              }),
              returnData: z.boolean(),
            }),
          )
          .min(1),
      }),
    }),
  })
  .superRefine((a, ctx) => {
    // Consistency: the ARN names this alarm in this account and region.
    const arn = a.resources?.[0];
    const expected = `arn:aws:cloudwatch:${a.region}:${a.account}:alarm:${a.detail?.alarmName}`;
    if (arn !== undefined && arn !== expected) ctx.addIssue({ code: 'custom', path: ['resources', 0], input: arn, message: `does not match the alarm, account and region (expected ${expected})` });
    // A state-change event is only sent when the state changes.
    if (a.detail?.state?.value !== undefined && a.detail.state.value === a.detail.previousState?.value) {
      ctx.addIssue({ code: 'custom', path: ['detail', 'state', 'value'], input: a.detail.state.value, message: 'equals previousState.value; CloudWatch sends this event only on a change' });
    }
  });

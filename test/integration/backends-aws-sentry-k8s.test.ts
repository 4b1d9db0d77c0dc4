// Smoke test of the real backends behind the CloudWatch, Sentry and Kubernetes sinks
// (test/support/backends.ts): each starts natively, accepts data through the official client the
// sinks use, and gives it back. Install: `bash test/backends/install-all.sh` (.ci/run does it;
// kube-apiserver + etcd take ~10-15 min to build the first time). Nothing here is skipped.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CloudWatchClient,
  DescribeAlarmHistoryCommand,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  PutMetricAlarmCommand,
  PutMetricDataCommand,
  SetAlarmStateCommand,
} from '@aws-sdk/client-cloudwatch';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DescribeLogGroupsCommand,
  GetLogEventsCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { CoreV1Api, EventsV1Api, KubeConfig, V1MicroTime, type EventsV1Event } from '@kubernetes/client-node';
import type { Event as SentryEvent, SpanJSON } from '@sentry/core';
import { NodeClient, defaultStackParser, makeNodeTransport } from '@sentry/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startKubernetes,
  startMoto,
  startSpotlight,
  type KubernetesServer,
  type MotoServer,
  type SpotlightServer,
} from '../support/backends.js';

// One unique value per run, so a reused data dir could never satisfy a read-back.
const runId = `smoke-${process.pid}-${Date.now().toString(36)}`;
const nowMs = Date.now();
const HOUR_MS = 3_600_000;

describe('moto (CloudWatch Logs and CloudWatch through the AWS SDK v3)', () => {
  let moto: MotoServer;
  let logs: CloudWatchLogsClient;
  let cloudwatch: CloudWatchClient;
  beforeAll(async () => {
    moto = await startMoto();
    const config = { endpoint: moto.endpoint, region: moto.region, credentials: moto.credentials };
    logs = new CloudWatchLogsClient(config);
    cloudwatch = new CloudWatchClient(config);
  });
  afterAll(async () => {
    logs?.destroy();
    cloudwatch?.destroy();
    await moto?.stop();
  });

  it('stores log events with their own (days old) timestamps and returns them in order', async () => {
    const logGroupName = `/obsynth/${runId}`;
    const logStreamName = 'checkout/pod-1';
    await logs.send(new CreateLogGroupCommand({ logGroupName }));
    await logs.send(new CreateLogStreamCommand({ logGroupName, logStreamName }));
    const events = [
      { timestamp: nowMs - 3 * 24 * HOUR_MS, message: `level=error msg="payment declined" run=${runId}` },
      { timestamp: nowMs - HOUR_MS, message: 'level=info msg="recovered"' },
    ];
    const put = await logs.send(new PutLogEventsCommand({ logGroupName, logStreamName, logEvents: events }));
    expect(put.rejectedLogEventsInfo).toBeUndefined();

    const got = await logs.send(new GetLogEventsCommand({ logGroupName, logStreamName, startFromHead: true }));
    expect(got.events?.map((e) => ({ timestamp: e.timestamp, message: e.message }))).toEqual(events);
  });

  it('stores metric data points hours old and returns them with GetMetricData (AWS JSON 1.0)', async () => {
    const Namespace = `Obsynth/${runId}`;
    const Dimensions = [{ Name: 'Service', Value: 'checkout' }];
    const minute = (ms: number): number => Math.floor(ms / 60_000) * 60_000;
    const old = minute(nowMs - 6 * HOUR_MS);
    const recent = minute(nowMs - 10 * 60_000);
    await cloudwatch.send(
      new PutMetricDataCommand({
        Namespace,
        MetricData: [
          { MetricName: 'Errors', Dimensions, Timestamp: new Date(old), Value: 3, Unit: 'Count' },
          { MetricName: 'Errors', Dimensions, Timestamp: new Date(recent), Value: 11, Unit: 'Count' },
        ],
      }),
    );
    const result = await cloudwatch.send(
      new GetMetricDataCommand({
        StartTime: new Date(old - HOUR_MS),
        EndTime: new Date(nowMs + 60_000),
        MetricDataQueries: [{ Id: 'errors', MetricStat: { Metric: { Namespace, MetricName: 'Errors', Dimensions }, Period: 60, Stat: 'Sum' } }],
      }),
    );
    const series = result.MetricDataResults?.[0];
    expect(series?.StatusCode).toBe('Complete');
    const points = (series?.Timestamps ?? []).map((t, i) => [t.getTime(), series?.Values?.[i]]).sort(([a], [b]) => Number(a) - Number(b));
    expect(points).toEqual([
      [old, 3],
      [recent, 11],
    ]);
  });

  it('keeps an alarm state set with SetAlarmState; DescribeAlarmHistory is not implemented', async () => {
    const AlarmName = `obsynth-${runId}-checkout-errors`;
    await cloudwatch.send(
      new PutMetricAlarmCommand({
        AlarmName,
        Namespace: `Obsynth/${runId}`,
        MetricName: 'Errors',
        Statistic: 'Sum',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 5,
        ComparisonOperator: 'GreaterThanThreshold',
      }),
    );
    await cloudwatch.send(new SetAlarmStateCommand({ AlarmName, StateValue: 'ALARM', StateReason: `threshold crossed (${runId})` }));
    const described = await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: [AlarmName] }));
    expect(described.MetricAlarms?.map((a) => [a.AlarmName, a.StateValue, a.StateReason])).toEqual([
      [AlarmName, 'ALARM', `threshold crossed (${runId})`],
    ]);
    // moto answers 500 with an HTML page; the SDK fails to deserialize it.
    await expect(cloudwatch.send(new DescribeAlarmHistoryCommand({ AlarmName }))).rejects.toThrow();
  });

  it('forgets everything on reset()', async () => {
    const prefix = `/obsynth/reset-${runId}`;
    await logs.send(new CreateLogGroupCommand({ logGroupName: prefix }));
    expect((await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: prefix }))).logGroups).toHaveLength(1);
    await moto.reset();
    expect((await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: prefix }))).logGroups ?? []).toHaveLength(0);
  });
});

describe('Spotlight (Sentry envelopes through a DSN, sent by @sentry/node)', () => {
  let spotlight: SpotlightServer;
  beforeAll(async () => {
    spotlight = await startSpotlight();
  });
  afterAll(async () => {
    await spotlight?.stop();
  });

  // The way a sink sends: a client with the SDK's own Node transport, no global init.
  const clientFor = (dsn: string): NodeClient =>
    new NodeClient({ dsn, transport: makeNodeTransport, stackParser: defaultStackParser, integrations: [], sendClientReports: false });

  it('receives an error event and a transaction with their event ids, timestamps and project', async () => {
    const client = clientFor(spotlight.dsnFor(4505));
    const errorId = 'a1'.repeat(16);
    const transactionId = 'b2'.repeat(16);
    const traceId = 'c3'.repeat(16);
    const errorTime = (nowMs - 2 * HOUR_MS) / 1000;
    const error: SentryEvent = {
      event_id: errorId,
      timestamp: errorTime,
      level: 'error',
      platform: 'node',
      tags: { run: runId },
      exception: { values: [{ type: 'TypeError', value: `Cannot read properties of undefined (${runId})` }] },
      contexts: { trace: { trace_id: traceId, span_id: 'd4'.repeat(8) } },
    };
    // 400 spans put the envelope above 32 KiB, so @sentry/node gzips it: that path is covered too.
    const spans = Array.from({ length: 400 }, (_, i): SpanJSON => ({
      trace_id: traceId,
      span_id: (0x1000 + i).toString(16).padStart(16, '0'),
      parent_span_id: 'e5'.repeat(8),
      op: 'db.query',
      description: `SELECT * FROM orders WHERE id = ${i}`,
      start_timestamp: errorTime - 1,
      timestamp: errorTime - 0.5,
      status: 'ok',
      data: { 'db.system': 'postgresql' },
    }));
    const transaction: SentryEvent = {
      type: 'transaction',
      event_id: transactionId,
      transaction: 'POST /checkout',
      start_timestamp: errorTime - 2,
      timestamp: errorTime,
      contexts: { trace: { trace_id: traceId, span_id: 'e5'.repeat(8), op: 'http.server', status: 'internal_error' } },
      spans,
    };
    // captureEvent() returns a fresh id unless the hint carries the event's own: the envelope
    // keeps event.event_id either way, but the return value then disagrees with it.
    expect(client.captureEvent(error, { event_id: errorId })).toBe(errorId);
    expect(client.captureEvent(transaction, { event_id: transactionId })).toBe(transactionId);
    expect(await client.flush(10_000)).toBe(true);
    await client.close();

    const received = await spotlight.waitForEnvelopes((all) => all.filter((e) => e.headers['event_id'] === errorId || e.headers['event_id'] === transactionId).length === 2);
    const byId = new Map(received.map((e) => [e.headers['event_id'], e]));
    const errorEnvelope = byId.get(errorId);
    const transactionEnvelope = byId.get(transactionId);
    for (const envelope of [errorEnvelope, transactionEnvelope]) {
      expect(envelope?.project).toBe('4505');
      expect(envelope?.query['sentry_key']).toBe(spotlight.publicKey);
      expect(envelope?.contentType).toBeNull(); // why Spotlight alone would not have buffered it
    }
    expect(errorEnvelope?.items.map((i) => i.headers.type)).toEqual(['event']);
    const errorPayload = errorEnvelope?.items[0]?.payload as SentryEvent;
    expect(errorPayload.event_id).toBe(errorId);
    expect(errorPayload.timestamp).toBe(errorTime);
    expect(errorPayload.exception?.values?.[0]?.value).toBe(`Cannot read properties of undefined (${runId})`);

    expect(transactionEnvelope?.contentEncoding).toBe('gzip');
    expect(transactionEnvelope?.items.map((i) => i.headers.type)).toEqual(['transaction']);
    const transactionPayload = transactionEnvelope?.items[0]?.payload as SentryEvent;
    expect(transactionPayload.event_id).toBe(transactionId);
    expect(transactionPayload.start_timestamp).toBe(errorTime - 2);
    expect(transactionPayload.contexts?.trace?.trace_id).toBe(traceId);
    expect(transactionPayload.spans).toHaveLength(400);

    // Spotlight itself parsed and buffered both (its /stream feed, what its UI shows).
    const feedIds = (await spotlight.feed()).map(([headers]) => headers['event_id']);
    expect(feedIds).toEqual(expect.arrayContaining([errorId, transactionId]));
  });

  it('parses a raw envelope with length-prefixed items and an attachment, and clear() forgets it', async () => {
    const eventId = 'f6'.repeat(16);
    const event = JSON.stringify({ event_id: eventId, message: 'line one\nline two', level: 'warning' });
    const attachment = Buffer.from([0x00, 0x0a, 0xff, 0x0a]);
    const body = Buffer.concat([
      Buffer.from(`${JSON.stringify({ event_id: eventId })}\n`),
      Buffer.from(`${JSON.stringify({ type: 'event', length: Buffer.byteLength(event) })}\n${event}\n`),
      Buffer.from(`${JSON.stringify({ type: 'attachment', length: attachment.length, filename: 'dump.bin' })}\n`),
      attachment,
    ]);
    const response = await fetch(`${spotlight.url}/api/7/envelope/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-sentry-envelope' },
      body,
    });
    expect(response.status).toBe(200);
    const received = await spotlight.waitForEnvelopes((all) => all.some((e) => e.headers['event_id'] === eventId));
    const envelope = received.find((e) => e.headers['event_id'] === eventId);
    expect(envelope?.project).toBe('7');
    expect(envelope?.items.map((i) => i.headers.type)).toEqual(['event', 'attachment']);
    expect((envelope?.items[0]?.payload as SentryEvent).message).toBe('line one\nline two');
    expect(envelope?.items[1]?.payload).toEqual(attachment);

    await spotlight.clear();
    expect(await spotlight.envelopes()).toEqual([]);
    expect(await spotlight.feed()).toEqual([]);
  });
});

describe('Kubernetes (kube-apiserver + etcd, through @kubernetes/client-node)', () => {
  let kube: KubernetesServer;
  beforeAll(async () => {
    kube = await startKubernetes();
  }, 180_000);
  afterAll(async () => {
    await kube?.stop();
  });

  it('creates a Namespace and an events.k8s.io/v1 Event with an old eventTime, and lists it back', async () => {
    const config = new KubeConfig();
    config.loadFromFile(kube.kubeconfigPath);
    const core = config.makeApiClient(CoreV1Api);
    const events = config.makeApiClient(EventsV1Api);
    const namespace = `obsynth-${runId}`.toLowerCase().slice(0, 63);
    await core.createNamespace({ body: { metadata: { name: namespace } } });

    const eventTimeMs = nowMs - 3 * 24 * HOUR_MS;
    const event: EventsV1Event = {
      metadata: { name: `checkout-7d9f.${runId}`, namespace },
      eventTime: new V1MicroTime(eventTimeMs),
      reportingController: 'kubelet',
      reportingInstance: 'node-1',
      action: 'Killing',
      reason: 'OOMKilled',
      type: 'Warning',
      note: `Container checkout exceeded its memory limit (${runId})`,
      regarding: { kind: 'Pod', namespace, name: 'checkout-7d9f', apiVersion: 'v1' },
    };
    const created = await events.createNamespacedEvent({ namespace, body: event });
    expect(created.metadata?.uid).toBeTruthy();

    const list = await events.listNamespacedEvent({ namespace });
    const got = list.items.find((e) => e.metadata?.name === event.metadata?.name);
    expect(got?.reason).toBe('OOMKilled');
    expect(got?.note).toBe(event.note);
    expect(got?.regarding?.name).toBe('checkout-7d9f');
    expect(new Date(got?.eventTime ?? 0).getTime()).toBe(eventTimeMs);

    // The same event through the raw API (token + JSON, no client library): microsecond eventTime.
    const raw = await kube.request('GET', `/apis/events.k8s.io/v1/namespaces/${namespace}/events/${event.metadata?.name}`);
    expect(raw.status).toBe(200);
    expect((raw.body as { eventTime: string }).eventTime).toBe(new Date(eventTimeMs).toISOString().replace(/Z$/, '000Z'));
    // ... and through the core/v1 view of the same object.
    const coreList = await core.listNamespacedEvent({ namespace });
    expect(coreList.items.map((e) => e.reason)).toContain('OOMKilled');
  });

  // What the raw API (and so a sink writing JSON itself) must get right.
  // `regarding` with the event's namespace is required in practice: without it validation fails
  // with 422 "involvedObject.namespace: Invalid value: \"\": does not match event.namespace".
  const rawEvent = (namespace: string, eventTime: string): Record<string, unknown> => ({
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: { name: `raw.${runId}` },
    eventTime,
    reportingController: 'kubelet',
    reportingInstance: 'node-1',
    action: 'Killing',
    reason: 'OOMKilled',
    type: 'Warning',
    regarding: { kind: 'Pod', apiVersion: 'v1', namespace, name: 'checkout-7d9f' },
  });
  const microTime = (ms: number): string => new Date(ms).toISOString().replace(/Z$/, '000Z');

  it('refuses an event in a namespace that does not exist (no controller-manager creates one)', async () => {
    const missing = `obsynth-missing-${process.pid}`;
    const response = await kube.request('POST', `/apis/events.k8s.io/v1/namespaces/${missing}/events`, rawEvent(missing, microTime(nowMs)));
    expect(response.status, JSON.stringify(response.body)).toBe(404);
  });

  it('wants eventTime with exactly six fractional digits (MicroTime): a millisecond ISO string is a 400', async () => {
    const namespace = `obsynth-raw-${runId}`.toLowerCase().slice(0, 63);
    expect((await kube.request('POST', '/api/v1/namespaces', { metadata: { name: namespace } })).status).toBe(201);
    const path = `/apis/events.k8s.io/v1/namespaces/${namespace}/events`;
    const millis = await kube.request('POST', path, rawEvent(namespace, new Date(nowMs).toISOString()));
    expect(millis.status).toBe(400);
    expect(JSON.stringify(millis.body)).toContain('2006-01-02T15:04:05.000000Z07:00');
    const micros = await kube.request('POST', path, rawEvent(namespace, microTime(nowMs)));
    expect(micros.status, JSON.stringify(micros.body)).toBe(201);
  });
});

describe('launcher (moto, Spotlight, Kubernetes)', () => {
  it('fails with the install command when a binary is missing', async () => {
    const emptyCache = await mkdtemp(join(tmpdir(), 'obsynth-empty-cache-'));
    const saved = process.env['OBSYNTH_CACHE'];
    process.env['OBSYNTH_CACHE'] = emptyCache;
    try {
      await expect(startMoto()).rejects.toThrow('bash test/backends/moto.sh install');
      await expect(startKubernetes()).rejects.toThrow('bash test/backends/kubernetes.sh install');
    } finally {
      if (saved === undefined) delete process.env['OBSYNTH_CACHE'];
      else process.env['OBSYNTH_CACHE'] = saved;
      await rm(emptyCache, { recursive: true, force: true });
    }
  });
});

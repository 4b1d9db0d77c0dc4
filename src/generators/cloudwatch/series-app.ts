// The shop's own namespaces: Shop/Application (what each service publishes through EMF:
// requests, 5xx, latency, and the business counters) and Shop/RabbitMQ (the broker exporter's
// queue gauges). Built from the same flow model as everything else.
import type { StandardUnit } from '@aws-sdk/client-cloudwatch';
import { queueDepth } from '../../simulation/queues.js';
import type { Endpoint } from '../../model/topology.js';
import type { Snap } from './model.js';
import { defineSeries, latencySample, type Sample, type Series, type SeriesSpec } from './series.js';
import type { Statics } from './statics.js';

export const APP_NS = 'Shop/Application';
const MQ_NS = 'Shop/RabbitMQ';
/** Card declines: payments that fail without anything being wrong. */
const DECLINE_RATE = 0.025;
const PREFETCH = 50;

export function appSeries(st: Statics): Series[] {
  const out: Series[] = [];
  const add = (namespace: string, metricName: string, dimensions: ReadonlyArray<readonly [string, string]>, unit: StandardUnit, resource: string, targets: readonly string[], model: (s: Snap, p: number) => Sample | undefined, extra: Partial<SeriesSpec> = {}): void => {
    out.push(defineSeries({ namespace, metricName, dimensions, unit, resource, targets, model, ...extra }));
  };
  for (const svc of st.serviceList) {
    const name = svc.service.name;
    const dims = [['Service', name]] as const;
    const key = `${APP_NS}|RequestCount|Service=${name}`;
    add(APP_NS, 'RequestCount', dims, 'Count', name, svc.closure, (s, p) => s.service(name).rps * p);
    add(APP_NS, 'ErrorCount', dims, 'Count', name, svc.closure, (s, p) => s.service(name).rps * s.service(name).f5 * p);
    add(APP_NS, 'Latency', dims, 'Milliseconds', name, svc.closure, (s, p) => latencySample(s.latency(name), s.service(name).rps * p, 1), { noise: 'count', noiseKey: key });
  }

  // Business counters, found by what the endpoints do rather than by name.
  const { topology, flow } = st.world;
  const publishing = (prefix: string): Endpoint | undefined => {
    for (const s of topology.services) for (const e of s.endpoints) if (e.publishes?.startsWith(prefix)) return e;
    return undefined;
  };
  const checkout = publishing('order.');
  if (checkout) {
    const owner = st.services.get(checkout.service)!;
    const rate = flow.endpointRate(checkout.service, checkout.route);
    add(APP_NS, 'OrdersPlaced', [['Service', checkout.service]], 'Count', checkout.service, owner.closure, (s, p) => s.edgeRps() * rate * (1 - s.endpoint(checkout).fail) * p);
  }
  const payment = publishing('payment.');
  if (payment) {
    const owner = st.services.get(payment.service)!;
    const rate = flow.endpointRate(payment.service, payment.route);
    add(APP_NS, 'PaymentsFailed', [['Service', payment.service]], 'Count', payment.service, owner.closure, (s, p) => {
      const fail = s.endpoint(payment).fail;
      return s.edgeRps() * rate * (fail + (1 - fail) * DECLINE_RATE) * p;
    });
  }
  const mailer = topology.services.find((s) => s.consumers.some((c) => c.calls.some((call) => /mail|email|notif/.test(call.target))));
  if (mailer) {
    const consumers = mailer.consumers.filter((c) => c.calls.some((call) => /mail|email|notif/.test(call.target)));
    add(APP_NS, 'EmailsSent', [['Service', mailer.name]], 'Count', mailer.name, st.services.get(mailer.name)!.closure, (s, p) =>
      consumers.reduce((sum, c) => sum + s.consumedPerSec(c) * (1 - s.consumer(c).fail), 0) * p,
    );
  }

  for (const q of st.queues) {
    const consumer = q.consumer.service;
    const dims = [['Queue', q.queue]] as const;
    const targets = [...(st.services.get(consumer)?.closure ?? [consumer]), ...(q.broker ? [q.broker.name] : [])];
    const resource = q.broker?.name ?? consumer;
    add(MQ_NS, 'MessagesReady', dims, 'Count', resource, targets, (s) => messagesReady(s, q.queue), { noise: 'level', jitter: 0.15, visibleAbs: 50 });
    add(MQ_NS, 'MessagesUnacknowledged', dims, 'Count', resource, targets, (s) => {
      const inFlight = s.consumedPerSec(q.consumer) * (s.consumer(q.consumer).meanMs / 1000) + 0.5;
      return Math.min(PREFETCH * Math.max(1, s.pods(consumer).running.length), inFlight * Math.max(1, s.cond(consumer).latencyFactor));
    }, { noise: 'level', jitter: 0.2 });
    add(MQ_NS, 'ConsumerCount', dims, 'Count', resource, targets, (s) => s.pods(consumer).running.length, { noise: 'none' });
  }
  return out;
}

/** Ready messages of a queue: the same backlog the request simulation delays consumers by. */
export function messagesReady(s: Snap, queue: string): number {
  const q = s.st.queues.find((x) => x.queue === queue);
  if (!q) return 0;
  const publishedPerMin = s.rps * 60 * s.st.world.flow.queueRate(queue);
  return queueDepth(s.scope.conditions, q.consumer.service, queue, s.t, publishedPerMin);
}

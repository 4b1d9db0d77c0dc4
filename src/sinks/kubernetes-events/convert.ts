// events.k8s.io/v1 Events as the API takes them on create (server-set metadata and the
// deprecated* mirror fields removed), or converted to core/v1 Events.
import type { CoreV1Event, EventsV1Event } from '@kubernetes/client-node';
import type { KubernetesEventBody } from '../../model/record.js';

/** For POST /apis/events.k8s.io/v1: the API refuses deprecated* fields ("needs to be unset"). */
export function toEventsV1(body: KubernetesEventBody): EventsV1Event {
  const { deprecatedCount: _c, deprecatedFirstTimestamp: _f, deprecatedLastTimestamp: _l, deprecatedSource: _s, metadata, ...rest } = body;
  return { ...rest, metadata: { name: metadata?.name, namespace: metadata?.namespace } } as unknown as EventsV1Event;
}

/** For POST /api/v1/.../events: the same event in the core/v1 vocabulary. */
export function toCoreV1(body: KubernetesEventBody): CoreV1Event {
  const e = body;
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: e.metadata?.name, namespace: e.metadata?.namespace },
    involvedObject: { ...e.regarding },
    reason: e.reason,
    message: e.note,
    type: e.type,
    source: e.deprecatedSource ?? { component: e.reportingController },
    firstTimestamp: e.deprecatedFirstTimestamp,
    lastTimestamp: e.deprecatedLastTimestamp,
    count: e.deprecatedCount ?? e.series?.count ?? 1,
    eventTime: e.eventTime,
    action: e.action,
    related: e.related,
    reportingComponent: e.reportingController,
    reportingInstance: e.reportingInstance,
    series: e.series ? { count: e.series.count, lastObservedTime: e.series.lastObservedTime } : undefined,
  } as unknown as CoreV1Event;
}

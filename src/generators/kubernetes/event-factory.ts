// Builds events.k8s.io/v1 Event objects the way the API server stores them: deterministic
// names (object name + hex, like the kubelet's), eventTime in microseconds, the reporting
// controller and instance, the deprecated core/v1 mirror fields, and series for repeats.
import type { KubernetesEventBody } from '../../model/record.js';
import { hashInts, hashString, hex32 } from '../../random/rng.js';
import { isoMicros, isoSeconds } from '../../time/calendar.js';

export interface ObjectRef {
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  readonly uid: string;
  readonly apiVersion: string;
  readonly fieldPath?: string;
}

export interface EventSpec {
  readonly t: number;
  readonly regarding: ObjectRef;
  readonly reason: string;
  readonly note: string;
  readonly type: 'Normal' | 'Warning';
  readonly controller: string;
  readonly instance: string;
  readonly action?: string;
  /** For repeated events: when the series started and how many so far (>= 2). */
  readonly series?: { readonly first: number; readonly count: number };
  readonly related?: ObjectRef;
}

const COMPONENT: Record<string, string> = {
  kubelet: 'kubelet',
  'default-scheduler': 'default-scheduler',
  'deployment-controller': 'deployment-controller',
  'replicaset-controller': 'replicaset-controller',
  'cronjob-controller': 'cronjob-controller',
  'job-controller': 'job-controller',
  'node-controller': 'node-controller',
  'kernel-monitor': 'kernel-monitor',
  'cert-manager-certificates-issuing': 'cert-manager-certificates-issuing',
  'cert-manager-certificates-trigger': 'cert-manager-certificates-trigger',
};

export function uidOf(...parts: Array<string | number>): string {
  const h = hashString(parts.join('/'));
  const hex = hex32(h) + hex32(hashInts(h, 1)) + hex32(hashInts(h, 2)) + hex32(hashInts(h, 3));
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-9${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function makeEvent(spec: EventSpec): KubernetesEventBody {
  const first = spec.series?.first ?? spec.t;
  const key = hashString(`${spec.regarding.uid}/${spec.reason}/${spec.note}`, Math.floor(first / 1000));
  // The kubelet names events <object>.<unix nanos in hex>; the first occurrence fixes the name.
  const name = `${spec.regarding.name}.${(Math.floor(first) * 1_000_000 + (key % 1_000_000)).toString(16)}`;
  const namespace = spec.regarding.namespace ?? 'default';
  const body: KubernetesEventBody = {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: {
      name,
      namespace,
      uid: uidOf(name, namespace),
      resourceVersion: String(100_000_000 + (Math.floor(spec.t / 1000) % 900_000_000)),
      creationTimestamp: isoSeconds(first),
    },
    eventTime: isoMicros(first, key % 1000),
    reportingController: spec.controller,
    reportingInstance: spec.instance,
    action: spec.action ?? spec.reason,
    reason: spec.reason,
    regarding: { ...spec.regarding },
    note: spec.note,
    type: spec.type,
    deprecatedSource: { component: COMPONENT[spec.controller] ?? spec.controller, host: spec.controller === 'kubelet' ? spec.instance : undefined },
    deprecatedFirstTimestamp: isoSeconds(first),
    deprecatedLastTimestamp: isoSeconds(spec.t),
    deprecatedCount: spec.series?.count ?? 1,
  };
  if (spec.series && spec.series.count >= 2) body.series = { count: spec.series.count, lastObservedTime: isoMicros(spec.t, key % 997) };
  if (spec.related) body.related = { ...spec.related };
  if (body.deprecatedSource && body.deprecatedSource.host === undefined) delete body.deprecatedSource.host;
  return body;
}

// Kubernetes bodies: Fluent Bit container log records, events.k8s.io/v1 Events and
// metrics.k8s.io/v1beta1 PodMetrics / NodeMetrics (with the extras documented in model/record.ts).
// Sources: Kubernetes OpenAPI v3 (api/openapi-spec/v3/apis__events.k8s.io__v1_openapi.json,
// api__v1_openapi.json), pkg/apis/core/validation/events.go (ValidateEventCreate and
// legacyValidateEvent), apimachinery validation (names, labels, quantities), Fluent Bit's
// tail input with the built-in "cri" multiline parser and its kubernetes filter.
import { z } from 'zod';
import type { KubernetesEventBody, KubernetesNodeMetricsBody, KubernetesPodMetricsBody } from '../../model/record.js';
import { note, type BodyNote } from './body-note.js';
import { formatGoDuration, parseGoDuration } from './go-duration.js';
import { dnsLabel, dnsSubdomain, goDuration, k8sLabels, k8sMicroTime, k8sTime, maxBytes, qualifiedName, quantity, rfc3339Nano, uuid } from './rules.js';

const int32 = z.number().int().min(-(2 ** 31)).max(2 ** 31 - 1);
const count = z.number().int().nonnegative();
const containerId = z.string().regex(/^[a-z][a-z0-9-]*:\/\/[0-9a-f]{64}$/, 'must be <runtime>://<64 hex digits>, e.g. containerd://9e69...');

// ---- Container log line ----------------------------------------------------------------------

/** Fluent Bit: tail + multiline.parser cri gives time/stream/_p/log; the kubernetes filter adds `kubernetes`. */
export const kubernetesLogBody = z.strictObject({
  // CRI log format: the runtime's RFC3339Nano timestamp, the stream, the partial/full tag.
  time: rfc3339Nano,
  stream: z.enum(['stdout', 'stderr']),
  _p: z.enum(['F', 'P']),
  log: z.string(),
  // Fluent Bit kubernetes filter metadata keys (filter_kubernetes kube_meta.c).
  kubernetes: z.strictObject({
    pod_name: dnsSubdomain,
    namespace_name: dnsLabel,
    pod_id: uuid,
    pod_ip: z.string().optional(),
    host: dnsSubdomain,
    container_name: dnsLabel,
    docker_id: z.string().regex(/^[0-9a-f]{64}$/, 'must be the 64-hex container id'),
    container_hash: z.string().min(1).optional(),
    container_image: z.string().min(1).optional(),
    labels: k8sLabels.optional(),
    annotations: z.record(z.string(), z.string()).optional(),
  }),
});

// ---- events.k8s.io/v1 Event ------------------------------------------------------------------

/** core/v1 ObjectReference: every field optional in the API. */
const objectReference = z.strictObject({
  apiVersion: z.string().optional(),
  fieldPath: z.string().optional(),
  kind: z.string().optional(),
  name: z.string().optional(),
  namespace: dnsLabel.optional(),
  resourceVersion: z.string().optional(),
  uid: z.string().optional(),
});

/** ObjectMeta as an API server serves it (ValidateObjectMeta with NameIsDNSSubdomain for events). */
const eventMeta = z.strictObject({
  name: dnsSubdomain,
  generateName: z.string().optional(),
  namespace: dnsLabel,
  uid: uuid.optional(),
  resourceVersion: z.string().regex(/^\d+$/, 'must be a decimal resourceVersion').optional(),
  creationTimestamp: k8sTime.optional(),
  labels: k8sLabels.optional(),
  annotations: z.record(z.string(), z.string()).optional(),
  managedFields: z.array(z.record(z.string(), z.unknown())).optional(),
});

export const kubernetesEventBody = z
  .strictObject({
    apiVersion: z.literal('events.k8s.io/v1'),
    kind: z.literal('Event'),
    metadata: eventMeta,
    // OpenAPI: the only required field.
    eventTime: k8sMicroTime,
    // validateV1EventSeries: count >= 2 and lastObservedTime set.
    series: z.strictObject({ count: int32.min(2, 'must be at least 2 (validateV1EventSeries)'), lastObservedTime: k8sMicroTime }).optional(),
    // legacyValidateEvent (events with eventTime): reportingController required and a qualified
    // name; reportingInstance, action, reason required and at most 128 characters.
    reportingController: qualifiedName,
    reportingInstance: z.string().min(1).pipe(maxBytes(128)),
    action: z.string().min(1).pipe(maxBytes(128)),
    reason: z.string().min(1).pipe(maxBytes(128)),
    regarding: objectReference,
    related: objectReference.optional(),
    // NoteLengthLimit = 1024.
    note: maxBytes(1024).optional(),
    // ValidateEventCreate: Normal or Warning.
    type: z.enum(['Normal', 'Warning']),
    deprecatedSource: z.strictObject({ component: z.string().optional(), host: z.string().optional() }).optional(),
    deprecatedFirstTimestamp: k8sTime.optional(),
    deprecatedLastTimestamp: k8sTime.optional(),
    deprecatedCount: int32.nonnegative().optional(),
  })
  .superRefine((e, ctx) => {
    // legacyValidateEvent: an event about a cluster-scoped object lives in default or kube-system.
    if (!e.regarding?.namespace && e.metadata?.namespace !== 'default' && e.metadata?.namespace !== 'kube-system') {
      ctx.addIssue({ code: 'custom', path: ['metadata', 'namespace'], input: e.metadata?.namespace, message: 'must be "default" or "kube-system" when regarding has no namespace (legacyValidateEvent)' });
    }
    // Logic: a series is last observed after it was first observed.
    if (e.series && typeof e.eventTime === 'string' && Date.parse(e.series.lastObservedTime) < Date.parse(e.eventTime)) {
      ctx.addIssue({ code: 'custom', path: ['series', 'lastObservedTime'], input: e.series.lastObservedTime, message: `is before eventTime ${e.eventTime}` });
    }
    if (e.deprecatedFirstTimestamp && e.deprecatedLastTimestamp && Date.parse(e.deprecatedLastTimestamp) < Date.parse(e.deprecatedFirstTimestamp)) {
      ctx.addIssue({ code: 'custom', path: ['deprecatedLastTimestamp'], input: e.deprecatedLastTimestamp, message: `is before deprecatedFirstTimestamp ${e.deprecatedFirstTimestamp}` });
    }
  });

export const kubernetesEventNotes: BodyNote[] = [
  note<KubernetesEventBody>(
    'deprecated* fields set: events.k8s.io/v1 create rejects them ("needs to be unset"); only events created through core/v1 carry them',
    'pkg/apis/core/validation/events.go ValidateEventCreate',
    (e) => {
      for (const key of ['deprecatedSource', 'deprecatedFirstTimestamp', 'deprecatedLastTimestamp', 'deprecatedCount'] as const) {
        if (e[key] !== undefined) return { path: key, value: e[key] };
      }
      return undefined;
    },
  ),
];

// ---- metrics.k8s.io/v1beta1 ------------------------------------------------------------------

const usage = z.strictObject({ cpu: quantity, memory: quantity });

/** core/v1 ContainerState: at most one of running / waiting / terminated. */
const containerState = z
  .strictObject({
    running: z.strictObject({ startedAt: k8sTime.optional() }).optional(),
    waiting: z.strictObject({ reason: z.string().optional(), message: z.string().optional() }).optional(),
    terminated: z
      .strictObject({
        exitCode: int32,
        signal: int32.optional(),
        reason: z.string().optional(),
        message: z.string().optional(),
        startedAt: k8sTime.optional(),
        finishedAt: k8sTime.optional(),
        containerID: containerId.optional(),
      })
      .refine((t) => !t.startedAt || !t.finishedAt || Date.parse(t.finishedAt) >= Date.parse(t.startedAt), { message: 'finishedAt is before startedAt', path: ['finishedAt'] })
      .optional(),
  })
  .refine((s) => [s.running, s.waiting, s.terminated].filter(Boolean).length <= 1, 'only one of running, waiting, terminated may be set (core/v1 ContainerState)');

export const kubernetesPodMetricsBody = z
  .strictObject({
    apiVersion: z.literal('metrics.k8s.io/v1beta1'),
    kind: z.literal('PodMetrics'),
    metadata: z.strictObject({ name: dnsSubdomain, namespace: dnsLabel, creationTimestamp: k8sTime, labels: k8sLabels.optional() }),
    timestamp: k8sTime,
    window: goDuration,
    containers: z.array(
      z.strictObject({
        name: dnsLabel,
        usage,
        // Extra (model/record.ts): cAdvisor CFS counters over the window.
        cfs: z.strictObject({ periods: count, throttled_periods: count }).refine((c) => c.throttled_periods <= c.periods, { message: 'throttled_periods exceeds periods', path: ['throttled_periods'] }),
      }),
    ),
    // core/v1 ContainerStatus (a subset, model/record.ts): name, ready, restartCount are required.
    containerStatuses: z.array(
      z.strictObject({
        name: dnsLabel,
        ready: z.boolean(),
        restartCount: int32.nonnegative(),
        started: z.boolean().optional(),
        image: z.string().min(1),
        containerID: containerId.optional(),
        state: containerState.optional(),
        lastState: containerState.optional(),
      }),
    ),
  })
  .superRefine((p, ctx) => {
    // Logic: the statuses describe the same containers the usage is for.
    const statusNames = new Set(p.containerStatuses?.map((s) => s.name));
    p.containers?.forEach((c, i) => {
      if (!statusNames.has(c.name)) ctx.addIssue({ code: 'custom', path: ['containers', i, 'name'], input: c.name, message: 'has no entry in containerStatuses' });
    });
  });

const conditionStatus = z.enum(['True', 'False', 'Unknown']);

export const kubernetesNodeMetricsBody = z
  .strictObject({
    apiVersion: z.literal('metrics.k8s.io/v1beta1'),
    kind: z.literal('NodeMetrics'),
    metadata: z.strictObject({ name: dnsSubdomain, creationTimestamp: k8sTime, labels: k8sLabels.optional() }),
    timestamp: k8sTime,
    window: goDuration,
    usage,
    // Extra: kubelet summary API node.fs.
    fs: z
      .strictObject({ capacityBytes: count, usedBytes: count, availableBytes: count })
      .refine((f) => f.usedBytes + f.availableBytes <= f.capacityBytes, { message: 'usedBytes + availableBytes exceeds capacityBytes', path: ['usedBytes'] }),
    // core/v1 NodeCondition: type and status required; conditions are keyed by type.
    conditions: z.array(
      z.strictObject({
        type: z.string().min(1),
        status: conditionStatus,
        reason: z.string().optional(),
        message: z.string().optional(),
        lastHeartbeatTime: k8sTime.optional(),
        lastTransitionTime: k8sTime.optional(),
      }),
    ),
  })
  .superRefine((n, ctx) => {
    const seen = new Set<string>();
    n.conditions?.forEach((c, i) => {
      if (seen.has(c.type)) ctx.addIssue({ code: 'custom', path: ['conditions', i, 'type'], input: c.type, message: 'appears twice (conditions are a map keyed by type)' });
      seen.add(c.type);
      // The kubelet sets both at a heartbeat; only the node controller, marking a silent node
      // Unknown, moves the transition past the last heartbeat.
      if (c.status !== 'Unknown' && c.lastHeartbeatTime && c.lastTransitionTime && Date.parse(c.lastTransitionTime) > Date.parse(c.lastHeartbeatTime)) {
        ctx.addIssue({ code: 'custom', path: ['conditions', i, 'lastTransitionTime'], input: c.lastTransitionTime, message: `is after lastHeartbeatTime ${c.lastHeartbeatTime}` });
      }
    });
  });

/** metav1.Duration marshals with Go's Duration.String(); other spellings did not come from an API server. */
function windowNote<B extends { window: string }>() {
  return note<B>('window is not written the way Go prints a duration (metav1.Duration uses Duration.String(), e.g. "1m0s")', 'apimachinery metav1.Duration MarshalJSON', (b) => {
    const ns = parseGoDuration(b.window);
    return ns !== undefined && formatGoDuration(ns) !== b.window ? { path: 'window', value: b.window } : undefined;
  });
}

export const kubernetesPodMetricsNotes: BodyNote[] = [windowNote<KubernetesPodMetricsBody>()];
export const kubernetesNodeMetricsNotes: BodyNote[] = [windowNote<KubernetesNodeMetricsBody>()];

export const kubernetesLogNotes: BodyNote[] = [
  note<z.infer<typeof kubernetesLogBody>>(
    'time keeps trailing zeros in its fraction: runtimes print CRI timestamps with Go RFC3339Nano, which drops them',
    'CRI log format (containerd / CRI-O write time.RFC3339Nano)',
    (b) => (/\.\d*0Z$/.test(b.time) ? { path: 'time', value: b.time } : undefined),
  ),
];

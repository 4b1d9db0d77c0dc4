// The Kubernetes metadata a log shipper attaches to every line of a pod (and labels events and
// metrics use), built once per pod.
import type { KubernetesLogBody } from '../../model/record.js';
import type { Pod } from '../../simulation/rollouts.js';

const metaCache = new Map<string, KubernetesLogBody['kubernetes']>();
const labelCache = new Map<string, Record<string, string>>();

export function podLabels(pod: Pod): Record<string, string> {
  let labels = labelCache.get(pod.name);
  if (!labels) {
    // Job pods are labelled by their Job; ReplicaSet pods by their template hash.
    labels = pod.job ? { app: pod.service, 'batch.kubernetes.io/job-name': pod.job, 'job-name': pod.job } : { app: pod.service, 'pod-template-hash': pod.revision };
    if (labelCache.size > 20_000) labelCache.clear();
    labelCache.set(pod.name, labels);
  }
  return labels;
}

/** Container name: the service itself (one app container per pod). */
export function containerOf(pod: Pod): string {
  return pod.service;
}

export function podLogMeta(pod: Pod): KubernetesLogBody['kubernetes'] {
  let meta = metaCache.get(pod.name);
  if (!meta) {
    meta = {
      pod_name: pod.name,
      namespace_name: pod.namespace,
      pod_id: pod.uid,
      host: pod.node,
      container_name: containerOf(pod),
      docker_id: pod.containerId,
      container_image: pod.image,
      labels: podLabels(pod),
    };
    if (metaCache.size > 20_000) metaCache.clear();
    metaCache.set(pod.name, meta);
  }
  return meta;
}

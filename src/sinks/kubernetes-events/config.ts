// The kubernetes_events block of a sinks file.
import { z } from 'zod';

export const kubernetesEventsSchema = z.strictObject({
  type: z.literal('kubernetes_events'),
  /** Default: KUBECONFIG, ~/.kube/config, or the in-cluster service account. */
  kubeconfig: z.string().min(1).optional(),
  context: z.string().min(1).optional(),
  /** events.k8s.io/v1 (default) or core/v1 Events. */
  api: z.enum(['events.k8s.io/v1', 'core/v1']).default('events.k8s.io/v1'),
  create_namespaces: z.boolean().default(true),
  /** Client-side rate limit (requests per second and burst), as client-go's QPS/Burst. */
  qps: z.number().min(0.1).max(10_000).default(50),
  burst: z.number().int().min(1).max(10_000).default(100),
  /** Requests in flight at once; the events of one object (a series) stay in order. */
  concurrency: z.number().int().min(1).max(64).default(8),
  /** Also write container log lines as CRI log files under this folder (e.g. /var/log/pods). */
  cri_logs_dir: z.string().min(1).optional(),
});
export type KubernetesEventsConfig = z.infer<typeof kubernetesEventsSchema>;

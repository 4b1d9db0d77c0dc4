// OpenTelemetry semantic-convention names the otlp sink writes. Stable names come from
// @opentelemetry/semantic-conventions; names still in development are copied here, as that
// package advises (its `incubating` entry point may change them in a minor release).
export {
  ATTR_EXCEPTION_MESSAGE,
  ATTR_EXCEPTION_STACKTRACE,
  ATTR_EXCEPTION_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_SERVICE_NAME,
  ATTR_SERVICE_VERSION,
  ATTR_URL_FULL,
} from '@opentelemetry/semantic-conventions';

// ---- Resource attributes (development) -------------------------------------------------------
export const ATTR_SERVICE_NAMESPACE = 'service.namespace';
export const ATTR_DEPLOYMENT_ENVIRONMENT_NAME = 'deployment.environment.name';
export const ATTR_CLOUD_PROVIDER = 'cloud.provider';
export const ATTR_CLOUD_PLATFORM = 'cloud.platform';
export const ATTR_CLOUD_REGION = 'cloud.region';
export const ATTR_CLOUD_ACCOUNT_ID = 'cloud.account.id';
export const ATTR_CLOUD_AVAILABILITY_ZONE = 'cloud.availability_zone';
export const ATTR_HOST_NAME = 'host.name';
export const ATTR_HOST_TYPE = 'host.type';
export const ATTR_K8S_CLUSTER_NAME = 'k8s.cluster.name';
export const ATTR_K8S_NAMESPACE_NAME = 'k8s.namespace.name';
export const ATTR_K8S_POD_NAME = 'k8s.pod.name';
export const ATTR_K8S_POD_UID = 'k8s.pod.uid';
export const ATTR_K8S_NODE_NAME = 'k8s.node.name';
export const ATTR_K8S_CONTAINER_NAME = 'k8s.container.name';
export const ATTR_K8S_DEPLOYMENT_NAME = 'k8s.deployment.name';
export const ATTR_K8S_REPLICASET_NAME = 'k8s.replicaset.name';
export const ATTR_K8S_JOB_NAME = 'k8s.job.name';
export const ATTR_K8S_CRONJOB_NAME = 'k8s.cronjob.name';
/** `k8s.pod.label.<key>` / `k8s.node.label.<key>` */
export const K8S_POD_LABEL_PREFIX = 'k8s.pod.label.';
export const K8S_NODE_LABEL_PREFIX = 'k8s.node.label.';
export const ATTR_CONTAINER_ID = 'container.id';
export const ATTR_CONTAINER_IMAGE_NAME = 'container.image.name';
/** A string array in current conventions (the older `container.image.tag` is deprecated). */
export const ATTR_CONTAINER_IMAGE_TAGS = 'container.image.tags';
export const ATTR_AWS_LOG_GROUP_NAMES = 'aws.log.group.names';
export const ATTR_AWS_LOG_STREAM_NAMES = 'aws.log.stream.names';

export const CLOUD_PROVIDER_AWS = 'aws';
export const CLOUD_PLATFORM_AWS_EKS = 'aws_eks';

// ---- Log record attributes (development) -----------------------------------------------------
export const ATTR_LOG_IOSTREAM = 'log.iostream';
export const ATTR_LOG_RECORD_UID = 'log.record.uid';
export const ATTR_USER_ID = 'user.id';

// ---- Metric names, instruments and units (development) ---------------------------------------
export const METRIC_K8S_POD_CPU_USAGE = 'k8s.pod.cpu.usage'; // gauge {cpu}
export const METRIC_K8S_POD_MEMORY_WORKING_SET = 'k8s.pod.memory.working_set'; // updowncounter By
export const METRIC_CONTAINER_CPU_USAGE = 'container.cpu.usage'; // gauge {cpu}
export const METRIC_CONTAINER_MEMORY_WORKING_SET = 'container.memory.working_set'; // updowncounter By
export const METRIC_K8S_CONTAINER_RESTART_COUNT = 'k8s.container.restart.count'; // updowncounter {restart}
export const METRIC_K8S_CONTAINER_READY = 'k8s.container.ready'; // updowncounter {container}
export const METRIC_K8S_NODE_CPU_USAGE = 'k8s.node.cpu.usage'; // gauge {cpu}
export const METRIC_K8S_NODE_MEMORY_WORKING_SET = 'k8s.node.memory.working_set'; // updowncounter By
export const METRIC_K8S_NODE_FILESYSTEM_CAPACITY = 'k8s.node.filesystem.capacity'; // updowncounter By
export const METRIC_K8S_NODE_FILESYSTEM_USAGE = 'k8s.node.filesystem.usage'; // updowncounter By
export const METRIC_K8S_NODE_FILESYSTEM_AVAILABLE = 'k8s.node.filesystem.available'; // updowncounter By
export const METRIC_K8S_NODE_CONDITION_STATUS = 'k8s.node.condition.status'; // updowncounter {node}
export const ATTR_K8S_NODE_CONDITION_TYPE = 'k8s.node.condition.type';
export const ATTR_K8S_NODE_CONDITION_STATUS = 'k8s.node.condition.status';
// No convention yet for CFS throttling: named after cAdvisor's counters, as deltas over the window.
export const METRIC_CONTAINER_CPU_CFS_PERIODS = 'container.cpu.cfs.periods'; // delta sum {period}
export const METRIC_CONTAINER_CPU_CFS_THROTTLED_PERIODS = 'container.cpu.cfs.throttled_periods'; // delta sum {period}

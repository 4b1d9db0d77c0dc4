// The shape of the three YAML files in config/. Strict: an unknown key is an error, so a typo
// surfaces instead of being ignored. Cross-file rules (a call names a service that exists, the
// call graph has no cycle) are semantic checks in load.ts.
import { z } from 'zod';

const name = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a DNS-1123 label (lowercase letters, digits, "-")');
const positive = z.number().positive();
const fraction = z.number().min(0).max(1);
const range = (min = 0) =>
  z
    .tuple([z.number().min(min), z.number().min(min)])
    .refine(([a, b]) => a <= b, 'must be [min, max] with min <= max');

// ---------------------------------------------------------------------------------------------
// services.yaml

export const LANGUAGES = ['go', 'java', 'python', 'node'] as const;
export const LOG_FORMATS = ['json', 'logfmt', 'plain', 'klog'] as const;
export const DATASTORE_TYPES = ['postgres', 'redis', 'rabbitmq', 's3', 'external_api', 'dns'] as const;

const callSchema = z.strictObject({
  /** A service or datastore name. */
  target: name,
  /** The callee's route ("GET /orders/{id}") for services; the operation for datastores. */
  route: z.string().min(1).optional(),
  operation: z.string().min(1).optional(),
  /** Share of requests that make this call. */
  probability: fraction.default(1),
});

const endpointSchema = z.strictObject({
  route: z.string().regex(/^(GET|POST|PUT|PATCH|DELETE) \/\S*$/, 'must be "METHOD /path"'),
  weight: positive.default(1),
  latency_ms: z.strictObject({ p50: positive, p99: positive }).refine((l) => l.p99 >= l.p50, 'p99 must be >= p50'),
  error_rate: fraction.default(0.001),
  /** Whether the API gateway exposes it; internal endpoints are only called by other services. */
  public: z.boolean().default(false),
  calls: z.array(callSchema).default([]),
});

const resourcesSchema = z.strictObject({
  cpu_request_millicores: positive,
  cpu_limit_millicores: positive,
  memory_request_mib: positive,
  memory_limit_mib: positive,
});

const consumerSchema = z.strictObject({
  queue: z.string().min(1),
  /** Processing time per message. */
  latency_ms: z.strictObject({ p50: positive, p99: positive }),
  error_rate: fraction.default(0.001),
  calls: z.array(callSchema).default([]),
});

const serviceSchema = z.strictObject({
  name,
  namespace: name,
  team: z.string().min(1).default('platform'),
  language: z.enum(LANGUAGES),
  runtime: z.string().min(1),
  framework: z.string().min(1),
  log_format: z.enum(LOG_FORMATS),
  replicas: z.number().int().min(1).max(50),
  port: z.number().int().min(1).max(65535).default(8080),
  resources: resourcesSchema,
  /** Normal rollouts per day (weekdays, working hours). */
  deploys_per_day: z.number().min(0).max(24).default(1),
  /** Log lines per request handled: 1 = what it did, 2 = + the access line, 3 = + the incoming-request line. */
  log_lines_per_request: z.number().min(0).max(20).default(2),
  endpoints: z.array(endpointSchema).min(1),
  consumes: z.array(consumerSchema).default([]),
  /** Queues this service publishes to, by route: "POST /orders" -> order.created */
  publishes: z.array(z.strictObject({ route: z.string(), queue: z.string() })).default([]),
});

const datastoreSchema = z.strictObject({
  name,
  type: z.enum(DATASTORE_TYPES),
  namespace: name.optional(),
  /** Where it runs: in the cluster, or the AWS managed service that backs it. */
  managed_by: z.enum(['kubernetes', 'rds', 'elasticache', 's3', 'external']),
  /** Host name callers resolve and connect to (external APIs, managed endpoints). */
  host: z.string().min(1).optional(),
  latency_ms: z.strictObject({ p50: positive, p99: positive }),
  max_connections: z.number().int().positive().optional(),
  queues: z.array(z.string().min(1)).optional(),
});

const nodeSchema = z.strictObject({
  name: z.string().min(1),
  instance_type: z.string().min(1),
  zone: z.string().min(1),
  cpu_cores: z.number().int().positive(),
  memory_gib: positive,
  disk_gib: positive,
});

const awsSchema = z.strictObject({
  account_id: z.string().regex(/^\d{12}$/, 'must be 12 digits'),
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region like us-east-1'),
  alb: z.strictObject({
    name: name,
    target_service: name,
    /** Requests per second that reach the ALB, averaged over a day. */
  }),
  rds: z.strictObject({
    instance_id: name,
    engine_version: z.string(),
    instance_class: z.string(),
    allocated_storage_gib: positive,
    max_connections: z.number().int().positive(),
    read_replicas: z.number().int().min(0).max(5).default(1),
  }),
  elasticache: z.strictObject({
    cluster_id: name,
    node_type: z.string(),
    nodes: z.number().int().min(1).max(10),
  }),
  s3: z.strictObject({ buckets: z.array(name).min(1) }),
});

export const servicesFileSchema = z.strictObject({
  cluster: z.strictObject({
    name,
    environment: z.string().min(1),
    kubernetes_version: z.string().regex(/^v\d+\.\d+\.\d+$/, 'must look like v1.31.4'),
  }),
  namespaces: z.array(name).min(1),
  nodes: z.array(nodeSchema).min(1),
  services: z.array(serviceSchema).min(1),
  datastores: z.array(datastoreSchema).default([]),
  aws: awsSchema,
});

// ---------------------------------------------------------------------------------------------
// incidents.yaml

export const INCIDENT_TYPES = [
  'memory_leak',
  'bad_deployment',
  'db_pool_exhaustion',
  'network_partition',
  'cpu_throttling',
  'disk_full',
  'rate_limiting',
  'cache_stampede',
  'queue_backlog',
  'certificate_expiry',
  'dns_failure',
  'cascading_failure',
] as const;

export const ONSET_SHAPES = ['gradual', 'sudden', 'stepped'] as const;
export const RECOVERY_SHAPES = ['immediate', 'gradual', 'stepped'] as const;

/** The artefacts each source can show for an incident; generators render the listed ones. */
export const SIGNALS = {
  kubernetes: [
    'error_logs',
    'warning_logs',
    'oom_killed',
    'crash_loop',
    'image_pull_backoff',
    'rollout',
    'unhealthy_probes',
    'evicted',
    'disk_pressure',
    'node_not_ready',
    'failed_scheduling',
    'memory_ramp',
    'cpu_throttling',
    'certificate_events',
    'dns_pod_restarts',
  ],
  sentry: ['exceptions', 'slow_transactions', 'failed_transactions', 'release_regression'],
  cloudwatch: [
    'alb_errors',
    'alb_latency',
    'alb_unhealthy_hosts',
    'alb_tls_errors',
    'rds_connections',
    'rds_cpu',
    'rds_storage',
    'rds_logs',
    'elasticache_misses',
    'container_insights',
    'queue_depth',
    'app_logs',
    'alarm',
  ],
  grafana: ['golden_signals', 'saturation', 'alert_annotation', 'deploy_annotation', 'incident_annotation'],
} as const;

export type SourceName = keyof typeof SIGNALS;
export const SOURCE_NAMES = Object.keys(SIGNALS) as SourceName[];

const effectsSchema = z.strictObject({
  /** Added probability that a request handled by the service fails. */
  error_rate: fraction.optional(),
  /** Latency multiplier at full intensity. */
  latency_factor: z.number().min(1).max(100).optional(),
  /** CPU usage multiplier at full intensity. */
  cpu_factor: z.number().min(0).max(50).optional(),
  /** Memory working set climbs to this fraction of the limit (>= 1 means OOM kills). */
  memory_fill: z.number().min(0).max(2).optional(),
  /** Share of CFS periods throttled. */
  throttle_ratio: fraction.optional(),
  /** Disk (node or volume) fills to this fraction. */
  disk_fill: fraction.optional(),
  /** Database connections climb to this fraction of max_connections. */
  db_connections: z.number().min(0).max(1.5).optional(),
  /** Cache miss ratio at full intensity. */
  cache_miss_rate: fraction.optional(),
  /** Queue grows by this many messages per minute at full intensity. */
  queue_growth_per_min: z.number().min(0).optional(),
  /** Share of requests answered 429. */
  rate_limited: fraction.optional(),
  /** Request volume multiplier (retries, storms). */
  traffic_factor: z.number().min(0).max(20).optional(),
  /** Share of the service's pods not ready. */
  unavailable: fraction.optional(),
});

const propagationSchema = z.strictObject({
  /** Delay per hop before a caller feels it. */
  delay_secs: range(0),
  /** Intensity kept per hop. */
  attenuation: fraction,
  max_hops: z.number().int().min(0).max(6),
});

const scenarioSchema = z.strictObject({
  description: z.string().min(1),
  weight: z.number().min(0).default(1),
  shape: z.enum(ONSET_SHAPES),
  recovery: z.enum(RECOVERY_SHAPES),
  duration_mins: range(1),
  /** Share of the duration spent reaching the peak. */
  onset_fraction: z.number().min(0).max(0.95),
  /** Share of the duration spent recovering. */
  recovery_fraction: z.number().min(0).max(0.95),
  /** Services or datastores it can start at (root cause candidates). */
  targets: z.array(name).min(1),
  propagation: propagationSchema,
  effects: z.strictObject({ root: effectsSchema, propagated: effectsSchema.default({}) }),
  signature: z.strictObject({
    kubernetes: z.array(z.enum(SIGNALS.kubernetes)).default([]),
    sentry: z.array(z.enum(SIGNALS.sentry)).default([]),
    cloudwatch: z.array(z.enum(SIGNALS.cloudwatch)).default([]),
    grafana: z.array(z.enum(SIGNALS.grafana)).default([]),
  }),
});

export const incidentsFileSchema = z.strictObject({
  scenarios: z.partialRecord(z.enum(INCIDENT_TYPES), scenarioSchema),
});

// ---------------------------------------------------------------------------------------------
// generation.yaml

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] as const;
export const MONTH_KEYS = MONTHS;

const cronSchema = z
  .string()
  .regex(/^(\S+\s+){4}\S+$/, 'must be a five-field cron expression like "0 2 * * *"');

const jobSchema = z.strictObject({
  name,
  service: name,
  schedule: cronSchema,
  duration_mins: positive,
  cpu_factor: z.number().min(1).default(2),
  db_load_factor: z.number().min(1).default(1),
});

export const generationFileSchema = z.strictObject({
  seed: z.number().int().min(0).max(2 ** 32 - 1).default(1),
  traffic: z.strictObject({
    utc_offset_minutes: z.number().int().min(-720).max(840).default(0),
    requests_per_second: positive,
    /** Share of requests whose individual records (logs, traces) are generated. */
    traced_share: fraction,
    peak_hours: z.array(z.strictObject({ hour: z.number().min(0).max(24), width_hours: positive, weight: positive })).min(1),
    trough_factor: z.number().min(0.01).max(1),
    weekend_factor: z.number().min(0).max(5),
    seasonal_factors: z.partialRecord(z.enum(MONTHS), z.number().min(0).max(10)).default({}),
    special_days: z
      .array(z.strictObject({ date: z.string().regex(/^\d\d-\d\d$/, 'must be MM-DD'), factor: positive, name: z.string() }))
      .default([]),
    noise: z.strictObject({ amplitude: fraction, period_mins: positive }),
    jobs: z.array(jobSchema).default([]),
    gc_pauses: z.strictObject({ interval_mins: positive, pause_ms: range(0) }),
  }),
  sources: z.strictObject({
    kubernetes: z.strictObject({ enabled: z.boolean().default(true), volume: z.number().min(0).default(1) }),
    sentry: z.strictObject({
      enabled: z.boolean().default(true),
      volume: z.number().min(0).default(1),
      traces_sample_rate: fraction,
    }),
    cloudwatch: z.strictObject({
      enabled: z.boolean().default(true),
      volume: z.number().min(0).default(1),
      alb_access_log_share: fraction,
      period_secs: z.number().int().refine((v) => [1, 5, 10, 30, 60, 300].includes(v), 'must be 1, 5, 10, 30, 60 or 300'),
    }),
    grafana: z.strictObject({
      enabled: z.boolean().default(true),
      volume: z.number().min(0).default(1),
      step_secs: z.number().int().min(5).max(3600),
    }),
  }),
  incidents: z.strictObject({
    per_day: z.number().min(0).max(500),
    /** Each service has at most one incident of the same type at once. */
    min_gap_mins: z.number().min(0).default(30),
  }),
  realism: z.strictObject({
    duplicates: fraction,
    missing_optional_fields: fraction,
    clock_skew: z.strictObject({ hosts: fraction, max_ms: z.number().min(0).max(600_000) }),
    late_arrivals: z.strictObject({ share: fraction, max_delay_secs: z.number().min(0).max(3600) }),
  }),
  output: z
    .strictObject({
      format: z.enum(['jsonl.gz', 'jsonl']).default('jsonl.gz'),
      gzip_level: z.number().int().min(1).max(9).default(6),
      /** Split files by UTC day: always, never, or when the range is longer than a day. */
      split_by_day: z.enum(['auto', 'always', 'never']).default('auto'),
    })
    .default({ format: 'jsonl.gz', gzip_level: 6, split_by_day: 'auto' }),
});

export type ServicesFile = z.infer<typeof servicesFileSchema>;
export type IncidentsFile = z.infer<typeof incidentsFileSchema>;
export type GenerationFile = z.infer<typeof generationFileSchema>;
export type ServiceConfig = ServicesFile['services'][number];
export type EndpointConfig = ServiceConfig['endpoints'][number];
export type CallConfig = EndpointConfig['calls'][number];
export type DatastoreConfig = ServicesFile['datastores'][number];
export type ScenarioConfig = NonNullable<IncidentsFile['scenarios'][(typeof INCIDENT_TYPES)[number]]>;
export type Effects = ScenarioConfig['effects']['root'];
export type IncidentType = (typeof INCIDENT_TYPES)[number];
export type JobConfig = GenerationFile['traffic']['jobs'][number];
export type Signal<S extends SourceName = SourceName> = (typeof SIGNALS)[S][number];

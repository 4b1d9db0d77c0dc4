// OTLP resources (who emitted a record), derived from what each record itself says, per the
// OpenTelemetry semantic conventions. The OTLP transformer groups records by resource object
// identity, so one Resource object is kept per distinct resource (a bounded cache).
import type { AttributeValue } from '@opentelemetry/api';
import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import {
  ATTR_CLOUD_ACCOUNT_ID,
  ATTR_CLOUD_PROVIDER,
  ATTR_CLOUD_REGION,
  ATTR_CONTAINER_IMAGE_NAME,
  ATTR_CONTAINER_IMAGE_TAGS,
  ATTR_K8S_CRONJOB_NAME,
  ATTR_K8S_DEPLOYMENT_NAME,
  ATTR_K8S_JOB_NAME,
  ATTR_K8S_REPLICASET_NAME,
  ATTR_SERVICE_NAME,
  CLOUD_PROVIDER_AWS,
} from './semconv.js';

export type ResourceAttributes = Record<string, AttributeValue>;

/** Resource objects by a caller-made key; the same key always gives the same object. */
export class ResourceCache {
  private readonly byKey = new Map<string, Resource>();

  constructor(
    /** Added to every resource where the record itself does not say (config `resource_attributes`). */
    private readonly defaults: Readonly<ResourceAttributes> = {},
    private readonly maxEntries = 20_000,
  ) {}

  get(key: string, build: () => ResourceAttributes): Resource {
    let resource = this.byKey.get(key);
    if (!resource) {
      const attributes: ResourceAttributes = { ...this.defaults };
      for (const [k, v] of Object.entries(build())) if (v !== undefined && v !== '') attributes[k] = v;
      resource = resourceFromAttributes(attributes);
      if (this.byKey.size >= this.maxEntries) this.byKey.clear();
      this.byKey.set(key, resource);
    }
    return resource;
  }

  get size(): number {
    return this.byKey.size;
  }
}

/** `service.name` plus `cloud.provider` for records that come from AWS. */
export function baseAttributes(service: string, aws: boolean): ResourceAttributes {
  const out: ResourceAttributes = { [ATTR_SERVICE_NAME]: service };
  if (aws) out[ATTR_CLOUD_PROVIDER] = CLOUD_PROVIDER_AWS;
  return out;
}

const ECR = /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z]{2}(?:-[a-z]+)+-\d)\.amazonaws\.com(?:\.cn)?\//;

export interface ImageRef {
  readonly name: string;
  readonly tag?: string;
  /** For images in Amazon ECR: the registry's account and region. */
  readonly accountId?: string;
  readonly region?: string;
}

/** `registry/repo:tag` (or `@sha256:...`) split as container.image.name / tags. */
export function parseImage(image: string): ImageRef {
  const at = image.indexOf('@');
  const ref = at >= 0 ? image.slice(0, at) : image;
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  const hasTag = colon > slash;
  const name = hasTag ? ref.slice(0, colon) : ref;
  const tag = hasTag ? ref.slice(colon + 1) : undefined;
  const ecr = ECR.exec(image);
  return { name, tag, accountId: ecr?.[1], region: ecr?.[2] };
}

/** container.image.* and, for ECR images, cloud.account.id / cloud.region / cloud.provider. */
export function imageAttributes(image: string | undefined, into: ResourceAttributes): void {
  if (!image) return;
  const ref = parseImage(image);
  into[ATTR_CONTAINER_IMAGE_NAME] = ref.name;
  if (ref.tag) into[ATTR_CONTAINER_IMAGE_TAGS] = [ref.tag];
  if (ref.accountId) {
    into[ATTR_CLOUD_PROVIDER] = CLOUD_PROVIDER_AWS;
    into[ATTR_CLOUD_ACCOUNT_ID] = ref.accountId;
    into[ATTR_CLOUD_REGION] = ref.region!;
  }
}

/**
 * The region an EC2 private DNS name implies: `ip-10-0-1-2.ec2.internal` is us-east-1, other
 * regions use `ip-....<region>.compute.internal`.
 */
export function regionOfEc2Hostname(host: string): string | undefined {
  if (host.endsWith('.ec2.internal')) return 'us-east-1';
  const m = /\.([a-z]{2}(?:-[a-z]+)+-\d)\.compute\.internal$/.exec(host);
  return m?.[1];
}

/** A zone like us-east-1a without its letter. */
export function regionOfZone(zone: string): string | undefined {
  const m = /^([a-z]{2}(?:-[a-z]+)+-\d)[a-z]$/.exec(zone);
  return m?.[1];
}

/**
 * The workload a pod belongs to, from its name and `pod-template-hash` label, the way the
 * collector's k8sattributes processor derives it without API access: a Deployment's pods are
 * `<deployment>-<hash>-<suffix>`; a CronJob's are `<cronjob>-<schedule time>-<suffix>`.
 */
export function workloadAttributes(podName: string, labels: Readonly<Record<string, string>> | undefined, into: ResourceAttributes): void {
  const hash = labels?.['pod-template-hash'];
  const dash = podName.lastIndexOf('-');
  if (dash <= 0) return;
  const owner = podName.slice(0, dash);
  if (hash && hash !== 'job' && owner.endsWith(`-${hash}`)) {
    into[ATTR_K8S_REPLICASET_NAME] = owner;
    into[ATTR_K8S_DEPLOYMENT_NAME] = owner.slice(0, owner.length - hash.length - 1);
    return;
  }
  const job = /^(.+)-(\d{8,10})$/.exec(owner);
  if (job) {
    into[ATTR_K8S_JOB_NAME] = owner;
    into[ATTR_K8S_CRONJOB_NAME] = job[1]!;
  }
}

/** `k8s.pod.label.<key>`-style attributes. */
export function labelAttributes(prefix: string, labels: Readonly<Record<string, string>> | undefined, into: ResourceAttributes): void {
  if (!labels) return;
  for (const [k, v] of Object.entries(labels)) into[`${prefix}${k}`] = v;
}

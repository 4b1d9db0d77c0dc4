// The AWS side of the shop: load balancer, target group, database instances, cache nodes,
// buckets and node instance ids, named and ARNed the way AWS names them. Derived once per World
// from the configuration and the seed, so every CloudWatch record (and the alarm definitions)
// names the same resources.
import { EDGE_DOMAIN, type ClusterNode } from '../../model/topology.js';
import { hashString, hex32 } from '../../random/rng.js';
import type { World } from '../../simulation/world.js';

export interface AlbNode {
  readonly zone: string;
  /** Public IP of the load balancer node in that zone (names the access-log stream). */
  readonly ip: string;
}

export interface AwsResources {
  readonly account: string;
  readonly region: string;
  readonly clusterName: string;
  /** LoadBalancer dimension value: app/<name>/<16 hex>. */
  readonly albId: string;
  readonly albName: string;
  readonly albArn: string;
  /** TargetGroup dimension value: targetgroup/<name>/<16 hex>. */
  readonly targetGroup: string;
  readonly targetGroupArn: string;
  readonly albNodes: readonly AlbNode[];
  readonly zones: readonly string[];
  readonly domain: string;
  readonly certificateArn: string;
  readonly rdsPrimary: string;
  readonly rdsReplicas: readonly string[];
  /** CacheClusterId of each cache node; the first is the primary. */
  readonly cacheNodes: readonly string[];
  readonly buckets: readonly string[];
  readonly instanceIds: ReadonlyMap<string, string>;
  readonly alertTopicArn: string;
}

/** n hex digits that are a pure function of (seed, label). */
function hexOf(seed: number, label: string, n: number): string {
  let out = '';
  for (let i = 0; out.length < n; i++) out += hex32(hashString(`${label}#${i}`, seed));
  return out.slice(0, n);
}

const cache = new WeakMap<World, AwsResources>();

export function awsResources(world: World): AwsResources {
  let r = cache.get(world);
  if (!r) cache.set(world, (r = build(world)));
  return r;
}

function build(world: World): AwsResources {
  const cfg = world.topology.config;
  const { account_id: account, region } = cfg.aws;
  const seed = world.options.seed;
  const albName = cfg.aws.alb.name;
  const albId = `app/${albName}/${hexOf(seed, `alb:${albName}`, 16)}`;
  // Target group names are at most 32 characters.
  const tgName = `${cfg.cluster.name}-${cfg.aws.alb.target_service}`.slice(0, 32).replace(/-+$/, '');
  const targetGroup = `targetgroup/${tgName}/${hexOf(seed, `tg:${tgName}`, 16)}`;
  const zones = [...new Set(world.topology.nodes.map((n) => n.zone))].sort();
  const albNodes = zones.map((zone, i) => {
    const h = hashString(`albnode:${zone}`, seed);
    return { zone, ip: `${[3, 34, 52, 54][i % 4]}.${(h >>> 8) % 250 + 2}.${(h >>> 16) % 250 + 2}.${(h >>> 24) % 250 + 2}` };
  });
  const uuid = hexOf(seed, 'acm', 32);
  const instanceIds = new Map<string, string>(world.topology.nodes.map((n: ClusterNode) => [n.name, `i-0${hexOf(seed, `ec2:${n.name}`, 16)}`]));
  const { rds, elasticache } = cfg.aws;
  return {
    account,
    region,
    clusterName: cfg.cluster.name,
    albId,
    albName,
    albArn: `arn:aws:elasticloadbalancing:${region}:${account}:loadbalancer/${albId}`,
    targetGroup,
    targetGroupArn: `arn:aws:elasticloadbalancing:${region}:${account}:${targetGroup}`,
    albNodes,
    zones,
    domain: EDGE_DOMAIN,
    certificateArn: `arn:aws:acm:${region}:${account}:certificate/${uuid.slice(0, 8)}-${uuid.slice(8, 12)}-${uuid.slice(12, 16)}-${uuid.slice(16, 20)}-${uuid.slice(20, 32)}`,
    rdsPrimary: rds.instance_id,
    rdsReplicas: Array.from({ length: rds.read_replicas }, (_, i) => `${rds.instance_id}-replica-${i + 1}`),
    cacheNodes: Array.from({ length: elasticache.nodes }, (_, i) => `${elasticache.cluster_id}-${String(i + 1).padStart(4, '0')}`),
    buckets: cfg.aws.s3.buckets,
    instanceIds,
    alertTopicArn: `arn:aws:sns:${region}:${account}:${cfg.cluster.name}-alerts`,
  };
}

// Which service or datastore of the shop a record is about. Records name their subject the way
// their system does: a service, a pod's service, an RDS instance, a cache node, a bucket, a
// queue, a probe URL, a load balancer. Windowed samples are keyed by the shop's own names.
import type { ServicesFile } from '../config/schema.js';
import { EDGE_DOMAIN } from '../model/topology.js';

export class EntityResolver {
  /** Services first (in configuration order), then datastores. */
  readonly entities: readonly string[];
  private readonly exact = new Map<string, string>();
  private readonly prefixes: Array<[string, string]> = [];
  private readonly cache = new Map<string, string | null>();

  constructor(config: ServicesFile) {
    this.entities = [...config.services.map((s) => s.name), ...config.datastores.map((d) => d.name)];
    for (const e of this.entities) this.exact.set(e, e);
    const byType = (type: string) => config.datastores.find((d) => d.type === type)?.name;
    const byManager = (m: string) => config.datastores.find((d) => d.managed_by === m)?.name;
    for (const d of config.datastores) {
      if (d.host) {
        this.exact.set(d.host, d.name);
        if (d.managed_by !== 'external') this.exact.set(d.host.split('.')[0]!, d.name);
        this.exact.set(`https://${d.host}`, d.name);
      }
      for (const q of d.queues ?? []) this.exact.set(q, d.name);
      // Recording rules and exporters named after the datastore: coredns:..., redis:..., pg_...
      this.prefixes.push([`${d.name}:`, d.name]);
      this.prefixes.push([`${d.type}:`, d.name]);
    }
    const { aws } = config;
    const edge = aws.alb.target_service;
    this.exact.set(aws.alb.name, edge);
    // The blackbox probe of the public endpoint (its certificate): the edge service.
    this.exact.set(`https://${EDGE_DOMAIN}`, edge);
    const rds = byManager('rds') ?? byType('postgres');
    if (rds) {
      this.exact.set(aws.rds.instance_id, rds);
      this.prefixes.push([`${aws.rds.instance_id}-`, rds]);
    }
    const cache = byManager('elasticache') ?? byType('redis');
    if (cache) this.prefixes.push([aws.elasticache.cluster_id, cache]);
    const s3 = byType('s3');
    if (s3) for (const b of aws.s3.buckets) this.exact.set(b, s3);
  }

  /** The entity a name refers to, or undefined (nodes, the cluster, unknown names). */
  resolve(name: string | undefined): string | undefined {
    if (name === undefined || name === '') return undefined;
    const hit = this.cache.get(name);
    if (hit !== undefined) return hit ?? undefined;
    let out = this.exact.get(name);
    if (out === undefined) for (const [p, e] of this.prefixes) if (name.startsWith(p)) out = e;
    if (this.cache.size < 100_000) this.cache.set(name, out ?? null);
    return out;
  }
}

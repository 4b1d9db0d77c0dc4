// What the CloudWatch models need from the topology that does not change with time: how often
// each datastore operation runs per edge request, what each service costs in CPU per request,
// connection pool sizes, and which targets can move which resource. Built once per World.
import type { Call, ClusterNode, Consumer, Datastore, Service } from '../../model/topology.js';
import type { World } from '../../simulation/world.js';
import { awsResources, type AwsResources } from './resources.js';

export interface ServiceStatics {
  readonly service: Service;
  /** HTTP requests plus consumed messages per edge request. */
  readonly throughputPerEdge: number;
  readonly replicas: number;
  readonly cpuLimitMilli: number;
  readonly cpuRequestMilli: number;
  readonly memLimitBytes: number;
  readonly memRequestBytes: number;
  /** CPU of an idle pod, and per request/s it serves (calibrated to ~25% of the limit on an average day). */
  readonly cpuIdleMilli: number;
  readonly cpuPerRps: number;
  /** Idle connections each pod keeps open to PostgreSQL (0 when it does not use it). */
  readonly pgPoolMin: number;
  readonly redisPool: number;
  /** The service and everything it calls, directly or not: targets whose incidents reach it. */
  readonly closure: readonly string[];
}

export interface QueueStatics {
  readonly queue: string;
  readonly consumer: Consumer;
  readonly broker?: Datastore;
}

export interface Statics {
  readonly world: World;
  readonly res: AwsResources;
  readonly services: ReadonlyMap<string, ServiceStatics>;
  readonly serviceList: readonly ServiceStatics[];
  readonly postgres?: Datastore;
  readonly redis?: Datastore;
  readonly s3?: Datastore;
  /** PostgreSQL reads / writes per edge request. */
  readonly pgReadPerEdge: number;
  readonly pgWritePerEdge: number;
  /** Extra PostgreSQL reads per edge request for each unit of cache-miss ratio (reads the cache would have saved). */
  readonly pgForcedPerEdge: number;
  readonly redisGetPerEdge: number;
  readonly redisSetPerEdge: number;
  readonly s3HeadPerEdge: number;
  readonly s3PutPerEdge: number;
  readonly queues: readonly QueueStatics[];
  readonly pgServices: readonly string[];
  readonly redisServices: readonly string[];
  readonly s3Services: readonly string[];
  /** Every service and datastore name. */
  readonly allTargets: readonly string[];
  readonly rdsMemoryBytes: number;
  readonly nodes: ReadonlyMap<string, ClusterNode>;
}

const GIB = 1024 ** 3;
const MIB = 1024 ** 2;

/** Idle connections per pod by runtime: HikariCP, pg-pool, SQLAlchemy, pgxpool defaults as teams tune them. */
const PG_POOL_MIN: Readonly<Record<Service['language'], number>> = { java: 10, node: 5, python: 5, go: 4 };

/** Memory of common RDS instance classes (GiB). */
function instanceMemoryGib(instanceClass: string): number {
  const size = instanceClass.split('.').pop() ?? '';
  const table: Record<string, number> = { medium: 4, large: 16, xlarge: 32, '2xlarge': 64, '4xlarge': 128, '8xlarge': 256 };
  return table[size] ?? 32;
}

const cache = new WeakMap<World, Statics>();

export function staticsOf(world: World): Statics {
  let s = cache.get(world);
  if (!s) cache.set(world, (s = build(world)));
  return s;
}

function build(world: World): Statics {
  const { topology, flow } = world;
  const postgres = topology.datastoreOfType('postgres');
  const redis = topology.datastoreOfType('redis');
  const s3 = topology.datastoreOfType('s3');
  let pgRead = 0;
  let pgWrite = 0;
  let pgForced = 0;
  let redisGet = 0;
  let redisSet = 0;
  let s3Head = 0;
  let s3Put = 0;
  const visit = (calls: readonly Call[], rate: number): void => {
    for (let i = 0; i < calls.length; i++) {
      const c = calls[i]!;
      if (c.targetKind !== 'datastore') continue;
      const r = rate * c.probability;
      if (c.target === postgres?.name) {
        if (/^(SELECT|WITH)\b/i.test(c.operation)) pgRead += r;
        else pgWrite += r;
      } else if (c.target === redis?.name) {
        if (/^(GET|MGET|HGET)/i.test(c.operation)) {
          redisGet += r;
          // A miss forces the PostgreSQL read that follows it (requests.ts: forceDb).
          const pg = calls.slice(i + 1).find((x) => x.target === postgres?.name);
          if (pg) pgForced += r * (1 - pg.probability);
        } else redisSet += r;
      } else if (c.target === s3?.name) {
        if (/^(Put|Upload|Copy)/.test(c.operation)) s3Put += r;
        else s3Head += r;
      }
    }
  };
  for (const s of topology.services) {
    for (const e of s.endpoints) visit(e.calls, flow.endpointRate(s.name, e.route));
    for (const c of s.consumers) visit(c.calls, flow.queueRate(c.queue));
  }

  const usersOf = (ds: Datastore | undefined): string[] => (ds ? topology.callersOf(ds.name).filter((n) => topology.isService(n)) : []);
  const pgServices = usersOf(postgres);
  const redisServices = usersOf(redis);
  const rps = world.generation.traffic.requests_per_second;
  const services = new Map<string, ServiceStatics>();
  for (const service of topology.services) {
    const throughputPerEdge = flow.serviceRate(service.name) + service.consumers.reduce((sum, c) => sum + flow.queueRate(c.queue), 0);
    const r = service.config.resources;
    const cpuLimitMilli = r.cpu_limit_millicores;
    const cpuIdleMilli = 0.05 * cpuLimitMilli;
    const avgRpsPerPod = (rps * throughputPerEdge) / service.config.replicas;
    const cpuPerRps = avgRpsPerPod > 1e-3 ? (0.25 * cpuLimitMilli - cpuIdleMilli) / avgRpsPerPod : 0;
    services.set(service.name, {
      service,
      throughputPerEdge,
      replicas: service.config.replicas,
      cpuLimitMilli,
      cpuRequestMilli: r.cpu_request_millicores,
      memLimitBytes: r.memory_limit_mib * MIB,
      memRequestBytes: r.memory_request_mib * MIB,
      cpuIdleMilli: avgRpsPerPod > 1e-3 ? cpuIdleMilli : 0.25 * cpuLimitMilli,
      cpuPerRps,
      pgPoolMin: pgServices.includes(service.name) ? PG_POOL_MIN[service.language] : 0,
      redisPool: redisServices.includes(service.name) ? 8 : 0,
      closure: closureOf(world, service.name),
    });
  }
  const queues: QueueStatics[] = [];
  for (const s of topology.services) {
    for (const consumer of s.consumers) {
      queues.push({ queue: consumer.queue, consumer, broker: topology.datastores.find((d) => d.config.queues?.includes(consumer.queue)) });
    }
  }
  return {
    world,
    res: awsResources(world),
    services,
    serviceList: [...services.values()],
    postgres,
    redis,
    s3,
    pgReadPerEdge: pgRead,
    pgWritePerEdge: pgWrite,
    pgForcedPerEdge: pgForced,
    redisGetPerEdge: redisGet,
    redisSetPerEdge: redisSet,
    s3HeadPerEdge: s3Head,
    s3PutPerEdge: s3Put,
    queues,
    pgServices,
    redisServices,
    s3Services: usersOf(s3),
    allTargets: [...topology.services.map((s) => s.name), ...topology.datastores.map((d) => d.name)],
    rdsMemoryBytes: instanceMemoryGib(topology.config.aws.rds.instance_class) * GIB,
    nodes: new Map(topology.nodes.map((n) => [n.name, n])),
  };
}

/** A target and everything downstream of it (callees, their callees, brokers of consumed queues). */
export function closureOf(world: World, name: string): string[] {
  const { topology } = world;
  const seen = new Set<string>();
  const stack = [name];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (seen.has(n)) continue;
    seen.add(n);
    const s = topology.findService(n);
    if (!s) continue;
    for (const e of s.endpoints) for (const c of e.calls) stack.push(c.target);
    // Every workload resolves names through cluster DNS.
    for (const d of topology.datastores) if (d.config.type === 'dns') stack.push(d.name);
    for (const c of s.consumers) {
      for (const call of c.calls) stack.push(call.target);
      const broker = topology.datastores.find((d) => d.config.queues?.includes(c.queue));
      if (broker) stack.push(broker.name);
    }
  }
  return [...seen].sort();
}

// The shop as the simulation sees it: services with their endpoints and calls resolved,
// datastores, nodes, and the reverse call graph incidents travel along.
import type { DatastoreConfig, EndpointConfig, ServiceConfig, ServicesFile } from '../config/schema.js';
import { cumulativeWeights } from '../random/rng.js';

/** The shop's public host name: the ALB's certificate, the edge probe, the access logs. */
export const EDGE_DOMAIN = 'shop.example.com';

/** Log-normal parameters from a median and a 99th percentile. */
export interface Latency {
  readonly medianMs: number;
  readonly sigma: number;
}

const Z99 = 2.326;

export function latencyFrom(p50: number, p99: number): Latency {
  return { medianMs: p50, sigma: Math.max(0.05, Math.log(p99 / p50) / Z99) };
}

export interface Call {
  readonly target: string;
  readonly targetKind: 'service' | 'datastore';
  /** Callee endpoint (service calls). */
  endpoint?: Endpoint;
  readonly operation: string;
  readonly probability: number;
}

export interface Endpoint {
  readonly service: string;
  readonly route: string;
  readonly method: string;
  /** Path template, e.g. /orders/{id} */
  readonly path: string;
  readonly weight: number;
  readonly latency: Latency;
  readonly errorRate: number;
  readonly public: boolean;
  readonly calls: Call[];
  /** Queue a successful request publishes to, if any. */
  publishes?: string;
}

export interface Consumer {
  readonly service: string;
  readonly queue: string;
  readonly latency: Latency;
  readonly errorRate: number;
  readonly calls: Call[];
}

export interface Service {
  readonly name: string;
  readonly index: number;
  readonly config: ServiceConfig;
  readonly namespace: string;
  readonly language: ServiceConfig['language'];
  readonly endpoints: Endpoint[];
  readonly endpointWeights: number[];
  readonly consumers: Consumer[];
}

export interface Datastore {
  readonly name: string;
  readonly config: DatastoreConfig;
  readonly latency: Latency;
}

export interface ClusterNode {
  readonly name: string;
  readonly index: number;
  readonly instanceType: string;
  readonly zone: string;
  readonly cpuCores: number;
  readonly memoryBytes: number;
  readonly diskBytes: number;
  /** Node IP derived from its name (ip-10-0-1-17 -> 10.0.1.17). */
  readonly ip: string;
}

export class Topology {
  readonly services: Service[];
  readonly datastores: Datastore[];
  readonly nodes: ClusterNode[];
  readonly config: ServicesFile;
  private readonly serviceMap = new Map<string, Service>();
  private readonly datastoreMap = new Map<string, Datastore>();
  /** callee -> services that call it (directly). */
  private readonly callerMap = new Map<string, Set<string>>();
  /** The ALB's target: the service every public request enters through. */
  readonly edge: Service;
  readonly edgeEndpoints: Endpoint[];
  readonly edgeWeights: number[];

  constructor(config: ServicesFile) {
    this.config = config;
    this.datastores = config.datastores.map((d) => ({ name: d.name, config: d, latency: latencyFrom(d.latency_ms.p50, d.latency_ms.p99) }));
    for (const d of this.datastores) this.datastoreMap.set(d.name, d);
    this.services = config.services.map((s, index) => this.buildService(s, index));
    for (const s of this.services) this.serviceMap.set(s.name, s);
    // Resolve service-to-service calls now that every endpoint exists.
    for (const s of this.services) {
      for (const e of s.endpoints) this.resolveCalls(s.name, e.calls);
      for (const c of s.consumers) this.resolveCalls(s.name, c.calls);
    }
    // Every workload resolves names through cluster DNS.
    for (const d of this.datastores) {
      if (d.config.type === 'dns') for (const s of this.services) this.addCaller(d.name, s.name);
    }
    // A consumer depends on the queue's broker.
    for (const s of this.services) {
      for (const c of s.consumers) {
        const broker = this.datastores.find((d) => d.config.queues?.includes(c.queue));
        if (broker) this.addCaller(broker.name, s.name);
      }
    }
    this.nodes = config.nodes.map((n, index) => ({
      name: n.name,
      index,
      instanceType: n.instance_type,
      zone: n.zone,
      cpuCores: n.cpu_cores,
      memoryBytes: n.memory_gib * 1024 ** 3,
      diskBytes: n.disk_gib * 1024 ** 3,
      ip: /ip-(\d+)-(\d+)-(\d+)-(\d+)/.exec(n.name)?.slice(1).join('.') ?? `10.0.0.${index + 10}`,
    }));
    this.edge = this.service(config.aws.alb.target_service);
    this.edgeEndpoints = this.edge.endpoints.filter((e) => e.public);
    if (this.edgeEndpoints.length === 0) this.edgeEndpoints = this.edge.endpoints;
    this.edgeWeights = cumulativeWeights(this.edgeEndpoints.map((e) => e.weight));
  }

  private buildService(s: ServiceConfig, index: number): Service {
    const endpoints = s.endpoints.map((e) => this.buildEndpoint(s.name, e));
    for (const p of s.publishes) {
      const e = endpoints.find((x) => x.route === p.route);
      if (e) e.publishes = p.queue;
    }
    return {
      name: s.name,
      index,
      config: s,
      namespace: s.namespace,
      language: s.language,
      endpoints,
      endpointWeights: cumulativeWeights(endpoints.map((e) => e.weight)),
      consumers: s.consumes.map((c) => ({
        service: s.name,
        queue: c.queue,
        latency: latencyFrom(c.latency_ms.p50, c.latency_ms.p99),
        errorRate: c.error_rate,
        calls: c.calls.map((call) => this.buildCall(call)),
      })),
    };
  }

  private buildEndpoint(service: string, e: EndpointConfig): Endpoint {
    const space = e.route.indexOf(' ');
    return {
      service,
      route: e.route,
      method: e.route.slice(0, space),
      path: e.route.slice(space + 1),
      weight: e.weight,
      latency: latencyFrom(e.latency_ms.p50, e.latency_ms.p99),
      errorRate: e.error_rate,
      public: e.public,
      calls: e.calls.map((c) => this.buildCall(c)),
    };
  }

  private buildCall(c: EndpointConfig['calls'][number]): Call {
    const isDatastore = this.datastoreMap.has(c.target);
    return {
      target: c.target,
      targetKind: isDatastore ? 'datastore' : 'service',
      operation: c.operation ?? c.route ?? 'call',
      probability: c.probability,
    };
  }

  private resolveCalls(caller: string, calls: Call[]): void {
    for (const call of calls) {
      this.addCaller(call.target, caller);
      if (call.targetKind === 'service') {
        const callee = this.serviceMap.get(call.target);
        call.endpoint = callee?.endpoints.find((e) => e.route === call.operation);
      }
    }
  }

  private addCaller(callee: string, caller: string): void {
    if (callee === caller) return;
    let set = this.callerMap.get(callee);
    if (!set) this.callerMap.set(callee, (set = new Set()));
    set.add(caller);
  }

  service(name: string): Service {
    const s = this.serviceMap.get(name);
    if (!s) throw new Error(`unknown service ${name}`);
    return s;
  }

  findService(name: string): Service | undefined {
    return this.serviceMap.get(name);
  }

  datastore(name: string): Datastore | undefined {
    return this.datastoreMap.get(name);
  }

  isService(name: string): boolean {
    return this.serviceMap.has(name);
  }

  /** Services that call `name` directly, sorted (deterministic order). */
  callersOf(name: string): string[] {
    return [...(this.callerMap.get(name) ?? [])].sort();
  }

  /** Datastore of a given type, if the shop has one. */
  datastoreOfType(type: DatastoreConfig['type']): Datastore | undefined {
    return this.datastores.find((d) => d.config.type === type);
  }

  /** Services calling a datastore of this type (directly). */
  servicesUsing(type: DatastoreConfig['type']): Service[] {
    const ds = this.datastores.filter((d) => d.config.type === type).map((d) => d.name);
    return this.services.filter((s) => ds.some((d) => this.callerMap.get(d)?.has(s.name)));
  }
}

// Expected traffic through the call graph: how many times each endpoint runs per request at
// the edge, and how many messages each queue receives. Metrics use these rates for the whole
// population of requests; the request simulator draws individual requests from the same graph.
import type { Endpoint, Topology } from '../model/topology.js';

export interface EndpointFlow {
  readonly endpoint: Endpoint;
  /** Expected calls of this endpoint per edge request. */
  readonly perEdgeRequest: number;
}

export class TrafficFlow {
  /** service -> endpoint route -> expected calls per edge request */
  private readonly visits = new Map<string, Map<string, number>>();
  /** datastore -> expected calls per edge request */
  private readonly datastoreVisits = new Map<string, number>();
  /** queue -> expected messages per edge request */
  private readonly queueVisits = new Map<string, number>();

  constructor(private readonly topology: Topology) {
    const edge = topology.edge;
    const total = edge.endpointWeights[edge.endpointWeights.length - 1] ?? 1;
    const edgeTotal = topology.edgeWeights[topology.edgeWeights.length - 1] ?? total;
    for (const e of topology.edgeEndpoints) this.walk(e, e.weight / edgeTotal, 0);
    // Messages are consumed once each; consumer calls add datastore visits.
    for (const s of topology.services) {
      for (const c of s.consumers) {
        const rate = this.queueVisits.get(c.queue) ?? 0;
        for (const call of c.calls) {
          this.datastoreVisits.set(call.target, (this.datastoreVisits.get(call.target) ?? 0) + rate * call.probability);
        }
      }
    }
  }

  private walk(e: Endpoint, rate: number, depth: number): void {
    if (depth > 16) return;
    let routes = this.visits.get(e.service);
    if (!routes) this.visits.set(e.service, (routes = new Map()));
    routes.set(e.route, (routes.get(e.route) ?? 0) + rate);
    if (e.publishes) this.queueVisits.set(e.publishes, (this.queueVisits.get(e.publishes) ?? 0) + rate);
    for (const call of e.calls) {
      const r = rate * call.probability;
      if (call.targetKind === 'service' && call.endpoint) this.walk(call.endpoint, r, depth + 1);
      else this.datastoreVisits.set(call.target, (this.datastoreVisits.get(call.target) ?? 0) + r);
    }
  }

  /** Expected calls of one endpoint per edge request. */
  endpointRate(service: string, route: string): number {
    return this.visits.get(service)?.get(route) ?? 0;
  }

  /** Expected requests a service handles per edge request (all endpoints). */
  serviceRate(service: string): number {
    let sum = 0;
    for (const v of this.visits.get(service)?.values() ?? []) sum += v;
    return sum;
  }

  datastoreRate(name: string): number {
    return this.datastoreVisits.get(name) ?? 0;
  }

  queueRate(queue: string): number {
    return this.queueVisits.get(queue) ?? 0;
  }

  /** Endpoints a service serves with their rates (only those reached from the edge). */
  endpointsOf(service: string): EndpointFlow[] {
    const s = this.topology.service(service);
    return s.endpoints.map((endpoint) => ({ endpoint, perEdgeRequest: this.endpointRate(service, endpoint.route) }));
  }
}

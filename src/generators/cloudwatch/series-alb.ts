// AWS/ApplicationELB: the load balancer in front of the gateway. Load-balancer-wide metrics,
// the target group's (host counts, per-target load) and per-zone ones, as ALB publishes them.
import type { StandardUnit } from '@aws-sdk/client-cloudwatch';
import type { Pod } from '../../simulation/rollouts.js';
import type { ServiceStats, Snap } from './model.js';
import { defineSeries, latencySample, type Sample, type Series, type SeriesSpec } from './series.js';
import type { Statics } from './statics.js';

const NS = 'AWS/ApplicationELB';
/** Share of clients each zone's load balancer node receives (DNS round robin is never even). */
const ZONE_SHARE = [0.35, 0.33, 0.32];
const BYTES_IN = 1300;
const BYTES_OUT = 2600;

export interface AlbState {
  /** Client requests per second, TLS failures included. */
  readonly attempts: number;
  readonly tlsErrors: number;
  /** Requests per second routed to targets. */
  readonly requests: number;
  readonly elb5: number;
  readonly elb4: number;
  readonly targetConnErrors: number;
  /** Registered targets (the gateway's pods) and which of them fail their health checks. */
  readonly targets: readonly Pod[];
  readonly unhealthy: ReadonlySet<string>;
  /** The gateway as the requests that reach it see it. */
  readonly edge: ServiceStats;
}

export function albState(s: Snap): AlbState {
  return s.memo('alb', () => {
    const edgeName = s.st.world.topology.edge.name;
    const c = s.cond(edgeName);
    let tlsShare = 0;
    let gated = false;
    for (const a of c.activities) {
      const sig = a.incident.signature.cloudwatch;
      if (sig.includes('alb_unhealthy_hosts')) gated = true;
      // An expired certificate on the listener: handshakes fail before a request exists.
      if (a.incident.type === 'certificate_expiry' && a.target.hops === 0 && sig.includes('alb_tls_errors')) {
        tlsShare = Math.max(tlsShare, Math.min(1, (a.incident.effects.root.error_rate ?? 0.95) * a.intensity));
      }
    }
    const attempts = s.edgeRps();
    const requests = attempts * (1 - tlsShare);
    // Health checks fail when the gateway fails a good share of what it serves (or pods are not ready).
    const unhealthyShare = gated ? Math.max(c.unavailable, Math.min(0.67, Math.max(0, (c.errorRate - 0.1) * 2))) : 0;
    const { serving, broken } = s.podsAt(edgeName);
    const unhealthy = new Set<string>();
    const k = Math.min(serving.length, Math.round(unhealthyShare * serving.length));
    for (let i = serving.length - k; i < serving.length; i++) unhealthy.add(serving[i]!.name);
    // A broken release's pod is registered but never passes a health check.
    if (broken) unhealthy.add(broken.name);
    const targets = broken ? [...serving, broken] : serving;
    const healthy = targets.length - unhealthy.size;
    const gateway = s.service(edgeName);
    // The expiry's own errors are handshake failures, not answers of the targets.
    const edge = tlsShare > 0 ? { ...gateway, rps: gateway.rps * (1 - tlsShare), f5: tlsShare >= 1 ? 0 : Math.max(0, (gateway.f5 - tlsShare) / (1 - tlsShare)) } : gateway;
    return {
      attempts,
      tlsErrors: attempts * (0.0004 + tlsShare),
      requests,
      elb5: requests * (healthy === 0 ? 1 : 0.00002 + unhealthyShare * 0.02),
      elb4: requests * 0.001,
      targetConnErrors: requests * unhealthyShare * 0.01,
      targets,
      unhealthy,
      edge,
    };
  });
}

export function albSeries(st: Statics): Series[] {
  const r = st.res;
  const edgeName = st.world.topology.edge.name;
  const targets = st.services.get(edgeName)!.closure;
  const LB = ['LoadBalancer', r.albId] as const;
  const TG = ['TargetGroup', r.targetGroup] as const;
  const out: Series[] = [];
  const add = (metricName: string, dimensions: ReadonlyArray<readonly [string, string]>, unit: StandardUnit, model: (s: Snap, p: number) => Sample | undefined, extra: Partial<SeriesSpec> = {}): void => {
    out.push(defineSeries({ namespace: NS, metricName, dimensions, unit, resource: r.albName, targets, model, ...extra }));
  };
  const zoneOf = (node: string): string => st.nodes.get(node)?.zone ?? '';

  /** Target-level metrics (per load balancer, per target group) for a share of the traffic. */
  // The one target group gets all the load balancer's requests: same numbers, same noise.
  const targetMetrics = (dims: ReadonlyArray<readonly [string, string]>): void => {
    const noiseKey = (metric: string): string => `${NS}|${metric}|LoadBalancer=${r.albId}`;
    add('RequestCount', dims, 'Count', (s, p) => albState(s).requests * p, { noiseKey: noiseKey('RequestCount') });
    add('TargetResponseTime', dims, 'Seconds', (s, p) => latencySample(s.latencyOf('alb', albState(s).edge), albState(s).requests * p, 1 / 1000), { noise: 'count', noiseKey: noiseKey('RequestCount') });
    add('HTTPCode_Target_2XX_Count', dims, 'Count', (s, p) => albState(s).requests * p * (1 - albState(s).edge.f5 - albState(s).edge.f4), { noiseKey: noiseKey('2XX') });
    add('HTTPCode_Target_4XX_Count', dims, 'Count', (s, p) => albState(s).requests * p * albState(s).edge.f4, { sparse: true, noiseKey: noiseKey('4XX') });
    add('HTTPCode_Target_5XX_Count', dims, 'Count', (s, p) => albState(s).requests * p * albState(s).edge.f5, { sparse: true, noiseKey: noiseKey('5XX') });
  };

  targetMetrics([LB]);
  add('HTTPCode_ELB_4XX_Count', [LB], 'Count', (s, p) => albState(s).elb4 * p, { sparse: true });
  add('HTTPCode_ELB_5XX_Count', [LB], 'Count', (s, p) => albState(s).elb5 * p, { sparse: true });
  // Keep-alive: a client connection carries about a dozen requests.
  add('ActiveConnectionCount', [LB], 'Count', (s, p) => albState(s).attempts * 0.9 * p);
  add('NewConnectionCount', [LB], 'Count', (s, p) => albState(s).attempts * 0.08 * p);
  add('ProcessedBytes', [LB], 'Bytes', (s, p) => albState(s).requests * (BYTES_IN + BYTES_OUT) * p + albState(s).tlsErrors * 900 * p, { noise: 'gauge', jitter: 0.04 });
  add('ClientTLSNegotiationErrorCount', [LB], 'Count', (s, p) => albState(s).tlsErrors * p, { sparse: true });
  add('TargetConnectionErrorCount', [LB], 'Count', (s, p) => albState(s).targetConnErrors * p, { sparse: true });
  // LCUs: the largest of the four dimensions (new connections, active connections, GB/hour, rule evaluations).
  add('ConsumedLCUs', [LB], 'Count', (s) => {
    const a = albState(s);
    return Math.max(a.attempts * 0.08 / 25, (a.attempts * 0.9) / 3000, (a.requests * (BYTES_IN + BYTES_OUT) * 3600) / 1e9, a.attempts / 1000);
  }, { noise: 'gauge', decimals: 4, jitter: 0.02 });

  targetMetrics([TG, LB]);
  add('HealthyHostCount', [TG, LB], 'Count', (s) => albState(s).targets.length - albState(s).unhealthy.size, { noise: 'none' });
  add('UnHealthyHostCount', [TG, LB], 'Count', (s) => albState(s).unhealthy.size, { noise: 'none' });
  add('RequestCountPerTarget', [TG], 'Count', (s, p) => (albState(s).requests * p) / Math.max(1, albState(s).targets.length - albState(s).unhealthy.size), { noise: 'gauge', decimals: 2 });

  r.zones.forEach((zone, i) => {
    const share = ZONE_SHARE[i % ZONE_SHARE.length]! / ZONE_SHARE.slice(0, r.zones.length).reduce((a, b) => a + b, 0);
    const AZ = ['AvailabilityZone', zone] as const;
    // SampleCount of the latency is the request count: same clean count, same noise.
    const azKey = `${NS}|RequestCount|AvailabilityZone=${zone},LoadBalancer=${r.albId}`;
    add('RequestCount', [AZ, LB], 'Count', (s, p) => albState(s).requests * p * share);
    add('TargetResponseTime', [AZ, LB], 'Seconds', (s, p) => latencySample(s.latencyOf('alb', albState(s).edge), albState(s).requests * p * share, 1 / 1000), { noise: 'count', noiseKey: azKey });
    const hosts = (s: Snap, unhealthy: boolean): number => albState(s).targets.filter((pod) => zoneOf(pod.node) === zone && albState(s).unhealthy.has(pod.name) === unhealthy).length;
    add('HealthyHostCount', [AZ, TG, LB], 'Count', (s) => hosts(s, false), { noise: 'none' });
    add('UnHealthyHostCount', [AZ, TG, LB], 'Count', (s) => hosts(s, true), { noise: 'none' });
  });
  return out;
}

// AWS/ElastiCache: the Redis replication group, one CacheClusterId per node. The primary takes
// every write and most reads; a stampede empties the cache (misses, refill writes, memory drop).
import type { StandardUnit } from '@aws-sdk/client-cloudwatch';
import type { Snap } from './model.js';
import { defineSeries, type Series, type SeriesSpec } from './series.js';
import type { Statics } from './statics.js';

const NS = 'AWS/ElastiCache';
const BASE_MISS = 0.08;

interface CacheState {
  readonly gets: number;
  readonly sets: number;
  readonly miss: number;
  readonly flushed: number;
  readonly cpuFactor: number;
  readonly latencyFactor: number;
}

function cacheState(s: Snap): CacheState {
  return s.memo('cache', () => {
    const st = s.st;
    const c = s.cond(st.redis!.name);
    const gets = s.edgeRps() * st.redisGetPerEdge;
    const miss = Math.min(1, BASE_MISS + c.cacheMissRate);
    // Every miss is followed by the write that refills the key.
    const sets = s.edgeRps() * st.redisSetPerEdge + gets * miss * 0.9;
    return { gets, sets, miss, flushed: c.cacheMissRate, cpuFactor: c.cpuFactor, latencyFactor: c.latencyFactor };
  });
}

export function cacheSeries(st: Statics): Series[] {
  if (!st.redis) return [];
  const nodes = st.res.cacheNodes;
  const targets = [st.redis.name, ...st.redisServices];
  const out: Series[] = [];
  nodes.forEach((id, i) => {
    const primary = i === 0;
    const readShare = nodes.length === 1 ? 1 : primary ? 0.6 : 0.4 / (nodes.length - 1);
    const dims = [['CacheClusterId', id]] as const;
    const add = (metricName: string, unit: StandardUnit, model: (s: Snap, p: number) => number, extra: Partial<SeriesSpec> = {}): void => {
      out.push(defineSeries({ namespace: NS, metricName, dimensions: dims, unit, resource: id, targets, model, ...extra }));
    };
    const gets = (s: Snap): number => cacheState(s).gets * readShare;
    // Replicas apply every write the primary replicates to them.
    const sets = (s: Snap): number => cacheState(s).sets;
    const replicaCount = nodes.length - 1;
    const engineCpu = (s: Snap): number => Math.min(99, (1 + (gets(s) + sets(s)) * 0.015) * cacheState(s).cpuFactor);
    const memory = (s: Snap): number => Math.max(2, 61 - 40 * cacheState(s).flushed);
    add('CPUUtilization', 'Percent', (s) => 1.2 + engineCpu(s) * 0.55, { max: 100, jitter: 0.08 });
    add('EngineCPUUtilization', 'Percent', engineCpu, { max: 100, jitter: 0.08, visibleAbs: 1 });
    add('CurrConnections', 'Count', (s) => {
      let pods = 0;
      for (const name of st.redisServices) pods += s.moment.podsAt(name).serving.length * st.services.get(name)!.redisPool;
      return pods * (primary ? 0.6 : 0.4 / Math.max(1, replicaCount)) + 4;
    }, { noise: 'level', jitter: 0.03 });
    add('CacheHits', 'Count', (s, p) => gets(s) * (1 - cacheState(s).miss) * p);
    add('CacheMisses', 'Count', (s, p) => gets(s) * cacheState(s).miss * p);
    add('Evictions', 'Count', (_s, p) => 0.01 * p);
    add('DatabaseMemoryUsagePercentage', 'Percent', memory, { max: 100, jitter: 0.02, visibleAbs: 3 });
    add('CurrItems', 'Count', (s) => 1_450_000 * (memory(s) / 61), { noise: 'level', jitter: 0.01 });
    add('NetworkBytesIn', 'Bytes', (s, p) => (sets(s) * 1100 + gets(s) * 90) * p, { jitter: 0.05 });
    add('NetworkBytesOut', 'Bytes', (s, p) => (gets(s) * (1 - cacheState(s).miss) * 2100 + (primary ? cacheState(s).sets * 1100 * replicaCount : 0)) * p, { jitter: 0.05 });
    add('GetTypeCmds', 'Count', (s, p) => gets(s) * p);
    add('SetTypeCmds', 'Count', (s, p) => sets(s) * p);
    add('SwapUsage', 'Bytes', () => 0.6 * 1024 ** 2, { jitter: 0.1, decimals: 0 });
    if (primary && replicaCount > 0) add('ReplicationBytes', 'Bytes', (s, p) => cacheState(s).sets * 1100 * replicaCount * p, { jitter: 0.05 });
    if (!primary) add('ReplicationLag', 'Seconds', (s) => 0.012 + cacheState(s).sets * 0.00002 + 0.05 * (cacheState(s).latencyFactor - 1), { jitter: 0.2, decimals: 4 });
  });
  return out;
}


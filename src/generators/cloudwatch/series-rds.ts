// AWS/RDS: the PostgreSQL primary and its read replicas. Query rates follow the call graph
// (cache misses add the reads the cache would have saved), connections follow the pools and
// what incidents do to them, nightly jobs load the disks and the replica.
import type { StandardUnit } from '@aws-sdk/client-cloudwatch';
import { DAY } from '../../time/calendar.js';
import type { Snap } from './model.js';
import { defineSeries, type Series, type SeriesSpec } from './series.js';
import type { Statics } from './statics.js';

const NS = 'AWS/RDS';
const MIB = 1024 ** 2;
const GIB = 1024 ** 3;
/** A read the cache would have answered is an expensive one (that is why it was cached). */
const FORCED_READ_COST = 8;
const EPOCH_2026 = Date.UTC(2026, 0, 1);

/** vCPUs of common RDS instance classes. */
function instanceVcpus(instanceClass: string): number {
  const size = instanceClass.split('.').pop() ?? '';
  const table: Record<string, number> = { medium: 2, large: 2, xlarge: 4, '2xlarge': 8, '4xlarge': 16, '8xlarge': 32 };
  return table[size] ?? 4;
}

export interface RdsState {
  readonly reads: number;
  readonly forced: number;
  readonly writes: number;
  /** Work relative to an average day (1 = average). */
  readonly work: number;
  /** 0..1: how far incidents push the connection pools towards max_connections. */
  readonly stress: number;
  readonly connections: number;
  readonly cpu: number;
  readonly jobDb: number;
  readonly latencyFactor: number;
  readonly readIops: number;
  readonly writeIops: number;
}

export function rdsState(s: Snap): RdsState {
  return s.memo('rds', () => {
    const st = s.st;
    const maxConn = st.world.topology.config.aws.rds.max_connections;
    const pg = st.postgres ? s.cond(st.postgres.name) : undefined;
    const miss = Math.min(1, 0.08 + (st.redis ? s.cond(st.redis.name).cacheMissRate : 0));
    const edge = s.edgeRps();
    const jobDb = s.jobDb();
    const reads = edge * st.pgReadPerEdge * jobDb;
    const forced = edge * st.pgForcedPerEdge * miss;
    const writes = edge * st.pgWritePerEdge;
    const avg = st.world.generation.traffic.requests_per_second;
    const unit = avg * (st.pgReadPerEdge + st.pgWritePerEdge + FORCED_READ_COST * st.pgForcedPerEdge * 0.08);
    const work = unit > 0 ? (reads + writes + FORCED_READ_COST * forced) / unit : 1;
    let stress = 0;
    for (const name of st.pgServices) stress = Math.max(stress, s.cond(name).dbConnections);
    stress = Math.min(1, stress);
    let idle = 3; // rdsadmin and monitoring sessions
    for (const name of st.pgServices) idle += s.moment.podsAt(name).serving.length * st.services.get(name)!.pgPoolMin;
    const latencyFactor = pg?.latencyFactor ?? 1;
    // Slow queries hold connections longer, up to the pools' size (clients queue beyond that).
    let connections = idle + 12 * work * jobDb + idle * 0.3 * Math.min(3, latencyFactor - 1);
    connections = Math.min(maxConn, connections + (maxConn - connections) * stress);
    const cpu = Math.min(99.5, (4 + 10 * work + 16 * (jobDb - 1) + 75 * stress) * (pg?.cpuFactor ?? 1));
    return {
      reads,
      forced,
      writes,
      work,
      stress,
      connections,
      cpu,
      jobDb,
      latencyFactor,
      readIops: 35 + reads * 0.08 + forced * 0.6 + (jobDb - 1) * 400,
      writeIops: 55 + writes * 2.2 + (jobDb - 1) * 150,
    };
  });
}

export function rdsSeries(st: Statics): Series[] {
  if (!st.postgres) return [];
  const r = st.res;
  const rds = st.world.topology.config.aws.rds;
  const allocated = rds.allocated_storage_gib * GIB;
  const targets = [st.postgres.name, ...(st.redis ? [st.redis.name] : []), ...st.pgServices];
  const vcpus = instanceVcpus(rds.instance_class);
  const out: Series[] = [];
  const instance = (id: string, replica: boolean): void => {
    const dims = [['DBInstanceIdentifier', id]] as const;
    const add = (metricName: string, unit: StandardUnit, model: (s: Snap, p: number) => number, extra: Partial<SeriesSpec> = {}): void => {
      out.push(defineSeries({ namespace: NS, metricName, dimensions: dims, unit, resource: id, targets, model, ...extra }));
    };
    const readIops = (s: Snap): number => (replica ? 12 + rdsState(s).reads * 0.03 + (rdsState(s).jobDb - 1) * 520 : rdsState(s).readIops);
    const writeIops = (s: Snap): number => (replica ? rdsState(s).writeIops * 0.9 : rdsState(s).writeIops);
    const connections = (s: Snap): number => (replica ? 14 + 6 * (rdsState(s).jobDb - 1) : rdsState(s).connections);
    const cpuOf = (s: Snap): number => (replica ? Math.min(99, 3 + 4 * rdsState(s).work + 22 * (rdsState(s).jobDb - 1)) : rdsState(s).cpu);
    add('CPUUtilization', 'Percent', cpuOf, { max: 100, jitter: 0.06, visibleAbs: 5 });
    add('DatabaseConnections', 'Count', connections, { noise: 'level', jitter: 0.04, visibleAbs: 15 });
    add('FreeableMemory', 'Bytes', (s) => Math.max(0.5 * GIB, st.rdsMemoryBytes * (0.45 - 0.04 * Math.min(4, rdsState(s).work)) - connections(s) * 9.5 * MIB), { jitter: 0.01 });
    // Used storage grows through the year; WAL and temp files come and go during the day.
    add('FreeStorageSpace', 'Bytes', (s) => {
      const days = (s.t - EPOCH_2026) / DAY;
      const used = allocated * (0.36 + 0.0009 * days + 0.01 * ((s.t % DAY) / DAY)) + (rdsState(s).jobDb - 1) * 2 * GIB;
      return Math.max(0, allocated - used);
    }, { jitter: 0.0005 });
    add('ReadIOPS', 'Count/Second', readIops, { jitter: 0.08 });
    add('WriteIOPS', 'Count/Second', writeIops, { jitter: 0.08 });
    add('ReadThroughput', 'Bytes/Second', (s) => readIops(s) * 12_288, { jitter: 0.08 });
    add('WriteThroughput', 'Bytes/Second', (s) => writeIops(s) * 9_216, { jitter: 0.08 });
    add('ReadLatency', 'Seconds', (s) => 0.00045 * (1 + readIops(s) / 3000) * Math.sqrt(rdsState(s).latencyFactor), { jitter: 0.1 });
    add('WriteLatency', 'Seconds', (s) => 0.0011 * (1 + writeIops(s) / 3000) * Math.sqrt(rdsState(s).latencyFactor), { jitter: 0.1 });
    add('DiskQueueDepth', 'Count', (s) => 0.2 + (readIops(s) + writeIops(s)) / 2500 + 5 * rdsState(s).stress, { noise: 'gauge', decimals: 4, jitter: 0.15 });
    add('NetworkReceiveThroughput', 'Bytes/Second', (s) => (replica ? 60_000 + rdsState(s).writes * 900 : 180_000 + rdsState(s).writes * 1500 + rdsState(s).reads * 350), { jitter: 0.06 });
    add('NetworkTransmitThroughput', 'Bytes/Second', (s) => (replica ? 40_000 + rdsState(s).reads * 300 : 220_000 + (rdsState(s).reads + rdsState(s).forced) * 2800 + rdsState(s).writes * 600), { jitter: 0.06 });
    add('SwapUsage', 'Bytes', () => 3.1 * MIB, { jitter: 0.05, decimals: 0 });
    // Performance Insights: average active sessions, on CPU and waiting (locks, I/O, pool queues).
    const cpuSessions = (s: Snap): number => (cpuOf(s) / 100) * vcpus;
    const waitSessions = (s: Snap): number => 0.2 + (rdsState(s).reads + rdsState(s).writes) * 0.0015 * rdsState(s).latencyFactor + (replica ? 0 : 25 * rdsState(s).stress);
    add('DBLoad', 'None', (s) => cpuSessions(s) + waitSessions(s), { jitter: 0.1 });
    add('DBLoadCPU', 'None', cpuSessions, { jitter: 0.1 });
    add('DBLoadNonCPU', 'None', waitSessions, { jitter: 0.1 });
    if (!replica) {
      // WAL kept for the replica and between checkpoints; transaction ids wrap through vacuum freezes.
      add('TransactionLogsDiskUsage', 'Bytes', (s) => 1.2 * GIB + rdsState(s).writes * 5 * 60 * 4096 + (rdsState(s).jobDb - 1) * 2 * GIB, { jitter: 0.05 });
      add('MaximumUsedTransactionIDs', 'Count', (s) => 120_000_000 + (((s.t - EPOCH_2026) / DAY) % 9) * 9_000_000, { noise: 'none' });
    }
    if (replica) {
      add('ReplicaLag', 'Seconds', (s) => {
        const st8 = rdsState(s);
        const writesAvg = st.world.generation.traffic.requests_per_second * st.pgWritePerEdge;
        return 0.08 + (writesAvg > 0 ? 0.15 * (st8.writes / writesAvg) : 0) + 1.5 * (st8.jobDb - 1) + 0.4 * (st8.latencyFactor - 1);
      }, { jitter: 0.2, decimals: 3 });
    }
  };
  instance(r.rdsPrimary, false);
  for (const id of r.rdsReplicas) instance(id, true);
  return out;
}

/** The DatabaseConnections value the primary has (for log lines that must agree with it). */
export function primaryConnections(s: Snap): number {
  return rdsState(s).connections;
}

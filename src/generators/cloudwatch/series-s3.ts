// AWS/S3: request metrics of each bucket (a request-metrics configuration with FilterId
// EntireBucket, one-minute datapoints) and the daily storage metrics S3 reports at 00:00 UTC.
import type { StandardUnit } from '@aws-sdk/client-cloudwatch';
import { lnMean } from './distribution.js';
import type { Snap } from './model.js';
import { defineSeries, type Sample, type Series, type SeriesSpec } from './series.js';
import type { Statics } from './statics.js';
import { DAY } from '../../time/calendar.js';

const NS = 'AWS/S3';
const EPOCH_2026 = Date.UTC(2026, 0, 1);

interface BucketLoad {
  readonly get: number;
  readonly head: number;
  readonly put: number;
  readonly list: number;
}

/** Exports buckets take the analytics writes; the others serve product assets. */
function isExports(bucket: string): boolean {
  return /export|analytic|report|backup/.test(bucket);
}

function loadOf(s: Snap, bucket: string, memoKey: string): BucketLoad {
  return s.memo(memoKey, () => {
    const edge = s.edgeRps();
    const rollup = s.jobDb() > 1 ? 1 : 0;
    if (isExports(bucket)) return { get: 0.02 + rollup * 0.8, head: 0.01, put: edge * s.st.s3PutPerEdge + rollup * 3, list: 0.01 + rollup * 0.2 };
    // CDN origin fetches of product images, plus the catalogue's HeadObject checks.
    return { get: edge * 0.06, head: edge * s.st.s3HeadPerEdge, put: 0.05, list: 0.005 };
  });
}

export function s3Series(st: Statics): Series[] {
  if (!st.s3) return [];
  const ds = st.s3;
  const targets = [ds.name, ...st.s3Services];
  const out: Series[] = [];
  for (const bucket of st.res.buckets) {
    const memoKey = `s3:${bucket}`;
    const add = (metricName: string, dimensions: ReadonlyArray<readonly [string, string]>, unit: StandardUnit, model: (s: Snap, p: number) => Sample | undefined, extra: Partial<SeriesSpec> = {}): void => {
      out.push(defineSeries({ namespace: NS, metricName, dimensions, unit, resource: bucket, targets, model, ...extra }));
    };
    const req = [['BucketName', bucket], ['FilterId', 'EntireBucket']] as const;
    const all = (s: Snap): number => {
      const l = loadOf(s, bucket, memoKey);
      return l.get + l.head + l.put + l.list;
    };
    add('AllRequests', req, 'Count', (s, p) => all(s) * p);
    add('GetRequests', req, 'Count', (s, p) => loadOf(s, bucket, memoKey).get * p, { sparse: true });
    add('PutRequests', req, 'Count', (s, p) => loadOf(s, bucket, memoKey).put * p, { sparse: true });
    add('4xxErrors', req, 'Count', (s, p) => (loadOf(s, bucket, memoKey).get * 0.006 + loadOf(s, bucket, memoKey).head * 0.02) * p, { sparse: true });
    add('5xxErrors', req, 'Count', (s, p) => all(s) * (0.00002 + s.cond(ds.name).errorRate) * p, { sparse: true });
    add('FirstByteLatency', req, 'Milliseconds', (s, p) => {
      const l = loadOf(s, bucket, memoKey);
      const count = (l.get + l.head) * p;
      if (!(count > 0)) return undefined;
      const c = s.cond(ds.name);
      const mean = lnMean(ds.latency.medianMs, ds.latency.sigma) * c.latencyFactor;
      return { count, mean, min: ds.latency.medianMs * 0.3 * c.latencyFactor, max: mean * 9, p99: ds.latency.medianMs * Math.exp(2.326 * ds.latency.sigma) * c.latencyFactor };
    }, { noise: 'count' });
    // Storage grows through the year: exports by the nightly rollups, assets by new products.
    const days = (s: Snap): number => (s.t - EPOCH_2026) / DAY;
    const exportsBucket = isExports(bucket);
    add('BucketSizeBytes', [['BucketName', bucket], ['StorageType', 'StandardStorage']], 'Bytes', (s) => (exportsBucket ? 310e9 + days(s) * 1.9e9 : 48e9 + days(s) * 0.12e9), { daily: true, noise: 'none', decimals: 0 });
    add('NumberOfObjects', [['BucketName', bucket], ['StorageType', 'AllStorageTypes']], 'Count', (s) => Math.round(exportsBucket ? 42_000 + days(s) * 260 : 185_000 + days(s) * 410), { daily: true, noise: 'none' });
  }
  return out;
}

import type { FileRecord } from '../../../../src/model/record.js';

export const T0 = Date.UTC(2026, 10, 24, 14, 0, 0);

/** A Grafana panel sample (what Prometheus' query API returned). */
export function panel(ms: number, value: string, name = 'service:http_requests:rate1m', labels: Record<string, string> = { service: 'api-gateway', namespace: 'shop' }): FileRecord {
  return { id: `gs-${name}-${ms}`, kind: 'grafana_series', timestamp: ms, service: labels['service'] ?? 'x', body: { metric: { __name__: name, ...labels }, value: [ms / 1000, value] } };
}

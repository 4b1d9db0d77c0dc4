// The summary printed after `generate`.
import { RECORD_KINDS, KIND_SOURCE } from '../model/record.js';
import type { GenerateResult } from './commands/generate.js';
import { formatBytes, formatCount, formatSeconds } from './progress.js';

export function printGenerateSummary(r: GenerateResult): string {
  const lines: string[] = [];
  const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
  lines.push(`wrote ${r.out}`);
  lines.push(`  range      ${iso(r.range.start)} .. ${iso(r.range.end)}`);
  lines.push(`  records    ${r.records.toLocaleString('en-US')} in ${formatSeconds(r.seconds)} (${formatCount(r.records / Math.max(0.001, r.seconds))}/s, ${r.workers} worker${r.workers === 1 ? '' : 's'})`);
  for (const source of ['kubernetes', 'sentry', 'cloudwatch', 'grafana'] as const) {
    if (r.bySource[source] === 0) continue;
    const kinds = RECORD_KINDS.filter((k) => KIND_SOURCE[k] === source && r.byKind[k] > 0).map((k) => `${k.slice(source.length + 1)} ${r.byKind[k].toLocaleString('en-US')}`);
    lines.push(`  ${source.padEnd(10)} ${r.bySource[source].toLocaleString('en-US').padStart(10)}  (${kinds.join(', ')})`);
  }
  const types = Object.entries(r.incidentsByType).sort((a, b) => b[1] - a[1]).map(([t, n]) => `${t} ${n}`);
  lines.push(`  incidents  ${r.incidents}${types.length ? `  (${types.join(', ')})` : ''}`);
  lines.push(`  size       ${formatBytes(r.bytes)} on disk, ${formatBytes(r.uncompressedBytes)} of records uncompressed`);
  return `${lines.join('\n')}\n`;
}

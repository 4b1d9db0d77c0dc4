// `obsynth scenarios`: the incident types, how they unfold and what each source shows.
import { loadConfig } from '../../config/load.js';
import { INCIDENT_TYPES, SOURCE_NAMES } from '../../config/schema.js';

export interface ScenariosFlags {
  config?: string;
  incidents?: string;
  json?: boolean;
}

export function runScenarios(flags: ScenariosFlags): string {
  const config = loadConfig({ dir: flags.config, overrides: { incidents: flags.incidents } });
  const rows = INCIDENT_TYPES.filter((t) => config.incidents.scenarios[t]).map((type) => {
    const s = config.incidents.scenarios[type]!;
    return { type, ...s };
  });
  if (flags.json) return `${JSON.stringify(rows, null, 2)}\n`;
  const lines: string[] = [];
  for (const r of rows) {
    lines.push(`${r.type}  (weight ${r.weight}, ${r.duration_mins[0]}-${r.duration_mins[1]} min, onset ${r.shape}, recovery ${r.recovery})`);
    lines.push(`  ${r.description}`);
    lines.push(`  starts at: ${r.targets.join(', ')}; spreads ${r.propagation.max_hops} hop(s) to callers, ${r.propagation.delay_secs[0]}-${r.propagation.delay_secs[1]} s per hop`);
    for (const src of SOURCE_NAMES) {
      const sig = r.signature[src];
      lines.push(`  ${src.padEnd(11)} ${sig.length > 0 ? sig.join(', ') : '-'}`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

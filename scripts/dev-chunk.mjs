// Development aid: generate one window and print a few records of each kind (or one kind).
// Usage: node scripts/dev-chunk.mjs [kind] [--start ISO] [--minutes N] [--count N] [--incident TYPE]
import { loadConfig } from '../dist/config/load.js';
import { World } from '../dist/simulation/world.js';
import { generateChunk } from '../dist/engine/chunk.js';
import { allGenerators } from '../dist/generators/registry.js';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const kind = args[0] && !args[0].startsWith('--') ? args[0] : undefined;
const start = Date.parse(opt('start', '2026-11-24T15:00:00Z'));
const minutes = Number(opt('minutes', '10'));
const count = Number(opt('count', '3'));
const incident = opt('incident');
const config = loadConfig();
const world = new World(config, {
  seed: 7,
  start,
  end: start + minutes * 60000,
  sources: ['kubernetes', 'sentry', 'cloudwatch', 'grafana'],
  volumeMultiplier: 1,
  incidentsPerDay: incident ? 0 : 50,
  placed: incident ? [{ type: incident, at: start - 5 * 60000 }] : [],
});
const out = generateChunk(world, allGenerators(), { start, end: start + minutes * 60000 });
for (const k of out.kinds) {
  if (kind && k.kind !== kind) continue;
  const lines = k.records.toString('utf8').split('\n').filter(Boolean);
  console.log(`== ${k.kind}: ${k.count} records, ${k.records.length} bytes`);
  const step = Math.max(1, Math.floor(lines.length / count));
  for (let i = 0; i < lines.length && i / step < count; i += step) console.log(lines[i]);
}
console.log('incident stats', JSON.stringify(out.incidentStats));

// `npm run bench`: generates one simulated day to gzipped files with 1 and 2 workers and prints
// records/s, cores used and peak RSS; then a 30-day run at low volume to show memory stays flat.
// Options: --days N (default 1), --gzip-level N (default 6), --skip-long
import { spawnSync } from 'node:child_process';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const days = opt('days', '1');
const gzip = opt('gzip-level', '6');
const start = '2026-11-23T00:00:00Z';
const runner = new URL('./run-generate.mjs', import.meta.url).pathname;

function measure(label, startIso, d, workers, level, multiplier = '1') {
  const out = join(tmpdir(), `obsynth-bench-${process.pid}-${workers}`);
  const r = spawnSync(process.execPath, [runner, startIso, d, String(workers), out, level, multiplier], { encoding: 'utf8' });
  if (r.status !== 0) {
    console.error(r.stderr);
    process.exit(1);
  }
  const m = JSON.parse(r.stdout.trim().split('\n').pop());
  console.log(
    `${label.padEnd(34)} ${m.records.toLocaleString('en-US').padStart(11)} records  ${m.seconds.toFixed(1).padStart(6)} s  ${Math.round(m.recordsPerSecond).toLocaleString('en-US').padStart(8)} rec/s  ${m.coresUsed.toFixed(2)} cores  peak RSS ${Math.round(m.peakRssMb)} MB  ${(m.bytes / 1024 / 1024).toFixed(0)} MiB gz (${(m.uncompressedBytes / 1024 / 1024).toFixed(0)} MiB raw)`,
  );
  return m;
}

console.log(`obsynth generate benchmark: ${days} simulated day(s) from ${start}, gzip level ${gzip}, ${availableParallelism()} cores, node ${process.version}`);
const one = measure(`${days} day, 1 worker`, start, days, 1, gzip);
const two = measure(`${days} day, 2 workers`, start, days, 2, gzip);
console.log(`per source (1 day): ${Object.entries(one.bySource).map(([k, v]) => `${k} ${v.toLocaleString('en-US')}`).join(', ')}`);
console.log(`speed-up with 2 workers: ${(two.recordsPerSecond / one.recordsPerSecond).toFixed(2)}x`);
if (!args.includes('--skip-long')) {
  // Memory must not grow with the simulated period: 30 days at a tenth of the volume.
  measure('30 days at volume 0.1, 2 workers', '2026-10-01T00:00:00Z', '30', 2, gzip, '0.1');
  measure('1 day at volume 0.1, 2 workers', '2026-10-01T00:00:00Z', '1', 2, gzip, '0.1');
}

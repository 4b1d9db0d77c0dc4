// `npm run bench`: generates one simulated day to gzipped files with 1 and 2 workers and prints
// records/s, cores used and peak RSS; then what compression alone would allow on this machine
// (the 2-worker day's output compressed again, nothing else), and a 30-day run at low volume
// to show memory stays flat.
// Options: --days N (default 1), --gzip-level N (default 6), --skip-long
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
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
const ceilingRunner = new URL('./gzip-ceiling.mjs', import.meta.url).pathname;

function lastJsonLine(script, argv) {
  const r = spawnSync(process.execPath, [script, ...argv], { encoding: 'utf8' });
  if (r.status !== 0) {
    console.error(r.stderr);
    process.exit(1);
  }
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

function measure(label, startIso, d, workers, level, multiplier = '1', then) {
  const out = join(tmpdir(), `obsynth-bench-${process.pid}-${workers}`);
  const m = lastJsonLine(runner, [startIso, d, String(workers), out, level, multiplier, then ? 'keep' : '']);
  console.log(
    `${label.padEnd(34)} ${m.records.toLocaleString('en-US').padStart(11)} records  ${m.seconds.toFixed(1).padStart(6)} s  ${Math.round(m.recordsPerSecond).toLocaleString('en-US').padStart(8)} rec/s  ${m.coresUsed.toFixed(2)} cores  peak RSS ${Math.round(m.peakRssMb)} MB  ${(m.bytes / 1024 / 1024).toFixed(0)} MiB gz (${(m.uncompressedBytes / 1024 / 1024).toFixed(0)} MiB raw)`,
  );
  if (then) {
    then(out, m);
    rmSync(out, { recursive: true, force: true });
  }
  return m;
}

/** Compression alone, on the output just made: the speed generation cannot pass here. */
function gzipCeiling(out, made) {
  const c = lastJsonLine(ceilingRunner, [out, gzip, '2']);
  console.log(
    `${'  gzip alone, 2 threads'.padEnd(34)} ${c.records.toLocaleString('en-US').padStart(11)} records  ${c.seconds.toFixed(1).padStart(6)} s  ${Math.round(c.recordsPerSecond).toLocaleString('en-US').padStart(8)} rec/s  ${c.mbPerSecondPerThread.toFixed(0)} MB/s per thread  (${Math.round(c.rawBytes / made.records)} bytes a record with its label; ${Math.round((c.seconds / made.seconds) * 100)}% of the 2-worker run's time)`,
  );
}

console.log(`obsynth generate benchmark: ${days} simulated day(s) from ${start}, gzip level ${gzip}, ${availableParallelism()} cores, node ${process.version}`);
const one = measure(`${days} day, 1 worker`, start, days, 1, gzip);
const two = measure(`${days} day, 2 workers`, start, days, 2, gzip, '1', gzipCeiling);
console.log(`per source (1 day): ${Object.entries(one.bySource).map(([k, v]) => `${k} ${v.toLocaleString('en-US')}`).join(', ')}`);
console.log(`speed-up with 2 workers: ${(two.recordsPerSecond / one.recordsPerSecond).toFixed(2)}x`);
if (!args.includes('--skip-long')) {
  // Memory must not grow with the simulated period: 30 days at a tenth of the volume.
  measure('30 days at volume 0.1, 2 workers', '2026-10-01T00:00:00Z', '30', 2, gzip, '0.1');
  measure('1 day at volume 0.1, 2 workers', '2026-10-01T00:00:00Z', '1', 2, gzip, '0.1');
}

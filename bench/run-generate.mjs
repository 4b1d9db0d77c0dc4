// One measured run of `generate` in this process (spawned fresh by bench/generate.mjs), so
// peak RSS and CPU time belong to this run alone. Prints one JSON line.
import { rmSync } from 'node:fs';
import { planGenerate, runGenerate } from '../dist/cli/commands/generate.js';
import { systemClock } from '../dist/time/clock.js';

const [start, days, workers, out, gzipLevel, multiplier, keep] = process.argv.slice(2);
const plan = planGenerate(
  { start, days, workers, out, force: true, gzipLevel, volumeMultiplier: multiplier, progress: false },
  systemClock.now(),
);
const cpuBefore = process.cpuUsage();
const t0 = systemClock.monotonic();
const result = await runGenerate(plan, { clock: systemClock, stderr: process.stderr }, false);
const seconds = (systemClock.monotonic() - t0) / 1000;
const cpu = process.cpuUsage(cpuBefore);
if (keep !== 'keep') rmSync(out, { recursive: true, force: true });
console.log(
  JSON.stringify({
    records: result.records,
    seconds,
    recordsPerSecond: result.records / seconds,
    coresUsed: (cpu.user + cpu.system) / 1e6 / seconds,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    bytes: result.bytes,
    uncompressedBytes: result.uncompressedBytes,
    bySource: result.bySource,
  }),
);

// Determinism rule: wall time and randomness come from one place each. Math.random() may appear
// only in src/random/rng.ts (it does not), Date.now() only in src/time/clock.ts.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const rules = [
  { pattern: /\bMath\.random\s*\(/, allowed: ['src/random/rng.ts'], what: 'Math.random()' },
  { pattern: /\bDate\.now\s*\(/, allowed: ['src/time/clock.ts'], what: 'Date.now()' },
  { pattern: /\bnew Date\(\s*\)/, allowed: ['src/time/clock.ts'], what: 'new Date() without a timestamp' },
  { pattern: /\bperformance\.now\s*\(/, allowed: ['src/time/clock.ts'], what: 'performance.now()' },
];

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* files(p);
    else if (p.endsWith('.ts')) yield p;
  }
}

const problems = [];
for (const file of files(join(root, 'src'))) {
  const rel = relative(root, file);
  const lines = readFileSync(file, 'utf8').split('\n');
  lines.forEach((line, i) => {
    if (line.trim().startsWith('//') || line.trim().startsWith('*')) return;
    for (const rule of rules) {
      if (rule.pattern.test(line) && !rule.allowed.includes(rel)) problems.push(`${rel}:${i + 1}: ${rule.what} outside ${rule.allowed.join(', ')}`);
    }
  });
}
if (problems.length > 0) {
  console.error(`determinism lint: ${problems.length} problem(s)\n${problems.join('\n')}`);
  process.exit(1);
}
console.log('determinism lint: ok');

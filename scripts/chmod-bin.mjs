// After the build: make the package's bin files executable. tsc writes them without the
// execute bit, and `npx obsynth` in a fresh clone runs dist/cli/main.js directly.
import { chmodSync, readFileSync, statSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const bins = typeof pkg.bin === 'string' ? [pkg.bin] : Object.values(pkg.bin ?? {});
for (const bin of bins) {
  const path = new URL(`../${bin}`, import.meta.url);
  chmodSync(path, statSync(path).mode | 0o111);
}

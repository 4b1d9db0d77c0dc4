// The README's quick start runs `npx obsynth ...` in a fresh clone, where npm runs the package's
// bin file itself: it must be executable after the build, not only through `node dist/cli/main.js`.
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assertBuilt, CLI } from '../support/cli.js';

const root = join(CLI, '..', '..', '..');
const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;

describe('the quick start', () => {
  it('finds the built bin executable', () => {
    assertBuilt();
    expect(statSync(CLI).mode & 0o111).toBe(0o111);
    const direct = spawnSync(CLI, ['--version'], { encoding: 'utf8' });
    expect(direct.error).toBeUndefined();
    expect(direct.stdout.trim()).toBe(version);
  });

  it('runs `npx obsynth` from the project folder', () => {
    const r = spawnSync('npx', ['--no', '--', 'obsynth', '--version'], { cwd: root, encoding: 'utf8' });
    expect(r.stderr).not.toMatch(/Permission denied/);
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(version);
  });
});

// Puts a finished temporary folder where the output goes. An existing output is moved aside
// first and removed only once the new one is in place, so an earlier complete result is never
// lost to a half-done replacement.
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';

export function replaceFolder(temp: string, target: string): void {
  if (existsSync(target)) {
    const old = `${target}.replaced`;
    rmSync(old, { recursive: true, force: true });
    renameSync(target, old);
    renameSync(temp, target);
    rmSync(old, { recursive: true, force: true });
  } else {
    mkdirSync(dirname(target), { recursive: true });
    renameSync(temp, target);
  }
}

// Where the Prometheus server and promtool are: a flag, an environment variable, the cache that
// test/backends/prometheus.sh unpacks Debian's package into, or the PATH, in that order.
import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { UsageError } from '../config/errors.js';

export type PrometheusBinary = 'prometheus' | 'promtool';

const ENV: Readonly<Record<PrometheusBinary, string>> = { prometheus: 'OBSYNTH_PROMETHEUS', promtool: 'OBSYNTH_PROMTOOL' };

/** The folder test/backends/prometheus.sh installs into (its `$OBSYNTH_CACHE/prometheus-debian`). */
export function cachedPrometheusDir(env: NodeJS.ProcessEnv = process.env): string {
  const cache = env.OBSYNTH_CACHE && env.OBSYNTH_CACHE !== '' ? env.OBSYNTH_CACHE : join(homedir(), '.cache', 'obsynth');
  return join(cache, 'prometheus-debian', 'root', 'usr', 'bin');
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The binary's path; a UsageError (exit 2) naming every place looked at when there is none. */
export function locatePrometheusBinary(name: PrometheusBinary, explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const flag = `--${name}`;
  if (explicit !== undefined) {
    if (!executable(explicit)) throw new UsageError(`${flag} ${explicit}: no executable file there`);
    return explicit;
  }
  const fromEnv = env[ENV[name]];
  if (fromEnv !== undefined && fromEnv !== '') {
    if (!executable(fromEnv)) throw new UsageError(`${ENV[name]}=${fromEnv}: no executable file there`);
    return fromEnv;
  }
  const cached = join(cachedPrometheusDir(env), name);
  if (executable(cached)) return cached;
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const p = join(dir, name);
    if (executable(p)) return p;
  }
  throw new UsageError(
    `${name} not found (looked at ${flag}, $${ENV[name]}, ${cached} and the PATH). ` +
      `Install Prometheus 2.42 or newer (in a checkout of obsynth: bash test/backends/prometheus.sh install), or pass ${flag} PATH`,
  );
}

/** First line of `<binary> --version`, e.g. "prometheus, version 2.42.0+ds (...)". */
export function binaryVersion(path: string): string {
  try {
    const out = execFileSync(path, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 });
    return out.split('\n')[0]?.trim() ?? '';
  } catch (err) {
    throw new UsageError(`${path} --version failed: ${(err as Error).message.split('\n')[0]}`);
  }
}

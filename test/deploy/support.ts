// Shared by the deploy/ checks: repository paths, YAML loading, promtool, and datasets generated
// once per machine-and-inputs and shared between test files (each file runs in its own fork).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { CLI, obsynth } from '../support/cli.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const repo = (...parts: string[]): string => join(ROOT, ...parts);

export function readText(path: string): string {
  return readFileSync(path, 'utf8');
}

/** One YAML document (compose files use merge keys `<<:`). */
export function readYaml<T = unknown>(path: string): T {
  return parseYaml(readText(path), { merge: true }) as T;
}

/** Every document of a multi-document YAML file, failing on syntax errors. */
export function readYamlDocuments(path: string): unknown[] {
  return parseAllDocuments(readText(path)).map((d) => {
    if (d.errors.length > 0) throw new Error(`${path}: ${d.errors.map((e) => e.message).join('; ')}`);
    return d.toJS() as unknown;
  });
}

/** promtool from test/backends/prometheus.sh (an error naming the install command if missing). */
export function promtool(): string {
  const path = execFileSync('bash', [repo('test', 'backends', 'prometheus.sh'), 'promtool-path'], { encoding: 'utf8' }).trim();
  if (!existsSync(path)) throw new Error(`promtool is not installed at ${path}: run \`bash test/backends/prometheus.sh install\` (or test/backends/install-all.sh)`);
  return path;
}

export interface ToolResult {
  readonly code: number;
  readonly output: string;
}

/** Runs a command, returning its exit code and stdout+stderr instead of throwing. */
export function run(cmd: string, args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): ToolResult {
  try {
    const output = execFileSync(cmd, args, { cwd: options.cwd ?? ROOT, env: { ...process.env, ...options.env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: options.timeoutMs ?? 600_000, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, output };
  } catch (err) {
    const e = err as { status?: number; stdout?: string; stderr?: string; message: string };
    return { code: e.status ?? -1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` || e.message };
  }
}

const CACHE = join(tmpdir(), 'obsynth-deploy-tests');

/**
 * One simulated hour with one incident of every type, all four sources, at a tenth of the usual
 * volume: enough for every kind of record, label and event reason the dashboards and manifests
 * refer to, small enough for the 2-core machines.
 */
export const DASHBOARD_DATASET_ARGS: readonly string[] = ['--start', '2026-11-24T00:00:00Z', '--hours', '1', '--all-incidents', '--volume-multiplier', '0.1', '--workers', '1'];

/**
 * A dataset from `obsynth generate ARGS`, generated once for these arguments and this build of
 * the CLI (tsc rewrites dist/ on every build), then shared between test files: written to a
 * private folder and renamed into place, so files running at the same time never see a
 * half-written one. Entries older than a day are removed.
 */
export function generatedDataset(args: readonly string[]): string {
  const key = createHash('sha256').update(JSON.stringify([args, statSync(CLI).mtimeMs])).digest('hex').slice(0, 16);
  const dir = join(CACHE, key);
  if (existsSync(join(dir, 'manifest.json'))) return dir;
  mkdirSync(CACHE, { recursive: true });
  for (const name of readdirSync(CACHE)) {
    const p = join(CACHE, name);
    if (Date.now() - statSync(p).mtimeMs > 24 * 3600_000) rmSync(p, { recursive: true, force: true });
  }
  const mine = join(CACHE, `${key}.${process.pid}`);
  rmSync(mine, { recursive: true, force: true });
  const r = obsynth(['generate', ...args, '--out', mine, '--no-progress']);
  if (r.code !== 0) throw new Error(`obsynth generate ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  try {
    renameSync(mine, dir);
  } catch {
    rmSync(mine, { recursive: true, force: true }); // another test file was first
  }
  return dir;
}

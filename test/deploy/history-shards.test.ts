// The Indexed Job of deploy/k8s/history-shards: its container script, run here for indexes 0 and
// 1, writes two slices whose record and label files, concatenated, are byte for byte the files of
// one `obsynth generate` over the whole range -- decompressed, and even compressed. And why the
// Job insists on whole hours: a slice boundary off obsynth's chunk grid gives different data.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI, obsynth, tempDir } from '../support/cli.js';
import { readYamlDocuments, repo, run } from './support.js';

interface Container {
  command: string[];
  args: string[];
  env: Array<{ name: string; value: string }>;
}
const job = readYamlDocuments(repo('deploy/k8s/history-shards/job.yaml'))[0] as { spec: { completionMode: string; completions: number; template: { spec: { containers: Container[] } } } };
const container = job.spec.template.spec.containers[0]!;
const defaults = Object.fromEntries(container.env.map((e) => [e.name, e.value]));

// Small and quick: two one-hour slices across midnight (so day planning is crossed too), a
// tenth of the volume, every source.
const START = '2026-11-23T23:00:00Z';
const SMALL = '--volume-multiplier 0.1';

/** Runs the Job's container script as Kubernetes would for one index, with /app = this checkout. */
function runSlice(index: number, env: Record<string, string>): string {
  expect(container.command).toEqual(['/bin/sh', '-c']);
  return execFileSync('/bin/sh', ['-c', container.args[0]!], {
    encoding: 'utf8',
    env: { ...process.env, ...defaults, OBSYNTH_CLI: CLI, JOB_COMPLETION_INDEX: String(index), ...env },
    timeout: 600_000,
  });
}

/** Every .jsonl.gz under a dataset folder, relative paths. */
function gzFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (e.name.endsWith('.jsonl.gz')) out.push(relative(dir, join(d, e.name)));
    }
  };
  walk(dir);
  return out.sort();
}

describe('history shards (Indexed Job)', () => {
  let dir: string;
  let single: string;
  let slices: string[];

  beforeAll(() => {
    dir = tempDir('obsynth-shards-');
    const env = { HISTORY_START: START, SLICE_HOURS: '1', HISTORY_DIR: dir, GENERATE_ARGS: SMALL, WORKERS: '1' };
    const out0 = runSlice(0, env);
    const out1 = runSlice(1, env);
    expect(out0).toContain('slice 0: 2026-11-23T23:00:00Z .. 2026-11-24T00:00:00Z');
    expect(out1).toContain('slice 1: 2026-11-24T00:00:00Z .. 2026-11-24T01:00:00Z');
    slices = [join(dir, 'slice-0000'), join(dir, 'slice-0001')];
    single = join(dir, 'single');
    const r = obsynth(['generate', '--start', START, '--hours', '2', '--split-by-day', 'always', '--volume-multiplier', '0.1', '--workers', '1', '--no-progress', '--out', single]);
    expect(r.code, r.stderr).toBe(0);
  }, 900_000);

  it('is an Indexed Job whose slices are whole hours from a whole UTC hour', () => {
    expect(job.spec.completionMode).toBe('Indexed');
    expect(Number(defaults.SLICE_HOURS)).toBeGreaterThan(0);
    expect(Date.parse(defaults.HISTORY_START!) % 3_600_000).toBe(0);
    expect(container.args[0]).toContain('--split-by-day always');
    // It refuses slices that would break the byte-identity.
    const bad = run('/bin/sh', ['-c', container.args[0]!], { env: { ...defaults, OBSYNTH_CLI: CLI, JOB_COMPLETION_INDEX: '0', HISTORY_DIR: dir, SLICE_HOURS: '1.5' } });
    expect(bad.code).toBe(2);
    const off = run('/bin/sh', ['-c', container.args[0]!], { env: { ...defaults, OBSYNTH_CLI: CLI, JOB_COMPLETION_INDEX: '0', HISTORY_DIR: dir, HISTORY_START: '2026-11-24T10:32:00Z' } });
    expect(off.code).toBe(2);
    expect(off.output).toContain('whole UTC hour');
  });

  it('writes slices whose files, concatenated in index order, are the single run\'s files (decompressed and compressed)', () => {
    const files = gzFiles(single);
    expect(files).toContain('kubernetes/container_logs.2026-11-23.jsonl.gz');
    expect(files).toContain('labels/grafana/panel_series.2026-11-24.jsonl.gz');
    const union = new Set(slices.flatMap((s) => gzFiles(s)));
    expect([...union].sort()).toEqual(files);
    let records = 0;
    for (const f of files) {
      const parts = slices.map((s) => join(s, f)).filter((p) => existsSync(p));
      const whole = readFileSync(join(single, f));
      const joined = Buffer.concat(parts.map((p) => readFileSync(p)));
      const text = gunzipSync(whole);
      expect(Buffer.concat(parts.map((p) => gunzipSync(readFileSync(p)))).equals(text), `${f}: decompressed`).toBe(true);
      expect(joined.equals(whole), `${f}: compressed bytes`).toBe(true);
      records += text.toString('utf8').split('\n').filter(Boolean).length;
    }
    expect(records).toBeGreaterThan(5_000);
  });

  it('does not hold for a boundary off the chunk grid (10:32), which is why the Job takes whole hours', () => {
    const a = join(dir, 'off-a');
    const b = join(dir, 'off-b');
    const whole = join(dir, 'off-whole');
    const common = ['--volume-multiplier', '0.1', '--sources', 'grafana,kubernetes', '--workers', '1', '--no-progress'];
    for (const [out, start, end] of [
      [a, '2026-11-24T10:00:00Z', '2026-11-24T10:32:00Z'],
      [b, '2026-11-24T10:32:00Z', '2026-11-24T11:00:00Z'],
      [whole, '2026-11-24T10:00:00Z', '2026-11-24T11:00:00Z'],
    ] as const) {
      const r = obsynth(['generate', '--start', start, '--end', end, '--out', out, ...common]);
      expect(r.code, r.stderr).toBe(0);
    }
    const f = 'grafana/panel_series.jsonl.gz';
    const joined = Buffer.concat([a, b].map((d) => gunzipSync(readFileSync(join(d, f)))));
    // Same records in the end? Not byte for byte: the chunk cut at 10:30..10:35 is generated from
    // a different window on each side.
    const differs = gzFiles(whole).some((g) => !Buffer.concat([a, b].map((d) => gunzipSync(readFileSync(join(d, g))))).equals(gunzipSync(readFileSync(join(whole, g)))));
    expect(differs).toBe(true);
    expect(joined.length).toBeGreaterThan(0);
  });
});

// obsynth export as a user runs it: a good run prints its summary and leaves the folder complete;
// bad input gets one clear message, exit 2 and nothing written; a dataset that breaks half way
// exits 1 and leaves no partial output (and an existing export untouched).
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { obsynth, tempDir } from '../support/cli.js';

let root: string;
let dataset: string;

beforeAll(() => {
  root = tempDir('obsynth-export-e2e-');
  dataset = join(root, 'data');
  const g = obsynth(['generate', '--start', '2026-11-24T14:00:00Z', '--hours', '0.25', '--sources', 'kubernetes,sentry', '--workers', '1', '--out', dataset, '--incident', 'bad_deployment@+2m/order-service', '--no-progress']);
  expect(g.stderr).toBe('');
  expect(g.code).toBe(0);
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Nothing of an export at `out`: no folder (or the one that was there), no .partial, no .replaced. */
function expectNothingWritten(out: string, before?: string[]): void {
  if (before) expect(readdirSync(out).sort()).toEqual(before);
  else expect(existsSync(out)).toBe(false);
  expect(existsSync(`${out}.partial`)).toBe(false);
  expect(existsSync(`${out}.replaced`)).toBe(false);
}

describe('obsynth export', () => {
  it('writes the export, prints its summary as JSON and leaves no temporary folder', () => {
    const out = join(root, 'good');
    const r = obsynth(['export', dataset, '--format', 'loghub', '--window', '60s', '--out', out, '--json', '--no-progress']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout) as { files: Array<{ path: string; rows: number }>; windows: { windows: number; rows: number } };
    expect(summary.windows.windows).toBe(15);
    const manifest = JSON.parse(readFileSync(join(dataset, 'manifest.json'), 'utf8')) as { counts: { by_kind: Record<string, number> } };
    expect(summary.files.find((f) => f.path === 'kubernetes.log_structured.csv')!.rows).toBe(manifest.counts.by_kind.kubernetes_log);
    expect(summary.files.find((f) => f.path === 'sentry.log_structured.csv')!.rows).toBe(manifest.counts.by_kind.sentry_error);
    expect(readdirSync(out).sort()).toEqual(['export.json', 'kubernetes.log_structured.csv', 'kubernetes.log_templates.csv', 'sentry.log_structured.csv', 'sentry.log_templates.csv', 'templates.csv', 'windows_60s.csv']);
    // CSV line count = header + rows (no field holds a line break in these logs).
    const lines = readFileSync(join(out, 'windows_60s.csv'), 'utf8').split('\r\n').length - 2;
    expect(lines).toBe(summary.windows.rows);
    expect(existsSync(`${out}.partial`)).toBe(false);
  });

  it('refuses a dataset folder that does not exist, before writing anything', () => {
    const out = join(root, 'missing-dataset');
    const r = obsynth(['export', join(root, 'nope'), '--format', 'parquet', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^obsynth: .*nope: no such folder/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expectNothingWritten(out);
  });

  it('refuses a folder that is not a dataset', () => {
    const notData = join(root, 'not-data');
    mkdirSync(notData);
    writeFileSync(join(notData, 'notes.txt'), 'hello');
    const out = join(root, 'not-data-out');
    const r = obsynth(['export', notData, '--format', 'loghub', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is not an obsynth dataset/);
    expectNothingWritten(out);
  });

  it.each(['abc', '0s', '500ms', '-60s'])('refuses --window %s with a message naming it', (value) => {
    const out = join(root, `window-${value}`);
    const r = obsynth(['export', dataset, '--format', 'loghub', '--out', out, `--window=${value}`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--window: "${value}" is not allowed`);
    expectNothingWritten(out);
  });

  it('reads a bare --window number as seconds', () => {
    const out = join(root, 'window-60');
    const r = obsynth(['export', dataset, '--format', 'loghub', '--out', out, '--window', '60', '--sources', 'sentry']);
    expect(r.code).toBe(0);
    expect(readdirSync(out)).toContain('windows_60s.csv');
  });

  it('names a window that is not whole seconds in milliseconds', () => {
    const out = join(root, 'window-1.5s');
    const r = obsynth(['export', dataset, '--format', 'parquet', '--out', out, '--window', '1.5s', '--sources', 'sentry']);
    expect(r.code).toBe(0);
    expect(readdirSync(out)).toContain('windows_1500ms.parquet');
  });

  it('lists every bad option at once', () => {
    const r = obsynth(['export', dataset, '--by', 'host', '--window', 'soon']);
    expect(r.code).toBe(2);
    for (const flag of ['--format', '--out', '--by', '--window']) expect(r.stderr).toContain(flag);
  });

  it('refuses an unknown --format', () => {
    const out = join(root, 'csv-out');
    const r = obsynth(['export', dataset, '--format', 'csv', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--format.*csv/);
    expectNothingWritten(out);
  });

  it('will not replace a non-empty --out without --force, and replaces it with --force', () => {
    const out = join(root, 'occupied');
    mkdirSync(out);
    writeFileSync(join(out, 'keep.txt'), 'mine');
    const r = obsynth(['export', dataset, '--format', 'parquet', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not empty; pass --force/);
    expectNothingWritten(out, ['keep.txt']);
    expect(readFileSync(join(out, 'keep.txt'), 'utf8')).toBe('mine');
    const forced = obsynth(['export', dataset, '--format', 'parquet', '--out', out, '--force', '--sources', 'sentry']);
    expect(forced.code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['export.json', 'sentry']);
    expect(existsSync(`${out}.replaced`)).toBe(false);
  });

  it('refuses an --out that is a file or lies inside the dataset', () => {
    const file = join(root, 'a-file');
    writeFileSync(file, 'x');
    const asFile = obsynth(['export', dataset, '--format', 'loghub', '--out', file, '--force']);
    expect(asFile.code).toBe(2);
    expect(asFile.stderr).toMatch(/is a file/);
    expect(readFileSync(file, 'utf8')).toBe('x');
    const inside = obsynth(['export', dataset, '--format', 'loghub', '--out', join(dataset, 'export')]);
    expect(inside.code).toBe(2);
    expect(inside.stderr).toMatch(/overlaps the dataset/);
    expect(existsSync(join(dataset, 'export'))).toBe(false);
  });

  it('exits 1 on a dataset that breaks half way, leaving no partial output and an earlier export as it was', () => {
    // A copy whose Sentry errors file ends in a line that is not JSON.
    const broken = join(root, 'broken');
    const r0 = obsynth(['generate', '--start', '2026-11-24T14:00:00Z', '--hours', '0.25', '--sources', 'sentry', '--workers', '1', '--out', broken, '--incident', 'bad_deployment@+2m/order-service', '--no-progress']);
    expect(r0.code).toBe(0);
    const path = join(broken, 'sentry/errors.jsonl.gz');
    const text = gunzipSync(readFileSync(path)).toString('utf8');
    writeFileSync(path, gzipSync(`${text}{"id":"cut-`));
    const out = join(root, 'earlier');
    mkdirSync(out);
    writeFileSync(join(out, 'export.json'), '{}');
    const r = obsynth(['export', broken, '--format', 'loghub', '--out', out, '--force']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/sentry\/errors\.jsonl\.gz/);
    expectNothingWritten(out, ['export.json']);
    expect(readFileSync(join(out, 'export.json'), 'utf8')).toBe('{}');
  });
});

// obsynth validate on whole datasets: good ones pass, and each kind of damage is found, named
// where it is, and decides the exit code.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/config/errors.js';
import { checkOf, configCopy, copyDataset, generateDataset, readLines, rewriteLines, tempDir, validate, writeFixture } from './support/dataset.js';

const CLI = join(process.cwd(), 'dist/cli/main.js');
const made: string[] = [];
const keep = (dir: string) => (made.push(dir), dir);

let generated: string;
let fixture: string;

beforeAll(async () => {
  generated = keep(tempDir('generated'));
  await generateDataset(generated);
  fixture = keep(tempDir('fixture'));
  writeFixture(fixture);
});

afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

describe('a good dataset', () => {
  it('passes every error check when generated (kubernetes + grafana, 30 minutes)', async () => {
    const r = await validate(generated);
    expect(r.checks.filter((c) => c.status === 'fail' && c.severity === 'error').map((c) => `${c.id}: ${c.problems[0]}`)).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.dataset.records).toBeGreaterThan(1000);
    // Every record was read and matched to its label.
    const labels = r.kinds.reduce((a, k) => a + k.labels.lines, 0);
    expect(labels).toBe(r.dataset.records);
    expect(r.kinds.map((k) => k.kind)).toEqual(['kubernetes_log', 'kubernetes_event', 'kubernetes_pod_metrics', 'kubernetes_node_metrics', 'grafana_series', 'grafana_annotation']);
  });

  it('passes with one hand-made valid record of every kind (plain .jsonl)', async () => {
    const r = await validate(fixture);
    expect(r.checks.filter((c) => c.status === 'fail').map((c) => `${c.id}: ${c.summary} ${c.problems.join(' | ')}`).filter((s) => !s.startsWith('realism') && !s.startsWith('volume'))).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.kinds).toHaveLength(11);
    expect(r.kinds.every((k) => k.records === 1 && k.invalidRecords === 0)).toBe(true);
    // The AWS/ namespace is a note, not an error.
    expect(r.kinds.find((k) => k.kind === 'cloudwatch_metric')!.notes.map((n) => n.example.value)).toEqual(['"AWS/ApplicationELB"']);
  });
});

describe('a damaged dataset', () => {
  it('reports a flipped byte in a gzip file as a checksum mismatch and a read error', async () => {
    const dir = keep(copyDataset(generated, 'flipped'));
    const path = 'kubernetes/container_logs.jsonl.gz';
    const data = readFileSync(join(dir, path));
    const at = Math.floor(data.length / 2);
    data[at] = data[at]! ^ 0xff;
    writeFileSync(join(dir, path), data);
    const r = await validate(dir);
    expect(r.ok).toBe(false);
    const file = r.files.find((f) => f.path === path)!;
    expect(file.sha256).not.toBe(file.expectedSha256);
    expect(file.readError).toMatch(/^reading stopped after line \d+: /);
    const files = checkOf(r, 'files');
    expect(files.status).toBe('fail');
    expect(files.problems.some((p) => p.startsWith(`${path}: sha256`))).toBe(true);
    expect(files.problems.some((p) => p.startsWith(`${path}: reading stopped`))).toBe(true);
    // A read error is not blamed on the labels.
    expect(checkOf(r, 'labels').status).toBe('pass');
  });

  it('names file:line, id, key path and value of a record that breaks its schema', async () => {
    const dir = keep(copyDataset(generated, 'bad-field'));
    const path = 'kubernetes/pod_metrics.jsonl.gz';
    let id = '';
    rewriteLines(dir, path, (lines) => {
      const rec = JSON.parse(lines[2]!);
      id = rec.id;
      rec.body.containers[0].usage.cpu = '-5m';
      lines[2] = JSON.stringify(rec);
      return lines;
    });
    const r = await validate(dir);
    expect(r.ok).toBe(false);
    expect(checkOf(r, 'files').status).toBe('pass');
    const kind = r.kinds.find((k) => k.kind === 'kubernetes_pod_metrics')!;
    expect(kind.invalidRecords).toBe(1);
    expect(kind.problems).toEqual([{ file: path, line: 3, id, path: 'body.containers[0].usage.cpu', value: '"-5m"', rule: expect.stringContaining('non-negative Kubernetes quantity') }]);
    expect(checkOf(r, 'schema').problems[0]).toBe(`${path}:3 ${id} body.containers[0].usage.cpu: "-5m" ${kind.problems[0]!.rule}`);
  });

  it('finds labels out of step with their records when a label line is deleted', async () => {
    const dir = keep(copyDataset(generated, 'label-gone'));
    const records = readLines(dir, 'kubernetes/events.jsonl.gz');
    expect(records.length).toBeGreaterThan(6);
    rewriteLines(dir, 'labels/kubernetes/events.jsonl.gz', (lines) => lines.filter((_, i) => i !== 4));
    const r = await validate(dir, 1000);
    expect(r.ok).toBe(false);
    expect(checkOf(r, 'files').status).toBe('pass');
    const labels = checkOf(r, 'labels');
    expect(labels.status).toBe('fail');
    const events = r.kinds.find((k) => k.kind === 'kubernetes_event')!;
    // From line 5 on every label is one record ahead, and the last record has none.
    expect(events.labels.misaligned).toBe(records.length - 4);
    const fifth = JSON.parse(records[4]!).id;
    expect(events.labels.problems[0]).toMatchObject({ file: 'labels/kubernetes/events.jsonl.gz', line: 5, path: 'id', rule: `differs from the record's id "${fifth}" on the same line of kubernetes/events.jsonl.gz` });
    expect(events.labels.problems.at(-1)).toMatchObject({ file: 'kubernetes/events.jsonl.gz', line: records.length, rule: 'has no label line: labels/kubernetes/events.jsonl.gz has fewer lines' });
  });

  it('explains a missing manifest.json and still checks the records it finds', async () => {
    const dir = keep(copyDataset(generated, 'no-manifest'));
    rmSync(join(dir, 'manifest.json'));
    const r = await validate(dir);
    expect(r.ok).toBe(false);
    const manifest = checkOf(r, 'manifest');
    expect(manifest.status).toBe('fail');
    expect(manifest.problems[0]).toMatch(/^manifest\.json is missing: /);
    expect(checkOf(r, 'schema').status).toBe('pass');
    expect(r.dataset.records).toBeGreaterThan(1000);
  });

  it('reports a data file that the manifest does not list', async () => {
    const dir = keep(copyDataset(fixture, 'unlisted'));
    writeFileSync(join(dir, 'grafana/annotations.2026-11-25.jsonl'), readFileSync(join(dir, 'grafana/annotations.jsonl')));
    const r = await validate(dir);
    expect(checkOf(r, 'manifest').problems).toContain('grafana/annotations.2026-11-25.jsonl is a data file that manifest.json does not list');
  });

  it('judges lateness against the --config it is given', async () => {
    const strict = keep(configCopy((yaml) => yaml.replace(/max_delay_secs: \d+/, 'max_delay_secs: 1')));
    const shipped = await validate(generated);
    expect(shipped.quality.realism.late.count).toBeGreaterThan(0);
    expect(shipped.quality.realism.late.maxMs).toBeGreaterThan(1000);
    const r = await validate(generated, 10, strict);
    expect(r.dataset.config.matches).toBe(false);
    expect(r.quality.realism.late.configuredMaxMs).toBe(1000);
    expect(checkOf(r, 'realism').problems.some((p) => p.startsWith('late arrivals:') && p.includes('configured at most 1,000 ms'))).toBe(true);
  });

  it('rejects a folder that does not exist as bad usage', async () => {
    await expect(validate(join(fixture, 'nope'))).rejects.toBeInstanceOf(UsageError);
  });
});

describe('the command line', () => {
  const run = (...args: string[]) => spawnSync(process.execPath, [CLI, 'validate', ...args], { encoding: 'utf8' });

  it('exits 0 on a good dataset, 1 on a damaged one, 2 on a missing folder', () => {
    expect(existsSync(CLI)).toBe(true);
    const good = run(fixture, '--no-progress');
    expect(good.status).toBe(0);
    expect(good.stdout).toMatch(/^VALID/m);
    const dir = keep(copyDataset(fixture, 'cli-bad'));
    rewriteLines(dir, 'grafana/annotations.jsonl', (lines) => lines.map((l) => l.replace('"text":"Deployed api-gateway 1.2.3"', '"text":""')));
    const bad = run(dir, '--json');
    expect(bad.status).toBe(1);
    const report = JSON.parse(bad.stdout);
    expect(report.kinds.find((k: { kind: string }) => k.kind === 'grafana_annotation').problems[0].path).toBe('body.text');
    const missing = run(join(fixture, 'nope'));
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/no such folder/);
  });
});

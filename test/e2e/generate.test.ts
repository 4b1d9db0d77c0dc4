// The CLI end to end, on short ranges: what a user runs, what lands on disk, how it fails.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { INCIDENT_TYPES } from '../../src/config/schema.js';
import { obsynth, obsynthInterrupted, readJsonl, sha256, tempDir } from '../support/cli.js';

const RANGE = ['--start', '2026-11-24T14:00:00Z', '--hours', '1'];

interface Manifest {
  seed: number;
  counts: { total: number; by_kind: Record<string, number> };
  files: Array<{ path: string; records: number; bytes: number; sha256: string; role: string }>;
  documents: Array<{ path: string; sha256: string }>;
}

describe('obsynth generate', () => {
  let dir: string;
  let one: string;
  let two: string;

  beforeAll(() => {
    dir = tempDir();
    one = join(dir, 'one');
    two = join(dir, 'two');
    const a = obsynth(['generate', ...RANGE, '--out', one, '--workers', '1', '--incident', 'db_pool_exhaustion@+10m/order-service']);
    expect(a.stderr).toBe('');
    expect(a.code).toBe(0);
    const b = obsynth(['generate', ...RANGE, '--out', two, '--workers', '2', '--incident', 'db_pool_exhaustion@+10m/order-service']);
    expect(b.code).toBe(0);
  });

  it('writes one folder per source, one file per kind, labels, incidents.json and a manifest', () => {
    const top = readdirSync(one).sort();
    expect(top).toEqual(['cloudwatch', 'grafana', 'incidents.json', 'kubernetes', 'labels', 'manifest.json', 'sentry']);
    expect(readdirSync(join(one, 'kubernetes')).sort()).toEqual(['container_logs.jsonl.gz', 'events.jsonl.gz', 'node_metrics.jsonl.gz', 'pod_metrics.jsonl.gz']);
    const manifest = JSON.parse(readFileSync(join(one, 'manifest.json'), 'utf8')) as Manifest;
    for (const f of manifest.files) {
      expect(sha256(join(one, f.path)), f.path).toBe(f.sha256);
      const lines = gunzipSync(readFileSync(join(one, f.path))).toString('utf8').split('\n').filter(Boolean).length;
      expect(lines, f.path).toBe(f.records);
    }
    const sum = manifest.files.filter((f) => f.role === 'records').reduce((a, f) => a + f.records, 0);
    expect(sum).toBe(manifest.counts.total);
    expect(manifest.counts.total).toBeGreaterThan(20_000);
  });

  it('is byte-identical whatever the number of workers', () => {
    const a = JSON.parse(readFileSync(join(one, 'manifest.json'), 'utf8')) as Manifest;
    const b = JSON.parse(readFileSync(join(two, 'manifest.json'), 'utf8')) as Manifest;
    expect(b.files).toEqual(a.files);
    expect(sha256(join(two, 'manifest.json'))).toBe(sha256(join(one, 'manifest.json')));
    expect(sha256(join(two, 'incidents.json'))).toBe(sha256(join(one, 'incidents.json')));
  });

  it('gives different data for a different seed', () => {
    const out = join(dir, 'seed');
    expect(obsynth(['generate', ...RANGE, '--out', out, '--seed', '99', '--sources', 'sentry', '--workers', '1']).code).toBe(0);
    const a = readJsonl<{ body: { event_id: string } }>(join(one, 'sentry/transactions.jsonl.gz')).map((r) => r.body.event_id);
    const labels = readJsonl<{ duplicate?: boolean }>(join(out, 'labels/sentry/transactions.jsonl.gz'));
    const b = readJsonl<{ body: { event_id: string } }>(join(out, 'sentry/transactions.jsonl.gz'))
      .filter((_, i) => !labels[i]!.duplicate)
      .map((r) => r.body.event_id);
    expect(b.length).toBeGreaterThan(0);
    expect(new Set(b).size).toBe(b.length);
    expect(b.filter((id) => a.includes(id))).toEqual([]);
  });

  it('writes the placed incident to incidents.json with the records it produced in each source', () => {
    const doc = JSON.parse(readFileSync(join(one, 'incidents.json'), 'utf8')) as { incidents: Array<{ id: string; type: string; root_cause: string; placed: boolean; sources: Record<string, { records: number }>; onset: string }> };
    const placed = doc.incidents.find((i) => i.placed);
    expect(placed).toMatchObject({ type: 'db_pool_exhaustion', root_cause: 'order-service', onset: '2026-11-24T14:10:00.000Z' });
    expect(Object.keys(placed!.sources).length).toBeGreaterThanOrEqual(3);
    // incidents.json counts what the labels say, source by source (duplicates not counted).
    for (const [source, stat] of Object.entries(placed!.sources)) {
      const dirLabels = join(one, 'labels', source);
      let counted = 0;
      for (const file of readdirSync(dirLabels)) {
        counted += readJsonl<{ incident_id?: string; duplicate?: boolean }>(join(dirLabels, file)).filter((l) => l.incident_id === placed!.id && !l.duplicate).length;
      }
      expect(counted, source).toBe(stat.records);
      expect(counted, source).toBeGreaterThan(0);
    }
  });

  it('writes plain JSON Lines with the same content when asked', () => {
    const out = join(dir, 'plain');
    expect(obsynth(['generate', ...RANGE, '--out', out, '--format', 'jsonl', '--sources', 'grafana', '--workers', '1', '--incident', 'db_pool_exhaustion@+10m/order-service']).code).toBe(0);
    const plain = readFileSync(join(out, 'grafana/panel_series.jsonl'), 'utf8');
    const gz = gunzipSync(readFileSync(join(one, 'grafana/panel_series.jsonl.gz'))).toString('utf8');
    expect(plain).toBe(gz);
  });

  it('refuses to overwrite a non-empty folder without --force, and replaces it with --force', () => {
    const out = join(dir, 'busy');
    mkdirSync(out);
    writeFileSync(join(out, 'keep.txt'), 'mine');
    const refused = obsynth(['generate', ...RANGE, '--out', out, '--sources', 'grafana']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/is not empty; pass --force/);
    expect(readFileSync(join(out, 'keep.txt'), 'utf8')).toBe('mine');
    expect(obsynth(['generate', ...RANGE, '--out', out, '--sources', 'grafana', '--force']).code).toBe(0);
    expect(existsSync(join(out, 'keep.txt'))).toBe(false);
    expect(existsSync(join(out, 'manifest.json'))).toBe(true);
  });
});

describe('bad input', () => {
  it('lists every bad option at once, exits 2 and writes nothing', () => {
    const out = join(tempDir(), 'never');
    const r = obsynth(['generate', '--hours', '-1', '--sources', 'kubernetes,splunk', '--incident', 'memleak@+1h', '--workers', 'two', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/invalid command-line options \(4 problems\)/);
    expect(r.stderr).toMatch(/--hours: "-1" is not allowed; expected a number >= 0/);
    expect(r.stderr).toMatch(/--sources: "splunk" is not allowed; allowed: kubernetes \| k8s \| sentry/);
    expect(r.stderr).toMatch(/--incident: "memleak" is not an incident type; allowed: memory_leak \|/);
    expect(r.stderr).toMatch(/--workers: "two" is not allowed; expected an integer >= 0/);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/); // no stack trace
    expect(existsSync(out)).toBe(false);
  });

  it('reports a bad config file with file, line, key path, value and allowed values', () => {
    const dir = tempDir();
    const bad = join(dir, 'incidents.yaml');
    writeFileSync(bad, 'scenarios:\n  memory_leak:\n    description: x\n    shape: slowly\n');
    const out = join(dir, 'never');
    const r = obsynth(['generate', '--hours', '1', '--incidents', bad, '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${bad}:4:12 scenarios.memory_leak.shape: "slowly" is not allowed; allowed: gradual | sudden | stepped`);
    expect(r.stderr).toMatch(/invalid configuration \(\d+ problems\)/);
    expect(r.stderr).toMatch(/scenarios\.memory_leak\.recovery: is required; allowed: immediate \| gradual \| stepped/);
    expect(existsSync(out)).toBe(false);
  });

  it('rejects an empty range', () => {
    const r = obsynth(['generate', '--start', '2026-11-24T14:00:00Z', '--end', '2026-11-24T13:00:00Z', '--out', join(tempDir(), 'x')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/the time range is empty/);
  });

  it('leaves no dataset that looks complete when interrupted (it had begun writing)', async () => {
    const out = join(tempDir(), 'interrupted');
    const r = await obsynthInterrupted(['generate', '--start', '2026-11-20T00:00:00Z', '--days', '3', '--out', out, '--workers', '1'], 1000, () => existsSync(`${out}.partial`));
    expect(r.code).not.toBe(0);
    expect(existsSync(join(out, 'manifest.json'))).toBe(false);
    expect(existsSync(`${out}.partial`)).toBe(false);
  });
});

describe('usage errors', () => {
  it('exit 2 in every command, with a message saying what is wrong', () => {
    for (const args of [['validate'], ['export', '/nonexistent', '--format', 'csv'], ['alerts', 'test'], ['generate', '--nosuch'], ['nosuch']]) {
      const r = obsynth(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(/error: |obsynth: /);
    }
  });
});

describe('obsynth scenarios', () => {
  it('lists every incident type with its signature per source', () => {
    const r = obsynth(['scenarios']);
    expect(r.code).toBe(0);
    for (const t of INCIDENT_TYPES) expect(r.stdout).toContain(t);
    expect(r.stdout).toMatch(/memory_leak[^\n]*\n[^\n]*\n[^\n]*\n\s+kubernetes\s+memory_ramp, oom_killed/);
    const json = JSON.parse(obsynth(['scenarios', '--json']).stdout) as Array<{ type: string }>;
    expect(json.map((s) => s.type)).toEqual([...INCIDENT_TYPES]);
  });
});

// `validate --workers N` scans record kinds on worker threads and adds their tallies up: the
// report must be the one a single pass gives, on a good dataset and on a damaged one, and the
// tallies' merges must equal feeding one tally everything.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planGenerate, runGenerate } from '../../../src/cli/commands/generate.js';
import { HOUR, MINUTE } from '../../../src/time/calendar.js';
import type { IncidentEntry } from '../../../src/validate/dataset-documents.js';
import { IncidentTally } from '../../../src/validate/incident-tally.js';
import { RealismTally } from '../../../src/validate/realism-tally.js';
import type { ParsedLabel } from '../../../src/validate/schemas/envelope.js';
import { TimelineTally } from '../../../src/validate/timeline-tally.js';
import { T0 } from './support/bodies.js';
import { copyDataset, readLines, rewriteLines, stillClock, tempDir } from './support/dataset.js';

const CLI = join(process.cwd(), 'dist/cli/main.js');

describe('merging tallies', () => {
  const halves = <T>(items: readonly T[]) => [items.filter((_, i) => i % 3 === 0), items.filter((_, i) => i % 3 !== 0)] as const;

  it('adds incident spans, counts and extremes as one tally fed everything would', () => {
    const entry = (id: string, onset: number): IncidentEntry => {
      const iso = (ms: number) => new Date(ms).toISOString();
      return { id, type: 'memory_leak', root_cause: 'order-service', onset: iso(onset), peak: iso(onset + 10 * MINUTE), recovery_start: iso(onset + 20 * MINUTE), end: iso(onset + 30 * MINUTE), signature: {}, onset_in_range: true, sources: {} };
    };
    const entries = [entry('a', T0), entry('b', T0 + HOUR)];
    const adds = Array.from({ length: 40 }, (_, i) => ({ id: i % 2 ? 'a' : 'b', source: (['kubernetes', 'sentry', 'grafana'] as const)[i % 3]!, t: T0 - 2 * MINUTE + i * 97_000 }));
    const whole = new IncidentTally(entries, 1000);
    for (const x of adds) whole.add(x.id, x.source, x.t);
    const [one, two] = halves(adds);
    const merged = new IncidentTally(entries, 1000);
    const other = new IncidentTally(entries, 1000);
    for (const x of one) merged.add(x.id, x.source, x.t);
    for (const x of two) other.add(x.id, x.source, x.t);
    merged.absorb(other.state());
    expect(merged.state()).toEqual(whole.state());
    expect(whole.incidentRecords).toBe(40);
  });

  it('adds realism counts and keeps the largest lateness and skew', () => {
    const labels: ParsedLabel[] = Array.from({ length: 30 }, (_, i) => ({ id: `r${i}`, anomalous: false, ...(i % 4 === 0 ? { late_ms: i * 100 } : {}), ...(i % 5 === 0 ? { skew_ms: -i * 10 } : {}), ...(i % 7 === 0 ? { duplicate: true } : {}) }) as ParsedLabel);
    const whole = new RealismTally();
    for (const l of labels) whole.add(l);
    const [one, two] = halves(labels);
    const a = new RealismTally();
    const b = new RealismTally();
    for (const l of one) a.add(l);
    for (const l of two) b.add(l);
    a.absorb(b.counts());
    expect(a.counts()).toEqual(whole.counts());
    expect(whole.maxLateMs).toBe(2800);
  });

  it('adds timeline steps and the records outside the range', () => {
    const range = { start: T0, end: T0 + HOUR };
    const adds = Array.from({ length: 50 }, (_, i) => ({ t: T0 - MINUTE + i * 80_000, anomalous: i % 4 === 0 }));
    const whole = new TimelineTally(range, ['kubernetes']);
    for (const x of adds) whole.add('kubernetes', x.t, x.anomalous);
    const [one, two] = halves(adds);
    const a = new TimelineTally(range, ['kubernetes']);
    const b = new TimelineTally(range, ['kubernetes']);
    for (const x of one) a.add('kubernetes', x.t, x.anomalous);
    for (const x of two) b.add('kubernetes', x.t, x.anomalous);
    a.absorb(b.state());
    expect(a.report(undefined)).toEqual(whole.report(undefined));
    expect(whole.report(undefined).outside).toBeGreaterThan(0);
  });
});

describe('validate on worker threads', () => {
  let dir: string;
  let damaged: string;
  const run = (target: string, workers: string) => {
    const r = spawnSync(process.execPath, [CLI, 'validate', target, '--no-progress', '--json', '--workers', workers], { encoding: 'utf8' });
    const report = JSON.parse(r.stdout);
    delete report.seconds;
    return { status: r.status, report };
  };

  beforeAll(async () => {
    // Across midnight with a file per day: two files per kind, scanned in order by one thread.
    dir = tempDir('parallel');
    const start = new Date(T0 + 11.75 * HOUR).toISOString();
    const plan = planGenerate({ start, hours: '0.5', sources: 'kubernetes,cloudwatch', out: dir, workers: '0', force: true, splitByDay: 'always', incident: ['db_pool_exhaustion@+5m'] }, T0);
    await runGenerate(plan, { clock: stillClock, stderr: { isTTY: false, write: () => true } }, false);
    damaged = copyDataset(dir, 'parallel-damaged');
    for (const path of ['kubernetes/container_logs.2026-11-25.jsonl.gz', 'cloudwatch/metrics.2026-11-24.jsonl.gz']) {
      rewriteLines(damaged, path, (lines) => lines.map((l, i) => (i % 50 === 7 ? l.replace('"timestamp":', '"timestamp":"x",  "was":') : l)));
    }
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(damaged, { recursive: true, force: true });
  });

  it('reports exactly what one thread reports on a good dataset', () => {
    const one = run(dir, '0');
    const two = run(dir, '2');
    expect(one.status).toBe(0);
    expect(two.status).toBe(0);
    expect(one.report.kinds.find((k: { kind: string }) => k.kind === 'kubernetes_log').files).toHaveLength(2);
    expect(one.report.quality.onset.incidentRecords).toBeGreaterThan(0);
    expect(two.report).toEqual(one.report);
  });

  it('lists the same first problems, in the same order, on a damaged one', () => {
    expect(readLines(damaged, 'kubernetes/container_logs.2026-11-25.jsonl.gz').some((l) => l.includes('"was":'))).toBe(true);
    const one = run(damaged, '0');
    const two = run(damaged, '3');
    expect(one.status).toBe(1);
    expect(two.status).toBe(1);
    expect(one.report.kinds.find((k: { kind: string }) => k.kind === 'cloudwatch_metric').invalidRecords).toBeGreaterThan(0);
    expect(two.report).toEqual(one.report);
  });
});

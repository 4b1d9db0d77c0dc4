// `obsynth replay` end to end with the file sink (no server): what lands, rebased, and how a
// killed replay resumes with every record exactly once.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/net/free-port.js';
import { obsynth, obsynthInterrupted, readJsonl, tempDir } from '../support/cli.js';

interface Rec {
  id: string;
  kind: string;
  timestamp: number;
}

function countLines(dir: string): Map<string, Rec[]> {
  const out = new Map<string, Rec[]>();
  for (const source of ['kubernetes', 'sentry', 'cloudwatch', 'grafana']) {
    if (!existsSync(join(dir, source))) continue;
    for (const f of readdirSync(join(dir, source)).filter((n) => n.includes('.jsonl'))) out.set(`${source}/${f}`, readJsonl<Rec>(join(dir, source, f)));
  }
  return out;
}

describe('obsynth replay', () => {
  let base: string;
  let dataset: string;
  beforeAll(() => {
    base = tempDir();
    dataset = join(base, 'data');
    const r = obsynth(['generate', '--start', '2026-11-24T14:00:00Z', '--hours', '1', '--sources', 'kubernetes,grafana', '--out', dataset, '--workers', '1']);
    expect(r.code).toBe(0);
  });

  it('ends at once when a sink fails its healthcheck: nothing sent, exit 1, no thread left running', async () => {
    // Nothing listens on this port; the otlp sink's worker threads must not keep the process alive.
    const port = await freePort();
    const started = Date.now();
    const r = obsynth(['replay', dataset, '--to', 'otlp', '--checkpoint', join(base, 'c-health.json'), '--no-progress'], { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}` }, 60_000);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/sink healthcheck failed; nothing was sent:\n {2}otlp: POST http:\/\/127\.0\.0\.1:\d+\/v1\/logs failed: .*ECONNREFUSED/);
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('delivers every record, rebased so the history ends now, and reports it', () => {
    const out = join(base, 'out1');
    const sinks = join(base, 'sinks1.yaml');
    writeFileSync(sinks, `sinks:\n  - type: file\n    path: ${out}\n    format: jsonl\n`);
    const report = join(base, 'report1.json');
    const r = obsynth(['replay', dataset, '--sinks', sinks, '--checkpoint', join(base, 'c1.json'), '--report', report]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/replay complete/);
    const original = countLines(dataset);
    const replayed = countLines(out);
    const originalIds = [...original.values()].flat().map((x) => x.id).sort();
    const replayedIds = [...replayed.values()].flat().map((x) => x.id).sort();
    expect(replayedIds).toEqual(originalIds);
    const rep = JSON.parse(readFileSync(report, 'utf8')) as { shiftMs: number; sinks: Array<{ delivered: number }> };
    expect(rep.sinks[0]!.delivered).toBe(originalIds.length);
    const first = [...original.values()].flat()[0]!;
    const moved = [...replayed.values()].flat().find((x) => x.id === first.id)!;
    expect(moved.timestamp - first.timestamp).toBe(rep.shiftMs);
  });

  it('resumes a killed replay with every record exactly once', async () => {
    const out = join(base, 'out2');
    const sinks = join(base, 'sinks2.yaml');
    // Small batches at a slow pace, so Ctrl-C lands in the middle.
    writeFileSync(sinks, `sinks:\n  - type: file\n    path: ${out}\n    format: jsonl\n    batch: { max_records: 50 }\n`);
    const checkpoint = join(base, 'c2.json');
    // Interrupted once the first checkpoint is written (the replay is under way, its SIGINT handler set).
    const first = await obsynthInterrupted(['replay', dataset, '--sinks', sinks, '--checkpoint', checkpoint, '--speed', '600'], 1500, () => existsSync(checkpoint));
    expect(first.code).toBe(1);
    expect(first.stdout).toMatch(/replay interrupted/);
    const partial = [...countLines(out).values()].flat().length;
    const total = [...countLines(dataset).values()].flat().length;
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(total);
    const second = obsynth(['replay', dataset, '--sinks', sinks, '--checkpoint', checkpoint]);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/replay complete \(resumed\)/);
    // The dataset repeats a few records on purpose (duplicates realism): compare as multisets.
    const ids = [...countLines(out).values()].flat().map((x) => x.id).sort();
    expect(ids).toEqual([...countLines(dataset).values()].flat().map((x) => x.id).sort());
  });

  it('fails fast with a clear message when a sink file is bad', () => {
    const sinks = join(base, 'bad.yaml');
    writeFileSync(sinks, 'sinks:\n  - type: nosuch\n');
    const r = obsynth(['replay', dataset, '--sinks', sinks]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.yaml:2:\d+ sinks\[0\]\.type: "nosuch" is not a sink type/);
  });

  it('dry-runs without writing anything', () => {
    const r = obsynth(['replay', dataset, '--to', 'file', '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/dry run \(nothing sent\)/);
  });
});

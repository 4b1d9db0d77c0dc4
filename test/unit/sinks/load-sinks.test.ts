import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/config/errors.js';
import { loadSinks } from '../../../src/sinks/load-sinks.js';
import { FakeClock } from '../../support/fake-clock.js';

const clock = new FakeClock(0);

function file(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'obsynth-sinks-')), 'sinks.yaml');
  writeFileSync(path, text);
  return path;
}

async function problems(fn: () => Promise<unknown>): Promise<string> {
  try {
    await fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).message;
  }
  throw new Error('expected a ConfigError');
}

describe('loadSinks', () => {
  it('builds sinks from a file with names, kinds and batching', async () => {
    const path = file('sinks:\n  - type: file\n    name: archive\n    path: /tmp/x\n    kinds: [kubernetes_log]\n    batch: { max_records: 50 }\n');
    const [s] = await loadSinks({ file: path, env: {}, clock });
    expect(s!.sink.name).toBe('archive');
    expect([...s!.sink.kinds]).toEqual(['kubernetes_log']);
    expect(s!.batch.maxRecords).toBe(50);
  });

  it('reports every bad block with its position', async () => {
    const path = file('sinks:\n  - type: splunk\n  - type: file\n    path: /tmp/x\n    format: parquet\n  - type: file\n    path: /tmp/y\n    colour: blue\n');
    const text = await problems(() => loadSinks({ file: path, env: {}, clock }));
    expect(text).toMatch(/sinks\.yaml:2:\d+ sinks\[0\]\.type: "splunk" is not a sink type; allowed: file/);
    expect(text).toMatch(/sinks\.yaml:5:\d+ sinks\[1\]\.format: "parquet" is not allowed; allowed: jsonl\.gz \| jsonl/);
    expect(text).toMatch(/sinks\.yaml:6:\d+ sinks\[2\]: unknown key\(s\) "colour"; allowed: type \| path \| format \| name \| kinds/);
  });

  it('takes --to types with their defaults, and rejects unknown ones', async () => {
    const [s] = await loadSinks({ to: 'file', env: {}, clock });
    expect(s!.sink.name).toBe('file');
    expect(await problems(() => loadSinks({ to: 'file,kafka', env: {}, clock }))).toMatch(/--to: "kafka" is not a sink type; allowed: file/);
    expect(await problems(() => loadSinks({ env: {}, clock }))).toMatch(/name at least one sink/);
  });

  it('gives two sinks of a type distinct names, and refuses duplicate explicit names', async () => {
    const two = await loadSinks({ file: file('sinks:\n  - { type: file, path: /tmp/a }\n  - { type: file, path: /tmp/b }\n'), env: {}, clock });
    expect(two.map((s) => s.sink.name)).toEqual(['file', 'file-2']);
    expect(await problems(() => loadSinks({ file: file('sinks:\n  - { type: file, path: /tmp/a, name: x }\n  - { type: file, path: /tmp/b, name: x }\n'), env: {}, clock }))).toMatch(/"x" is used by another sink/);
  });
});

// --expect files: parsing with located errors, and judging a rule's score against them.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/config/errors.js';
import { checkExpectation, loadExpectations } from '../../../src/alerts/expectations.js';
import type { RuleScore } from '../../../src/alerts/matcher.js';
import { tempDir } from '../../support/cli.js';

const MIN = 60_000;
const RULES = ['HighErrorRate', 'DNSFailures'];

function file(text: string): string {
  const path = join(tempDir('obsynth-expect-'), 'expect.yaml');
  writeFileSync(path, text);
  return path;
}

function problems(text: string): string[] {
  try {
    loadExpectations(file(text), RULES);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems.map((p) => `${p.line}:${p.column} ${p.path}: ${p.message}`);
  }
  throw new Error('expected a ConfigError');
}

describe('loadExpectations', () => {
  it('reads a list of expectations with their defaults', () => {
    const e = loadExpectations(file('- rule: HighErrorRate\n  catches: [bad_deployment, network_partition]\n  max_latency: 5m\n- rule: DNSFailures\n  max_false_positives: 0\n'), RULES);
    expect(e).toEqual([
      { rule: 'HighErrorRate', catches: ['bad_deployment', 'network_partition'], maxLatencyMs: 5 * MIN, minRecall: 1 },
      { rule: 'DNSFailures', catches: [], minRecall: 1, maxFalsePositives: 0 },
    ]);
  });

  it('names file position, key path, the bad value and what is allowed', () => {
    const p = problems('- rule: HighErrorRate\n  catches: [bad_deploy]\n  max_latency: soon\n  max_latancy: 5m\n');
    expect(p).toHaveLength(3);
    expect(p.find((x) => x.includes('catches[0]'))).toMatch(/^2:13 \[0\]\.catches\[0\]: "bad_deploy" is not allowed; allowed: memory_leak \| bad_deployment \|/);
    expect(p.find((x) => x.includes('max_latency:'))).toMatch(/^3:16 \[0\]\.max_latency: "soon" is invalid: must be a duration like 30s/);
    expect(p.find((x) => x.includes('max_latancy'))).toMatch(/^4:3 \[0\]\.max_latancy: unknown key "max_latancy"; allowed: rule \| catches \| max_latency \| min_recall \| max_false_positives/);
  });

  it('rejects rules the rule files do not define, listing those they do', () => {
    expect(problems('- rule: HighErorRate\n  catches: [dns_failure]\n')).toEqual(['1:9 [0].rule: "HighErorRate" is not an alerting rule of the rule files; allowed: HighErrorRate | DNSFailures']);
  });

  it('rejects an expectation with nothing to check, and a file that is not a list', () => {
    expect(problems('- rule: HighErrorRate\n')[0]).toMatch(/says nothing to check/);
    expect(problems('rule: HighErrorRate\n')[0]).toMatch(/is not a array|expected array/);
  });
});

function score(outcomes: Array<{ incident: string; type: string; latencyMs?: number }>, falsePositives = 0): RuleScore {
  return {
    id: 'HighErrorRate',
    firings: 0,
    truePositives: 0,
    falsePositives,
    precision: null,
    incidents: outcomes.length,
    detected: 0,
    recall: null,
    byType: [],
    outcomes: outcomes.map((o) => ({ incident: o.incident, type: o.type, detected: o.latencyMs !== undefined, ...(o.latencyMs !== undefined ? { latencyMs: o.latencyMs } : {}), firingAtOnset: false })),
    scoredFirings: [],
  };
}

describe('checkExpectation', () => {
  const e = { rule: 'HighErrorRate', catches: ['bad_deployment'], maxLatencyMs: 10 * MIN, minRecall: 1 };

  it('is met when every incident of the type is caught in time', () => {
    expect(checkExpectation(e, score([{ incident: 'a', type: 'bad_deployment', latencyMs: 3 * MIN }]))).toEqual({ rule: 'HighErrorRate', expected: 'catches every bad_deployment incident within 10m', ok: true, failures: [] });
  });

  it('fails on a missed or a slow incident, naming them', () => {
    const r = checkExpectation(e, score([{ incident: 'a', type: 'bad_deployment' }, { incident: 'b', type: 'bad_deployment', latencyMs: 12 * MIN }, { incident: 'c', type: 'bad_deployment', latencyMs: MIN }]));
    expect(r.ok).toBe(false);
    expect(r.failures).toEqual(['caught 1 of 3 bad_deployment incidents in time (needs all): a missed; b caught after 12m (max 10m)']);
  });

  it('min_recall lowers the bar', () => {
    const r = checkExpectation({ ...e, minRecall: 0.5 }, score([{ incident: 'a', type: 'bad_deployment' }, { incident: 'c', type: 'bad_deployment', latencyMs: MIN }]));
    expect(r.ok).toBe(true);
  });

  it('fails when the dataset has no incident of the type, and on too many false positives', () => {
    const r = checkExpectation({ ...e, maxFalsePositives: 2 }, score([], 3));
    expect(r.failures).toEqual(['the dataset has no bad_deployment incident to check it on (generate one with --incident bad_deployment)', 'fired 3 times outside every incident window (max 2)']);
  });
});

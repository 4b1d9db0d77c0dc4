import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/config/errors.js';
import { defaultConfigDir, loadConfig } from '../../../src/config/load.js';
import { INCIDENT_TYPES } from '../../../src/config/schema.js';
import { findCycle } from '../../../src/config/semantics.js';

function configCopy(edit: Partial<Record<'services' | 'incidents' | 'generation', (text: string) => string>>): string {
  const dir = mkdtempSync(join(tmpdir(), 'obsynth-config-'));
  cpSync(defaultConfigDir(), dir, { recursive: true });
  for (const [name, fn] of Object.entries(edit)) {
    const file = join(dir, `${name}.yaml`);
    writeFileSync(file, fn!(readFileSync(file, 'utf8')));
  }
  return dir;
}

function problemsOf(dir: string): string[] {
  try {
    loadConfig({ dir });
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).message.split('\n').slice(1).map((l) => l.trim());
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('loads the shipped configuration with all twelve scenario types', () => {
    const config = loadConfig();
    expect(config.services.services.map((s) => s.name)).toEqual([
      'api-gateway',
      'user-service',
      'order-service',
      'payment-service',
      'product-service',
      'notification-service',
      'analytics-service',
    ]);
    expect(Object.keys(config.incidents.scenarios).sort()).toEqual([...INCIDENT_TYPES].sort());
    expect(config.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('reports every problem at once, each with file, line:column, key path, value and what is allowed', () => {
    const dir = configCopy({
      incidents: (t) => t.replace('  memory_leak:', '  memleak:').replace('shape: sudden', 'shape: suddenly'),
      generation: (t) => t.replace('per_day: 50', 'per_day: -3\n  bogus: 1'),
    });
    const problems = problemsOf(dir);
    const text = problems.join('\n');
    expect(text).toMatch(/incidents\.yaml:\d+:\d+ scenarios\.memleak: unknown key "memleak"; allowed: memory_leak \| bad_deployment/);
    expect(text).toMatch(/incidents\.yaml:\d+:\d+ scenarios\.bad_deployment\.shape: "suddenly" is not allowed; allowed: gradual \| sudden \| stepped/);
    expect(text).toMatch(/generation\.yaml:\d+:\d+ incidents\.per_day: -3 is too small; must be >= 0/);
    expect(text).toMatch(/generation\.yaml:\d+:\d+ incidents\.bogus: unknown key "bogus"; allowed: per_day \| min_gap_mins/);
    // Every line names its file and a line:column.
    for (const p of problems) expect(p).toMatch(/\.yaml:\d+:\d+ /);
  });

  it('locates a problem at the right line', () => {
    const dir = configCopy({ services: (t) => t.replace('    replicas: 3\n    resources: { cpu_request_millicores: 250, cpu_limit_millicores: 1000, memory_request_mib: 128', '    replicas: three\n    resources: { cpu_request_millicores: 250, cpu_limit_millicores: 1000, memory_request_mib: 128') });
    const [problem] = problemsOf(dir);
    const line = readFileSync(join(dir, 'services.yaml'), 'utf8').split('\n').findIndex((l) => l.includes('replicas: three')) + 1;
    expect(problem).toContain(`services.yaml:${line}:15 services[0].replicas: "three" is not a number`);
  });

  it('checks names across files: unknown targets, services, namespaces and bad cron', () => {
    const dir = configCopy({
      services: (t) => t.replace('target: redis, operation: SET', 'target: rediss, operation: SET').replace('namespace: shop\n    team: identity', 'namespace: shopp\n    team: identity'),
      incidents: (t) => t.replace('targets: [redis]', 'targets: [memcached]'),
      generation: (t) => t.replace('service: user-service, schedule: "0 */6 * * *"', 'service: users, schedule: "0 */6 * * 9"'),
    });
    const text = problemsOf(dir).join('\n');
    expect(text).toMatch(/services\.yaml:\d+:\d+ services\[1\]\.endpoints\[0\]\.calls\[1\]\.target: "rediss" is not a service or datastore; allowed: api-gateway \|/);
    expect(text).toMatch(/services\.yaml:\d+:\d+ services\[1\]\.namespace: "shopp" is not a declared namespace; allowed: shop \| shop-data \| kube-system/);
    expect(text).toMatch(/incidents\.yaml:\d+:\d+ scenarios\.cache_stampede\.targets\[0\]: "memcached" is not a service or datastore/);
    expect(text).toMatch(/generation\.yaml:\d+:\d+ traffic\.jobs\[3\]\.service: "users" is not a service/);
    expect(text).toMatch(/generation\.yaml:\d+:\d+ traffic\.jobs\[3\]\.schedule: "0 \*\/6 \* \* 9": day of week "9" is outside 0-7/);
  });

  it('rejects a call graph with a cycle', () => {
    const dir = configCopy({ services: (t) => t.replace("calls: [{ target: postgres, operation: SELECT payments }]", "calls: [{ target: order-service, route: \"GET /orders/{id}\" }]") });
    expect(problemsOf(dir).join('\n')).toMatch(/the call graph has a cycle: (order-service -> payment-service -> order-service|payment-service -> order-service -> payment-service)/);
  });

  it('rejects a scenario that shows up in fewer than three sources', () => {
    const dir = configCopy({ incidents: (t) => t.replace('      cloudwatch: [alb_errors, app_logs, alarm]\n      grafana: [golden_signals, alert_annotation]\n\n  cache_stampede', '      cloudwatch: []\n      grafana: []\n\n  cache_stampede') });
    expect(problemsOf(dir).join('\n')).toMatch(/scenarios\.rate_limiting\.signature: shows up in 2 source\(s\) \(kubernetes, sentry\); a scenario needs at least 3/);
  });

  it('reports YAML syntax errors with their position', () => {
    const dir = configCopy({ generation: () => 'seed: [1, 2\ntraffic: {\n' });
    expect(problemsOf(dir)[0]).toMatch(/generation\.yaml:\d+:\d+: YAML syntax: /);
  });

  it('names a missing file', () => {
    expect(() => loadConfig({ overrides: { services: '/nonexistent/services.yaml' } })).toThrow(/\/nonexistent\/services\.yaml: file not found/);
  });
});

describe('findCycle', () => {
  it('finds a cycle and returns it closed', () => {
    expect(findCycle(new Map([['a', new Set(['b'])], ['b', new Set(['c'])], ['c', new Set(['a'])]]))).toEqual(['a', 'b', 'c', 'a']);
  });
  it('returns undefined for a DAG', () => {
    expect(findCycle(new Map([['a', new Set(['b', 'c'])], ['b', new Set(['c'])]]))).toBeUndefined();
  });
});

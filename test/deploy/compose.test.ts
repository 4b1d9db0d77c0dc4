// docker-compose.yml without Docker: the Compose specification's JSON schema, pinned images,
// healthchecks and start order, profiles, and that what the obsynth services send to (their
// sinks files and environment) is what the backend services listen on.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { CLI, obsynth } from '../support/cli.js';
import { readText, readYaml, repo, run } from './support.js';

interface Healthcheck {
  test?: string[] | string;
  disable?: boolean;
}
interface Service {
  image?: string;
  build?: unknown;
  profiles?: string[];
  ports?: string[];
  expose?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  depends_on?: Record<string, { condition: string }> | string[];
  healthcheck?: Healthcheck;
  restart?: string;
  entrypoint?: string[];
  command?: string[];
  user?: string;
}
interface Compose {
  name?: string;
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

const compose = readYaml<Compose>(repo('docker-compose.yml'));
const services = compose.services;
const names = Object.keys(services);
const PROFILES = ['grafana', 'aws', 'sentry', 'all'] as const;
const OBSYNTH: Record<(typeof PROFILES)[number], string> = { grafana: 'obsynth-grafana', aws: 'obsynth-aws', sentry: 'obsynth-sentry', all: 'obsynth-all' };
const version = (JSON.parse(readText(repo('package.json'))) as { version: string }).version;

const isOneShot = (s: Service): boolean => s.restart === 'no';
const inProfile = (name: string, profile: string): boolean => (services[name]?.profiles ?? []).includes(profile);
const deps = (s: Service): Record<string, { condition: string }> => (Array.isArray(s.depends_on) ? Object.fromEntries(s.depends_on.map((d) => [d, { condition: 'service_started' }])) : (s.depends_on ?? {}));

/** Container ports a service listens on, as far as the file says (published or exposed). */
function containerPorts(s: Service): Set<number> {
  const out = new Set<number>();
  for (const p of s.ports ?? []) out.add(Number(p.split(':').pop()!.split('/')[0]));
  for (const p of s.expose ?? []) out.add(Number(String(p).split('/')[0]));
  return out;
}

/** Where each sink of a sinks file sends, given the service's environment. */
function sinkTargets(file: string, env: Record<string, string>, dsnHost: string | undefined): Array<{ sink: string; url: URL }> {
  const doc = readYaml<{ sinks: Array<Record<string, unknown>> }>(file);
  const out: Array<{ sink: string; url: URL }> = [];
  for (const block of doc.sinks) {
    const type = String(block.type);
    let url: string | undefined;
    if (typeof block.endpoint === 'string') url = block.endpoint;
    else if (type === 'otlp') url = env.OTEL_EXPORTER_OTLP_ENDPOINT;
    else if (type.startsWith('aws_')) url = env.AWS_ENDPOINT_URL;
    else if (type === 'sentry') url = dsnHost ? `http://${dsnHost}` : undefined;
    if (!url) throw new Error(`${file}: sink ${type} has no endpoint in the file or in the service's environment`);
    out.push({ sink: type, url: new URL(url) });
  }
  return out;
}

describe('docker-compose.yml', () => {
  it('validates against the Compose specification schema (compose-spec, vendored in test/deploy/schemas)', () => {
    const schema = JSON.parse(readText(repo('test', 'deploy', 'schemas', 'compose-spec.json'))) as Record<string, unknown>;
    delete schema.$schema; // draft-07 under an https URI Ajv does not know by that name; Ajv's default draft is 07
    const ajv = new Ajv({ allErrors: true, strict: false });
    (addFormatsModule as unknown as (a: Ajv) => void)(ajv);
    const validate = ajv.compile(schema);
    const ok = validate(compose);
    expect(validate.errors?.map((e) => `${e.instancePath} ${e.message}`) ?? [], 'schema errors').toEqual([]);
    expect(ok).toBe(true);
    // ... and the schema does catch mistakes (a typo and a wrong condition).
    const bad = structuredClone(compose) as unknown as { services: Record<string, Record<string, unknown>> };
    bad.services.lgtm!.healthcheck = { ...(bad.services.lgtm!.healthcheck as object), intervall: '5s' };
    bad.services['obsynth-grafana']!.depends_on = { lgtm: { condition: 'service_happy' } };
    expect(validate(bad)).toBe(false);
  });

  it('pins every image to a version (never latest); the built one carries package.json version', () => {
    for (const [name, s] of Object.entries(services)) {
      expect(s.image, `${name}: image`).toBeTruthy();
      const image = s.image!;
      expect(image, `${name}: ${image} has no tag`).toMatch(/^[a-z0-9./-]+:[\w.-]+(@sha256:[a-f0-9]{64})?$/);
      const tag = image.split('@')[0]!.split(':').pop()!;
      expect(tag, `${name}: ${image}`).not.toMatch(/^(latest|stable|main|edge|nightly)$/);
      expect(tag, `${name}: ${image} is not a version`).toMatch(/\d+\.\d+/);
      if (s.build) expect(image, `${name} is built here`).toBe(`obsynth:${version}`);
    }
    expect(services.localstack?.image).toBe('localstack/localstack:4.14.0');
  });

  it('has a healthcheck on every long-running service and starts nothing before what it needs is healthy', () => {
    for (const [name, s] of Object.entries(services)) {
      if (isOneShot(s)) continue;
      expect(s.healthcheck?.test, `${name}: healthcheck`).toBeTruthy();
      expect(s.healthcheck?.disable, name).not.toBe(true);
    }
    for (const [name, s] of Object.entries(services)) {
      for (const [target, { condition }] of Object.entries(deps(s))) {
        const t = services[target];
        expect(t, `${name} depends on unknown ${target}`).toBeDefined();
        if (isOneShot(t!)) expect(condition, `${name} -> one-shot ${target}`).toBe('service_completed_successfully');
        else {
          expect(condition, `${name} -> ${target}`).toBe('service_healthy');
          expect(t!.healthcheck?.test, `${target} (awaited healthy by ${name})`).toBeTruthy();
        }
        // A dependency must run whenever the dependent does.
        for (const p of s.profiles ?? []) expect(inProfile(target, p), `${name} (profile ${p}) needs ${target}, which is not in ${p}`).toBe(true);
      }
    }
  });

  it('offers the profiles grafana, aws, sentry and all, each with exactly one obsynth service', () => {
    for (const [name, s] of Object.entries(services)) {
      expect(s.profiles?.length, `${name} must belong to a profile`).toBeGreaterThan(0);
      for (const p of s.profiles!) expect(PROFILES as readonly string[]).toContain(p);
    }
    for (const p of PROFILES) {
      const obsynthServices = names.filter((n) => inProfile(n, p) && services[n]!.build);
      expect(obsynthServices, p).toEqual([OBSYNTH[p]]);
    }
    // "all" is every backend; each smaller profile is a part of it.
    for (const n of names) if (!services[n]!.build) expect(inProfile(n, 'all'), n).toBe(true);
    expect(names.filter((n) => inProfile(n, 'grafana') && !services[n]!.build)).toEqual(['lgtm']);
    expect(names.filter((n) => inProfile(n, 'aws') && !services[n]!.build)).toEqual(['localstack']);
    expect(names.filter((n) => inProfile(n, 'sentry') && !services[n]!.build).every((n) => n.startsWith('glitchtip-'))).toBe(true);
  });

  it('publishes ports on the loopback interface only', () => {
    for (const [name, s] of Object.entries(services)) for (const p of s.ports ?? []) expect(p, name).toMatch(/^127\.0\.0\.1:\d+:\d+$/);
    const lgtm = [...containerPorts(services.lgtm!)].sort((a, b) => a - b);
    expect(lgtm).toEqual([3000, 3100, 4317, 4318, 9090]);
  });

  it('mounts files that exist, where the lgtm image and the provisioning files expect them', () => {
    for (const [name, s] of Object.entries(services)) {
      for (const v of s.volumes ?? []) {
        const [source] = v.split(':');
        if (source!.startsWith('.')) expect(existsSync(repo(source!)), `${name}: ${source}`).toBe(true);
        else expect(compose.volumes, `${name}: named volume ${source}`).toHaveProperty(source!);
      }
    }
    const mounts = new Map((services.lgtm!.volumes ?? []).map((v) => v.split(':') as [string, string, string?]).map(([s, t]) => [s, t]));
    const provider = readYaml<{ providers: Array<{ options: { path: string } }> }>(repo('deploy/grafana/provisioning/dashboards/obsynth.yaml'));
    expect(provider.providers[0]!.options.path).toBe(mounts.get('./deploy/grafana/dashboards'));
    expect(posix.dirname(mounts.get('./deploy/grafana/provisioning/dashboards/obsynth.yaml')!)).toBe('/otel-lgtm/grafana/conf/provisioning/dashboards');
    expect(posix.dirname(mounts.get('./deploy/grafana/provisioning/datasources/obsynth.yaml')!)).toBe('/otel-lgtm/grafana/conf/provisioning/datasources');
    expect(mounts.get('./deploy/prometheus/prometheus.yaml')).toBe('/otel-lgtm/prometheus.yaml');
    const prom = readYaml<{ rule_files: string[] }>(repo('deploy/prometheus/prometheus.yaml'));
    expect(prom.rule_files.map((g) => posix.dirname(g))).toEqual([mounts.get('./deploy/prometheus/rules')]);
    const home = services.lgtm!.environment!.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH!;
    expect(posix.dirname(home)).toBe(mounts.get('./deploy/grafana/dashboards'));
    expect(existsSync(repo('deploy/grafana/dashboards', posix.basename(home)))).toBe(true);
  });

  describe.each(PROFILES)('the obsynth service of profile %s', (profile) => {
    const name = OBSYNTH[profile];
    const s = services[name]!;
    const env = s.environment ?? {};
    const init = services['glitchtip-init']!;
    const dsnHost = env.SENTRY_DSN_FILE ? init.environment?.OBSYNTH_DSN_HOST : undefined;
    const sinksFile = repo(env.OBSYNTH_SINKS!.replace(/^\/app\//, ''));

    it('runs the demo script from the image with a sinks file the image carries', () => {
      expect(s.entrypoint).toEqual(['/bin/sh', '/app/deploy/docker/obsynth-demo.sh']);
      expect(env.OBSYNTH_SINKS).toBe(`/app/deploy/sinks/${profile}.yaml`);
      expect(existsSync(sinksFile)).toBe(true);
      expect(readText(repo('Dockerfile'))).toMatch(/^COPY deploy\/sinks \.\/deploy\/sinks$/m);
      expect(readText(repo('Dockerfile'))).toMatch(/^COPY deploy\/docker\/obsynth-demo\.sh \.\/deploy\/docker\/obsynth-demo\.sh$/m);
    });

    it('sends only to backends of its profile, on ports they listen on, after they are healthy, and to every one of them', () => {
      const targets = sinkTargets(sinksFile, env, dsnHost);
      const reached = new Set<string>();
      for (const { sink, url } of targets) {
        const host = url.hostname;
        const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
        expect(names, `${sink}: ${url.href} names no compose service`).toContain(host);
        expect(inProfile(host, profile), `${sink}: ${host} is not in profile ${profile}`).toBe(true);
        expect(containerPorts(services[host]!).has(port) || services[host]!.environment?.PORT === String(port), `${sink}: ${host} does not listen on ${port}`).toBe(true);
        expect(deps(s)[host]?.condition, `${name} must wait for ${host}`).toBe('service_healthy');
        reached.add(host);
      }
      // Every backend the profile starts gets data (GlitchTip's web service stands for its parts).
      const backends = names.filter((n) => inProfile(n, profile) && !services[n]!.build && (!n.startsWith('glitchtip-') || n === 'glitchtip-web'));
      expect([...reached].sort()).toEqual(backends.sort());
    });

    it('uses the credentials and region the backends are configured with', () => {
      const doc = readYaml<{ sinks: Array<Record<string, unknown>> }>(sinksFile);
      for (const block of doc.sinks) {
        if (block.type === 'grafana_annotations') {
          expect(block.auth).toEqual({ username: services.lgtm!.environment!.GF_SECURITY_ADMIN_USER, password: services.lgtm!.environment!.GF_SECURITY_ADMIN_PASSWORD });
        }
        if (String(block.type).startsWith('aws_')) {
          expect(env.AWS_REGION).toBe(services.localstack!.environment!.AWS_DEFAULT_REGION);
          expect(env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY).toBeTruthy();
        }
        if (block.type === 'sentry') {
          // The DSN file glitchtip-init writes is on a volume this service mounts at the same place.
          const initMount = init.volumes!.find((v) => v.endsWith(':/shared'))!.split(':')[0];
          expect(dirname(init.environment!.OBSYNTH_DSN_FILE!)).toBe('/shared');
          expect(env.SENTRY_DSN_FILE).toBe(init.environment!.OBSYNTH_DSN_FILE);
          expect(s.volumes).toContain(`${initMount}:/shared:ro`);
          expect(deps(s)['glitchtip-init']?.condition).toBe('service_completed_successfully');
        }
      }
    });

    it('is a configuration obsynth accepts with that environment (replay --dry-run)', () => {
      const childEnv: Record<string, string> = { ...env };
      if (env.SENTRY_DSN_FILE) {
        // What glitchtip-init writes: http://<32 hex key>@<OBSYNTH_DSN_HOST>/<project id>.
        childEnv.SENTRY_DSN = `http://0123456789abcdef0123456789abcdef@${dsnHost}/1`;
      }
      delete childEnv.NODE_OPTIONS;
      const r = obsynth(['replay', '--generate', '--start', '2026-11-24T00:00:00Z', '--hours', '1', '--sources', 'grafana', '--sinks', sinksFile, '--dry-run', '--no-progress'], childEnv);
      // The AWS SDK warns once per process that its 2027 releases need Node >= 22.
      expect(r.stderr.replace(/^\(node:\d+\) Warning: NodeVersionSupportWarning:[\s\S]*?to show where the warning was created\)\n/m, '').trim()).toBe('');
      expect(r.code, r.stdout).toBe(0);
    });
  });

  it('runs the demo entrypoint: backfill, the healthcheck marker, then live (file sink, small volume)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'obsynth-demo-'));
    const sinks = join(dir, 'sinks.yaml');
    writeFileSync(sinks, `sinks:\n  - type: file\n    path: ${join(dir, 'out')}\n`);
    const dsn = join(dir, 'dsn');
    writeFileSync(dsn, 'http://0123456789abcdef0123456789abcdef@glitchtip-web:8000/1\n');
    const env = { ...process.env, OBSYNTH_CLI: CLI, OBSYNTH_SINKS: sinks, OBSYNTH_STATE_DIR: dir, OBSYNTH_BACKFILL_HOURS: '1', OBSYNTH_GENERATE_ARGS: '--sources grafana --volume-multiplier 0.1', SENTRY_DSN_FILE: dsn };
    const child = spawn('/bin/sh', [repo('deploy/docker/obsynth-demo.sh')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      for (let i = 0; i < 600 && !output.includes('live from now on'); i++) await new Promise((r) => setTimeout(r, 500));
      expect(output).toContain('backfilling the last 1 hours');
      expect(output).toContain('live from now on');
      // What the compose healthcheck looks for.
      expect(readdirSync(dir).filter((f) => /^backfill-.*\.done$/.test(f))).toEqual(['backfill-sinks.done']);
      const report = JSON.parse(readFileSync(join(dir, 'backfill-report.json'), 'utf8')) as { complete: boolean; recordsRead: number; sinks: Array<{ delivered: number; rejected: number }> };
      expect(report.complete).toBe(true);
      expect(report.sinks[0]!.delivered).toBe(report.recordsRead);
      expect(report.recordsRead).toBeGreaterThan(1000);
      expect(existsSync(join(dir, 'out', 'grafana', 'panel_series.jsonl.gz'))).toBe(true);
      await new Promise((r) => setTimeout(r, 2000));
      expect(child.exitCode, output).toBeNull(); // live keeps running
    } finally {
      child.kill('SIGTERM');
      await closed;
    }
    // Without the DSN glitchtip-init writes, it refuses to start (exit 2).
    const missing = run('/bin/sh', [repo('deploy/docker/obsynth-demo.sh')], { env: { ...env, SENTRY_DSN_FILE: join(dir, 'nope') } });
    expect(missing.code).toBe(2);
    expect(missing.output).toContain('did glitchtip-init run?');
  }, 600_000);

  it('keeps the demo scripts valid shell', () => {
    expect(run('sh', ['-n', repo('deploy/docker/obsynth-demo.sh')]).code).toBe(0);
    expect(run('bash', ['-n', repo('deploy/kind/up.sh')]).code).toBe(0);
    expect(run('bash', ['-n', repo('deploy/prometheus/make-tests.sh')]).code).toBe(0);
  });

  it('provisions GlitchTip with a script that compiles and writes the DSN where obsynth reads it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'obsynth-provision-'));
    const compiled = join(dir, 'provision.py');
    writeFileSync(compiled, readText(repo('deploy/glitchtip/provision.py')));
    const py = run('python3', ['-c', `import ast,sys; ast.parse(open(${JSON.stringify(compiled)}).read())`]);
    expect(py.code, py.output).toBe(0);
    const init = services['glitchtip-init']!;
    expect(init.command?.join(' ')).toContain('/obsynth/provision.py');
    for (const key of ['GLITCHTIP_ADMIN_EMAIL', 'GLITCHTIP_ADMIN_PASSWORD', 'OBSYNTH_DSN_HOST', 'OBSYNTH_DSN_FILE']) {
      expect(readText(repo('deploy/glitchtip/provision.py')), key).toContain(key);
      expect(init.environment?.[key], key).toBeTruthy();
    }
    const web = services['glitchtip-web']!;
    expect(init.environment!.OBSYNTH_DSN_HOST).toBe(`glitchtip-web:${web.environment!.PORT}`);
    expect(containerPorts(web).has(Number(web.environment!.PORT))).toBe(true);
  });
});

// The Dockerfile without Docker: its build steps are `npm ci && npm run build` (what the tests
// here run against), the runtime stage carries what dist/ needs, it runs as a non-root user, and
// its entrypoint -- mapped onto this checkout -- runs.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { obsynth } from '../support/cli.js';
import { readText, repo } from './support.js';

interface Instruction {
  readonly op: string;
  readonly args: string;
  readonly line: number;
}
interface Stage {
  readonly from: string;
  readonly name?: string;
  readonly steps: Instruction[];
}

/** Instructions (continuation lines joined, comments dropped), grouped into stages. */
function parseDockerfile(text: string): { args: Map<string, string>; stages: Stage[] } {
  const instructions: Instruction[] = [];
  let pending = '';
  let start = 0;
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!pending && (line === '' || line.startsWith('#'))) return;
    if (line.startsWith('#')) return;
    if (!pending) start = i + 1;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      return;
    }
    const full = pending + line;
    pending = '';
    const m = /^(\w+)\s+([\s\S]*)$/.exec(full);
    if (m) instructions.push({ op: m[1]!.toUpperCase(), args: m[2]!.trim(), line: start });
  });
  const args = new Map<string, string>();
  const stages: Stage[] = [];
  for (const ins of instructions) {
    if (ins.op === 'FROM') {
      const [from, , name] = ins.args.split(/\s+/);
      stages.push({ from: from!, name, steps: [] });
    } else if (stages.length === 0 && ins.op === 'ARG') {
      const [k, v] = ins.args.split('=');
      args.set(k!, v ?? '');
    } else stages.at(-1)?.steps.push(ins);
  }
  return { args, stages };
}

const dockerfile = parseDockerfile(readText(repo('Dockerfile')));
const stage = (name: string): Stage => {
  const s = dockerfile.stages.find((x) => x.name === name);
  if (!s) throw new Error(`Dockerfile has no stage ${name}`);
  return s;
};
const runs = (s: Stage): string[] => s.steps.filter((i) => i.op === 'RUN').map((i) => i.args);
const copies = (s: Stage): string[] => s.steps.filter((i) => i.op === 'COPY').map((i) => i.args);
const json = <T>(text: string): T => JSON.parse(text) as T;
const pkg = json<{ version: string; engines: { node: string }; scripts: Record<string, string> }>(readText(repo('package.json')));

describe('Dockerfile', () => {
  it('builds from one pinned node slim image, the Node major the tests run on', () => {
    const image = dockerfile.args.get('NODE_IMAGE');
    expect(image).toMatch(/^node:\d+\.\d+\.\d+-(bookworm|bullseye|trixie)-slim(@sha256:[a-f0-9]{64})?$/);
    const [major, minor] = image!.slice('node:'.length).split('.').map(Number);
    expect(major).toBe(Number(process.versions.node.split('.')[0]));
    const [minMajor, minMinor] = pkg.engines.node.replace('>=', '').split('.').map(Number);
    expect(major! > minMajor! || (major === minMajor && minor! >= minMinor!), `${image} satisfies engines ${pkg.engines.node}`).toBe(true);
    for (const s of dockerfile.stages) expect(s.from).toBe('${NODE_IMAGE}');
    expect(dockerfile.stages.map((s) => s.name)).toEqual(['build', 'deps', 'runtime']);
  });

  it('runs `npm ci && npm run build` from the lock file (the same artefact as here)', () => {
    const build = stage('build');
    const steps = build.steps.map((i) => `${i.op} ${i.args}`);
    const at = (re: RegExp) => steps.findIndex((s) => re.test(s));
    const lock = at(/^COPY package\.json package-lock\.json \.\/$/);
    const ci = at(/^RUN npm ci\b/);
    const sources = at(/^COPY src \.\/src$/);
    const tsconfig = at(/^COPY tsconfig\.json tsconfig\.build\.json \.\/$/);
    const compile = at(/^RUN npm run build$/);
    expect([lock, ci, tsconfig, sources, compile].every((i) => i >= 0), steps.join('\n')).toBe(true);
    expect(lock < ci && ci < compile && sources < compile && tsconfig < compile).toBe(true);
    // `npm ci --ignore-scripts` skips exactly one thing of ours: `prepare`, which is the build the
    // next step runs. No production dependency needs an install script that this would skip.
    expect(runs(build).find((r) => r.startsWith('npm ci'))).toMatch(/--ignore-scripts/);
    expect(pkg.scripts.prepare).toBe('npm run build');
    const lockfile = json<{ packages: Record<string, { hasInstallScript?: boolean; dev?: boolean }> }>(readText(repo('package-lock.json')));
    const prodScripts = Object.entries(lockfile.packages).filter(([, p]) => p.hasInstallScript && !p.dev).map(([k]) => k);
    expect(prodScripts).toEqual([]);
    // What `npm run build` compiles is what the stage copies.
    expect(pkg.scripts.build).toBe('tsc -p tsconfig.build.json');
    const buildConfig = json<{ extends: string; include: string[] }>(readText(repo('tsconfig.build.json')));
    expect(buildConfig.extends).toBe('./tsconfig.json');
    expect(buildConfig.include).toEqual(['src']);
  });

  it('ships production dependencies only, dist/, config/ and package.json, as a non-root user', () => {
    expect(runs(stage('deps'))).toEqual([expect.stringMatching(/^npm ci --omit=dev\b/)]);
    const runtime = stage('runtime');
    const c = copies(runtime);
    expect(c).toContain('--from=deps /src/node_modules ./node_modules');
    expect(c).toContain('--from=build /src/dist ./dist');
    expect(c).toContain('package.json ./');
    expect(c).toContain('config ./config');
    const workdirs = runtime.steps.filter((i) => i.op === 'WORKDIR').map((i) => i.args);
    expect(workdirs[0]).toBe('/app');
    const user = runtime.steps.filter((i) => i.op === 'USER').map((i) => i.args);
    expect(user).toHaveLength(1);
    expect(user[0]).not.toMatch(/^(root|0)(:|$)/);
    // dist/config/load.ts reads ../../config, dist/version.ts reads ../package.json: both beside dist.
    expect(readText(repo('src/config/load.ts'))).toContain("new URL('../../config/', import.meta.url)");
    expect(readText(repo('src/version.ts'))).toContain("new URL('../package.json', import.meta.url)");
  });

  it('copies only files that exist and that .dockerignore lets through', () => {
    const ignored = readText(repo('.dockerignore')).split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
    for (const s of dockerfile.stages) {
      for (const args of copies(s)) {
        if (args.startsWith('--from=')) continue;
        const parts = args.split(/\s+/);
        for (const source of parts.slice(0, -1)) {
          expect(existsSync(repo(source)), `COPY ${source}`).toBe(true);
          const hit = ignored.find((pattern) => source === pattern || source.startsWith(`${pattern}/`));
          expect(hit, `COPY ${source} is excluded by .dockerignore (${hit})`).toBeUndefined();
        }
      }
    }
  });

  it('has an entrypoint that runs: node dist/cli/main.js --help', () => {
    const runtime = stage('runtime');
    const entrypoint = json<string[]>(runtime.steps.find((i) => i.op === 'ENTRYPOINT')!.args);
    const cmd = json<string[]>(runtime.steps.find((i) => i.op === 'CMD')!.args);
    expect(entrypoint).toEqual(['node', '/app/dist/cli/main.js']);
    expect(cmd).toEqual(['--help']);
    // /app is this checkout: the built CLI, with the image's default arguments.
    const r = obsynth(cmd);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: obsynth');
    expect(r.stdout).toMatch(/replay \[options\] \[dir\]/);
  });
});

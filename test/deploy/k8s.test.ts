// deploy/k8s and deploy/kind without a cluster: every manifest validates against the Kubernetes
// OpenAPI schemas (kubernetes-models) and has no unknown field (its TypeScript types, compiled),
// RBAC grants what the kubernetes_events sink does and nothing more, pods run locked down, and
// the containers' command lines are ones obsynth accepts.
import { mkdtempSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import * as apps from 'kubernetes-models/apps/v1';
import * as batch from 'kubernetes-models/batch/v1';
import * as rbac from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import * as core from 'kubernetes-models/v1';
import { parse as parseYaml } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { obsynth, readJsonl } from '../support/cli.js';
import { DASHBOARD_DATASET_ARGS, generatedDataset, readText, readYaml, readYamlDocuments, repo } from './support.js';

interface Meta {
  name: string;
  namespace?: string;
}
interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: Meta;
  [key: string]: unknown;
}
interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}
interface Container {
  name: string;
  image: string;
  args?: string[];
  command?: string[];
  securityContext?: { allowPrivilegeEscalation?: boolean; readOnlyRootFilesystem?: boolean; capabilities?: { drop?: string[] } };
  volumeMounts?: Array<{ name: string; mountPath: string }>;
  env?: Array<{ name: string; value?: string }>;
}
interface PodSpec {
  serviceAccountName?: string;
  automountServiceAccountToken?: boolean;
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number; seccompProfile?: { type: string } };
  containers: Container[];
  volumes?: Array<{ name: string; configMap?: { name: string }; persistentVolumeClaim?: { claimName: string }; emptyDir?: object }>;
}

const MODELS: Record<string, object> = { v1: core, 'apps/v1': apps, 'batch/v1': batch, 'rbac.authorization.k8s.io/v1': rbac };
const DIRS = ['deploy/k8s', 'deploy/k8s/history-shards'];
const files = DIRS.flatMap((d) => readdirSync(repo(d)).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml').map((f) => `${d}/${f}`));
const objects: Array<{ file: string; obj: K8sObject }> = files.flatMap((file) => readYamlDocuments(repo(file)).map((obj) => ({ file, obj: obj as K8sObject })));
const ofKind = (kind: string) => objects.filter((o) => o.obj.kind === kind).map((o) => o.obj);
const version = (JSON.parse(readText(repo('package.json'))) as { version: string }).version;

function podSpec(o: K8sObject): PodSpec | undefined {
  const spec = o.spec as { template?: { spec: PodSpec } } | undefined;
  return spec?.template?.spec;
}
const workloads = objects.filter((o) => podSpec(o.obj)).map((o) => o.obj);

describe('deploy/k8s manifests', () => {
  it('are listed by their kustomization, one file each', () => {
    for (const d of DIRS) {
      const k = readYaml<{ resources: string[] }>(repo(d, 'kustomization.yaml'));
      expect(k.resources.sort(), d).toEqual(files.filter((f) => f.startsWith(`${d}/`) && f.split('/').length === d.split('/').length + 1).map((f) => f.slice(d.length + 1)).sort());
    }
    expect(objects.length).toBeGreaterThan(10);
  });

  it('validate against the Kubernetes OpenAPI schemas (kubernetes-models)', () => {
    for (const { file, obj } of objects) {
      const mod = MODELS[obj.apiVersion] as Record<string, new (data: unknown) => { validate(): void }> | undefined;
      expect(mod, `${file}: no models for ${obj.apiVersion}`).toBeDefined();
      const Model = mod![obj.kind];
      expect(Model, `${file}: ${obj.apiVersion} ${obj.kind} is not a Kubernetes kind`).toBeDefined();
      expect(() => new Model!(obj).validate(), `${file}: ${obj.kind}/${obj.metadata.name}`).not.toThrow();
    }
  });

  it('have no field the API does not know (excess-property check by the models\' TypeScript types)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'obsynth-k8s-types-'));
    symlinkSync(repo('node_modules'), join(dir, 'node_modules'));
    const typeOf = (o: K8sObject) => `import('kubernetes-models/${o.apiVersion}').I${o.kind}`;
    const source = (objs: K8sObject[]) => objs.map((o, i) => `export const m${i}: ${typeOf(o)} = ${JSON.stringify(o, null, 2)};`).join('\n');
    const check = (name: string, text: string): string[] => {
      const path = join(dir, name);
      writeFileSync(path, text);
      const program = ts.createProgram([path], { strict: true, noEmit: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, skipLibCheck: true, types: [] });
      return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    };
    expect(check('manifests.ts', source(objects.map((o) => o.obj)))).toEqual([]);
    // The check is not vacuous: a misspelt field is caught.
    const job = structuredClone(ofKind('Job')[0]!) as unknown as { spec: { template: { spec: { containers: Array<Record<string, unknown>> } } } };
    job.spec.template.spec.containers[0]!.securityContext = { readOnlyRootFileSystem: true };
    expect(check('typo.ts', source([job as unknown as K8sObject])).join('\n')).toMatch(/readOnlyRootFileSystem/);
  });

  it('grant the events sink create and update on events.k8s.io Events, and list on namespaces, nothing else', () => {
    const sa = ofKind('ServiceAccount');
    expect(sa.map((s) => `${s.metadata.namespace}/${s.metadata.name}`)).toEqual(['obsynth/obsynth']);
    for (const role of ofKind('Role')) {
      expect(role.rules as PolicyRule[], `Role ${role.metadata.namespace}/${role.metadata.name}`).toEqual([{ apiGroups: ['events.k8s.io'], resources: ['events'], verbs: ['create', 'update'] }]);
    }
    const clusterRoles = ofKind('ClusterRole');
    expect(clusterRoles.flatMap((r) => r.rules as PolicyRule[])).toEqual([{ apiGroups: [''], resources: ['namespaces'], verbs: ['list'] }]);
    for (const b of [...ofKind('RoleBinding'), ...ofKind('ClusterRoleBinding')]) {
      const ref = b.roleRef as { kind: string; name: string };
      const target = ofKind(ref.kind).find((r) => r.metadata.name === ref.name && (ref.kind === 'ClusterRole' || r.metadata.namespace === b.metadata.namespace));
      expect(target, `${b.kind} ${b.metadata.namespace}/${b.metadata.name} -> ${ref.kind} ${ref.name}`).toBeDefined();
      expect(b.subjects).toEqual([{ kind: 'ServiceAccount', name: 'obsynth', namespace: 'obsynth' }]);
    }
    // The sink is told not to create namespaces and to use events.k8s.io/v1, matching the grants.
    const cm = ofKind('ConfigMap').find((c) => c.metadata.name === 'obsynth-sinks')!;
    const sinks = (parseYaml((cm.data as Record<string, string>)['sinks.yaml']!) as { sinks: Array<Record<string, unknown>> }).sinks;
    expect(sinks).toEqual([expect.objectContaining({ type: 'kubernetes_events', api: 'events.k8s.io/v1', create_namespaces: false, kinds: ['kubernetes_event'] })]);
    // What the sink calls (src/sinks/kubernetes-events/sink.ts): nothing beyond these verbs.
    const code = readText(repo('src/sinks/kubernetes-events/sink.ts'));
    const calls = [...code.matchAll(/this\.(events|core)\.(\w+)\(/g)].map((m) => m[2]).sort();
    expect([...new Set(calls)]).toEqual(['createNamespace', 'createNamespacedEvent', 'listNamespace', 'replaceNamespacedEvent']);
  });

  describe('against the events obsynth generates', () => {
    let namespaces: Set<string>;
    beforeAll(() => {
      const dir = generatedDataset(DASHBOARD_DATASET_ARGS);
      namespaces = new Set(readJsonl<{ body: { metadata: { namespace: string } } }>(join(dir, 'kubernetes', 'events.jsonl.gz')).map((e) => e.body.metadata.namespace));
    }, 600_000);

    it('every namespace an event lands in exists (created here or built in) and has the writer Role', () => {
      const created = new Set(ofKind('Namespace').map((n) => n.metadata.name));
      const roles = new Set(ofKind('Role').map((r) => r.metadata.namespace!));
      expect(namespaces.size).toBeGreaterThan(1);
      for (const ns of namespaces) {
        expect(created.has(ns) || ns === 'default' || ns === 'kube-system', `namespace ${ns}`).toBe(true);
        expect(roles.has(ns), `no obsynth-event-writer Role in ${ns}`).toBe(true);
      }
      // config/services.yaml's namespaces are all covered, whether or not this hour used them.
      const declared = readYaml<{ namespaces: string[] }>(repo('config/services.yaml')).namespaces;
      for (const ns of declared) expect(roles.has(ns), ns).toBe(true);
    });
  });

  it('run obsynth locked down: non-root, read-only root filesystem, no privilege escalation, no capabilities', () => {
    expect(workloads.map((w) => w.metadata.name).sort()).toEqual(['obsynth-history-shards', 'obsynth-live', 'obsynth-replay-history']);
    for (const w of workloads) {
      const spec = podSpec(w)!;
      expect(spec.securityContext?.runAsNonRoot, w.metadata.name).toBe(true);
      expect(spec.securityContext?.runAsUser).toBe(1000); // the image's user
      expect(spec.securityContext?.seccompProfile?.type).toBe('RuntimeDefault');
      for (const c of spec.containers) {
        expect(c.image).toBe(`obsynth:${version}`);
        expect(c.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
        // Everything mounted exists in the pod; writable places exist for what obsynth writes.
        const volumes = new Map((spec.volumes ?? []).map((v) => [v.name, v]));
        for (const m of c.volumeMounts ?? []) expect(volumes.has(m.name), `${w.metadata.name}: volume ${m.name}`).toBe(true);
        expect((c.volumeMounts ?? []).map((m) => m.mountPath)).toContain('/tmp');
      }
      for (const v of spec.volumes ?? []) {
        if (v.configMap) expect(ofKind('ConfigMap').map((c) => c.metadata.name)).toContain(v.configMap.name);
        if (v.persistentVolumeClaim) expect(ofKind('PersistentVolumeClaim').map((c) => c.metadata.name)).toContain(v.persistentVolumeClaim.claimName);
      }
      // Only the pods that talk to the API server get a token.
      const talks = spec.serviceAccountName === 'obsynth';
      expect(spec.automountServiceAccountToken, w.metadata.name).toBe(talks);
    }
  });

  it('give obsynth replay command lines it accepts (run here with --dry-run)', () => {
    const cm = ofKind('ConfigMap').find((c) => c.metadata.name === 'obsynth-sinks')!;
    const dir = mkdtempSync(join(tmpdir(), 'obsynth-k8s-args-'));
    const sinks = join(dir, 'sinks.yaml');
    writeFileSync(sinks, (cm.data as Record<string, string>)['sinks.yaml']!);
    // A kubeconfig for the client to load (dry runs connect to nothing).
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: c, context: {cluster: c, user: u}}]\ncurrent-context: c\n');
    for (const name of ['obsynth-replay-history', 'obsynth-live']) {
      const w = workloads.find((x) => x.metadata.name === name)!;
      const args = podSpec(w)!.containers[0]!.args!.map((a) => a.replace('/etc/obsynth/sinks.yaml', sinks).replace(/^\/data\//, `${dir}/`));
      expect(args[0]).toBe('replay');
      if (args.includes('--live')) {
        // Live never ends: check its flags against `replay --help` instead.
        const help = obsynth(['replay', '--help']).stdout;
        for (const flag of args.filter((a) => a.startsWith('--'))) expect(help, flag).toContain(flag);
        continue;
      }
      const r = obsynth([...args, '--sources', 'grafana', '--start', '2026-11-24T00:00:00Z', '--dry-run'], { KUBECONFIG: kubeconfig });
      expect(r.code, `${name}: ${r.stderr}`).toBe(0);
    }
  });
});

describe('deploy/kind', () => {
  it('is a one-node kind cluster on a pinned node image, and up.sh applies deploy/k8s', () => {
    const cluster = readYaml<{ kind: string; apiVersion: string; name: string; nodes: Array<{ role: string; image: string }> }>(repo('deploy/kind/cluster.yaml'));
    expect(cluster.kind).toBe('Cluster');
    expect(cluster.apiVersion).toBe('kind.x-k8s.io/v1alpha4');
    expect(cluster.nodes).toHaveLength(1);
    expect(cluster.nodes[0]!.image).toMatch(/^kindest\/node:v\d+\.\d+\.\d+(@sha256:[a-f0-9]{64})?$/);
    const up = readText(repo('deploy/kind/up.sh'));
    expect(up).toContain('kind create cluster --name "$cluster" --config "$here/cluster.yaml"');
    expect(up).toContain('kubectl --context "$context" apply -k "$root/deploy/k8s"');
    expect(up).toContain(`OBSYNTH_IMAGE:-obsynth:${version}`);
    expect(up).toContain('get events -A -w');
  });
});

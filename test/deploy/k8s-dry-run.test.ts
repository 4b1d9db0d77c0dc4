// deploy/k8s against the real kube-apiserver of the backend tests (test/backends/kubernetes.sh):
// every manifest passes a server-side dry run with strict field validation, so the API server
// itself -- its schemas, defaulting and admission -- accepts what `kubectl apply -k` would send.
// Namespaces are created for real first (a dry-run Namespace does not exist for the objects
// inside it); everything else is only dry-run, and nothing but the namespaces is left behind.
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubernetes, type KubernetesServer } from '../support/backends.js';
import { readYamlDocuments, repo } from './support.js';

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
}
interface ApiResource {
  name: string;
  kind: string;
  namespaced: boolean;
}

const DIRS = ['deploy/k8s', 'deploy/k8s/history-shards'];
const objects = DIRS.flatMap((d) =>
  readdirSync(repo(d))
    .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
    .flatMap((f) => readYamlDocuments(repo(`${d}/${f}`)).map((obj) => ({ file: `${d}/${f}`, obj: obj as K8sObject }))),
);
const label = (o: { file: string; obj: K8sObject }) => `${o.file}: ${o.obj.kind} ${o.obj.metadata.namespace ? `${o.obj.metadata.namespace}/` : ''}${o.obj.metadata.name}`;

describe('deploy/k8s on a real API server', () => {
  let k8s: KubernetesServer;
  /** apiVersion -> kind -> resource, from the server's discovery documents. */
  const discovery = new Map<string, ApiResource[]>();

  beforeAll(async () => {
    k8s = await startKubernetes();
  }, 180_000);
  afterAll(async () => {
    await k8s?.stop();
  });

  async function resourceOf(o: K8sObject): Promise<ApiResource> {
    if (!discovery.has(o.apiVersion)) {
      const r = await k8s.request('GET', o.apiVersion.includes('/') ? `/apis/${o.apiVersion}` : `/api/${o.apiVersion}`);
      expect(r.status, `discovery of ${o.apiVersion}`).toBe(200);
      discovery.set(o.apiVersion, (r.body as { resources: ApiResource[] }).resources.filter((x) => !x.name.includes('/')));
    }
    const found = discovery.get(o.apiVersion)!.find((x) => x.kind === o.kind);
    if (!found) throw new Error(`the API server serves no ${o.kind} in ${o.apiVersion}`);
    return found;
  }

  async function create(o: K8sObject, dryRun: boolean): Promise<{ status: number; body: unknown }> {
    const res = await resourceOf(o);
    const base = o.apiVersion.includes('/') ? `/apis/${o.apiVersion}` : `/api/${o.apiVersion}`;
    const path = `${base}${res.namespaced ? `/namespaces/${o.metadata.namespace ?? 'default'}` : ''}/${res.name}`;
    return k8s.request('POST', `${path}?fieldValidation=Strict${dryRun ? '&dryRun=All' : ''}`, o);
  }

  it('has manifests of every kind the deployment needs', () => {
    const kinds = new Set(objects.map((o) => o.obj.kind));
    for (const k of ['Namespace', 'ServiceAccount', 'Role', 'RoleBinding', 'ConfigMap', 'Job', 'Deployment']) expect(kinds, k).toContain(k);
  });

  it('creates the namespaces, then every other object passes a strict server-side dry run', async () => {
    const namespaces = objects.filter((o) => o.obj.kind === 'Namespace');
    for (const o of namespaces) {
      const dry = await create(o.obj, true);
      expect(dry.status, `${label(o)} (dry run): ${JSON.stringify(dry.body)}`).toBe(201);
      const r = await create(o.obj, false);
      expect(r.status, `${label(o)}: ${JSON.stringify(r.body)}`).toBe(201);
    }
    const failures: string[] = [];
    for (const o of objects.filter((x) => x.obj.kind !== 'Namespace')) {
      const r = await create(o.obj, true);
      // 201 Created (200 for a few kinds); the body is the object as the server would store it.
      if (r.status !== 201 && r.status !== 200) failures.push(`${label(o)}: HTTP ${r.status} ${(r.body as { message?: string }).message ?? JSON.stringify(r.body)}`);
      else expect((r.body as K8sObject).metadata.name, label(o)).toBe(o.obj.metadata.name);
    }
    expect(failures).toEqual([]);
    // Dry runs store nothing: the Jobs are not there.
    const jobs = await k8s.request('GET', '/apis/batch/v1/jobs');
    expect((jobs.body as { items: unknown[] }).items).toEqual([]);
  }, 120_000);

  it('refuses a manifest with a field the API does not know (the check can fail)', async () => {
    const job = objects.find((o) => o.obj.kind === 'Job')!.obj;
    const broken = { ...job, spec: { ...(job as unknown as { spec: object }).spec, backoffLimitt: 3 } };
    const r = await create(broken as K8sObject, true);
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.body)).toContain('backoffLimitt');
  }, 60_000);
});

// Namespaces and ResourceQuota on the simulated cluster, over HTTP with the real client (and
// kubectl): the namespace objects Gantry keeps (created, left alone when unchanged, replaced when
// changed), kube-apiserver's refusals (a namespace that does not exist, a pod over a quota, a
// ServiceAccount that does not exist) in its own words, and the simulated Argo controller treating
// a quota refusal as Argo does (the step waits Pending and its pod is created once the quota allows).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { buildTeamNamespace, RESOURCE_QUOTA_NAME } from '@/lib/domain/team-namespace';
import { TEAM_SERVICE_ACCOUNT } from '@/lib/domain/tenancy';
import { hasKubectl } from '@/tests/kubectl';
import { useSimCluster } from '@/tests/sim';
import { toClusterError, type ClusterError } from './errors';
import { cluster } from './kube';
import { applyObject, findObject } from './namespace-objects';
import { applySecret } from './secrets';
import { createWorkflow, getWorkflow, type Workflow } from './workflows';

const run = promisify(execFile);
const sim = useSimCluster({ seed: 5, speed: 1000 });

async function applyTeam(slug: string, gpus: number): Promise<Record<string, string>> {
  const plan = buildTeamNamespace({
    slug,
    podSecurity: 'baseline',
    quotas: [{ gpuKind: 'a100-80gb-shared', guaranteed: gpus, borrowingLimit: 0 }],
  });
  const outcomes: Record<string, string> = {};
  for (const o of plan.objects) outcomes[o.kind] = await applyObject(o, { labelsOnly: o.kind === 'Namespace' });
  return outcomes;
}

function gpuPod(name: string, namespace: string, gpus: number, serviceAccountName = TEAM_SERVICE_ACCOUNT) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace },
    spec: {
      serviceAccountName,
      containers: [{ name: 'main', image: 'busybox', resources: { limits: { 'nvidia.com/gpu': String(gpus) } } }],
    },
  };
}

async function refusal(p: Promise<unknown>): Promise<ClusterError> {
  return p.then(
    () => {
      throw new Error('expected the API server to refuse');
    },
    (e) => toClusterError(e),
  );
}

function quotaWorkflow(name: string, namespace: string, gpus: number): Workflow {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { name, namespace, labels: { 'gantry.dev/test': 'quota' } },
    spec: {
      entrypoint: 'main',
      serviceAccountName: TEAM_SERVICE_ACCOUNT,
      // tolerates the GPU pools' taints, so once admitted the pod lands on any node with GPUs free
      tolerations: [{ operator: 'Exists' }],
      templates: [
        {
          name: 'main',
          container: {
            image: 'busybox',
            command: ['sh', '-c', 'sleep 30'],
            resources: { limits: { 'nvidia.com/gpu': String(gpus) } },
          },
        },
      ],
    },
  };
}

describe('team namespaces on the simulated cluster', () => {
  it('creates the namespace objects, leaves them alone when unchanged and replaces a changed quota', async () => {
    expect(await applyTeam('ns-objects', 2)).toEqual({
      Namespace: 'created',
      ServiceAccount: 'created',
      ResourceQuota: 'created',
      LimitRange: 'created',
      NetworkPolicy: 'created',
    });
    expect(await applyTeam('ns-objects', 2)).toEqual({
      Namespace: 'unchanged',
      ServiceAccount: 'unchanged',
      ResourceQuota: 'unchanged',
      LimitRange: 'unchanged',
      NetworkPolicy: 'unchanged',
    });
    expect(await applyTeam('ns-objects', 6)).toMatchObject({ ResourceQuota: 'updated', ServiceAccount: 'unchanged' });

    const ns = await findObject({ apiVersion: 'v1', kind: 'Namespace', name: 'gantry-ns-objects' });
    expect(ns?.metadata.labels).toMatchObject({
      'gantry.dev/team': 'ns-objects',
      'pod-security.kubernetes.io/enforce': 'baseline',
    });
    const sa = await findObject({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      name: TEAM_SERVICE_ACCOUNT,
      namespace: 'gantry-ns-objects',
    });
    expect(sa?.automountServiceAccountToken).toBe(false);
    const quota = await findObject({
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      name: RESOURCE_QUOTA_NAME,
      namespace: 'gantry-ns-objects',
    });
    expect(quota?.spec).toEqual({ hard: { 'requests.nvidia.com/gpu': '6' } });
    // the resourcequota controller's part: status mirrors hard, with what the pods use
    expect(quota?.status).toEqual({
      hard: { 'requests.nvidia.com/gpu': '6' },
      used: { 'requests.nvidia.com/gpu': '0' },
    });
    const policy = await findObject({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      name: 'gantry-deny-ingress',
      namespace: 'gantry-ns-objects',
    });
    expect(policy?.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress'] });
    // every namespace gets its `default` ServiceAccount, as the serviceaccount controller does
    expect(
      await findObject({ apiVersion: 'v1', kind: 'ServiceAccount', name: 'default', namespace: 'gantry-ns-objects' }),
    ).not.toBeNull();
  });

  it('refuses objects in a namespace that does not exist, as kube-apiserver does', async () => {
    const err = await applySecret({ name: 'x', namespace: 'gantry-nowhere', stringData: { a: 'b' } }).catch((e) => e);
    expect(err).toMatchObject({ kind: 'NotFound', status: 404, message: 'namespaces "gantry-nowhere" not found' });
    const wf = await createWorkflow(quotaWorkflow('nowhere', 'gantry-nowhere', 1)).catch((e) => e);
    expect(wf).toMatchObject({ kind: 'NotFound', message: 'namespaces "gantry-nowhere" not found' });
  });

  it('refuses a pod over the namespace ResourceQuota with the quota admission plugin’s message, and keeps status.used', async () => {
    await applyTeam('ns-quota', 3);
    const core = cluster().core;
    await core.createNamespacedPod({ namespace: 'gantry-ns-quota', body: gpuPod('fits', 'gantry-ns-quota', 2) });
    const quota = () =>
      findObject({ apiVersion: 'v1', kind: 'ResourceQuota', name: RESOURCE_QUOTA_NAME, namespace: 'gantry-ns-quota' });
    expect((await quota())?.status).toMatchObject({ used: { 'requests.nvidia.com/gpu': '2' } });

    const over = await refusal(
      core.createNamespacedPod({ namespace: 'gantry-ns-quota', body: gpuPod('over', 'gantry-ns-quota', 2) }),
    );
    expect(over).toMatchObject({ status: 403, reason: 'Forbidden' });
    expect(over.message).toBe(
      'pods "over" is forbidden: exceeded quota: gantry-gpus, requested: requests.nvidia.com/gpu=2, used: requests.nvidia.com/gpu=2, limited: requests.nvidia.com/gpu=3',
    );
    // ServiceAccount admission: only existing ServiceAccounts run pods
    const noSa = await refusal(
      core.createNamespacedPod({
        namespace: 'gantry-ns-quota',
        body: gpuPod('stranger', 'gantry-ns-quota', 0, 'builder'),
      }),
    );
    expect(noSa.message).toBe(
      'pods "stranger" is forbidden: error looking up service account gantry-ns-quota/builder: serviceaccount "builder" not found',
    );

    // a finished pod no longer counts
    await core.deleteNamespacedPod({ name: 'fits', namespace: 'gantry-ns-quota' });
    expect((await quota())?.status).toMatchObject({ used: { 'requests.nvidia.com/gpu': '0' } });
    await core.createNamespacedPod({ namespace: 'gantry-ns-quota', body: gpuPod('over', 'gantry-ns-quota', 2) });
  });

  it('keeps a step whose pod the quota refuses Pending with the refusal, as Argo does, and runs it once the quota allows', async () => {
    await applyTeam('ns-argo', 1);
    await createWorkflow(quotaWorkflow('wants-two', 'gantry-ns-argo', 2));
    const store = sim().sim.store;
    const node = () =>
      Object.values(
        (
          (store.get('workflows', 'gantry-ns-argo', 'wants-two')?.status ?? {}) as {
            nodes?: Record<string, { type: string; phase: string; message?: string }>;
          }
        ).nodes ?? {},
      ).find((n) => n.type === 'Pod');
    await expect
      .poll(() => node()?.message, { timeout: 10_000 })
      .toMatch(
        /^pods "wants-two" is forbidden: exceeded quota: gantry-gpus, requested: requests\.nvidia\.com\/gpu=2, used: requests\.nvidia\.com\/gpu=0, limited: requests\.nvidia\.com\/gpu=1$/,
      );
    expect(node()?.phase).toBe('Pending');
    expect((await getWorkflow('wants-two', { namespace: 'gantry-ns-argo' })).status?.phase).toBe('Running');
    expect(store.get('pods', 'gantry-ns-argo', 'wants-two')).toBeUndefined();

    // the team's quota grows: the requeued workflow creates the pod and runs to the end
    await applyTeam('ns-argo', 2);
    await expect
      .poll(async () => (await getWorkflow('wants-two', { namespace: 'gantry-ns-argo' })).status?.phase, {
        timeout: 20_000,
      })
      .toBe('Succeeded');
    const pod = store.get('pods', 'gantry-ns-argo', 'wants-two') as
      { spec: { serviceAccountName: string } } | undefined;
    expect(pod?.spec.serviceAccountName).toBe(TEAM_SERVICE_ACCOUNT);
  });
});

const kubectl = hasKubectl();
describe.skipIf(!kubectl)(
  `kubectl and the ResourceQuota${kubectl ? '' : ' - NOT RUN: kubectl is not installed'}`,
  () => {
    it('shows the quota and the refusal of a pod over it', async () => {
      await applyTeam('ns-kubectl', 1);
      const k = (...args: string[]) =>
        run('kubectl', ['--kubeconfig', sim().kubeconfigPath, ...args], { timeout: 20_000 });
      const pod = JSON.stringify(gpuPod('too-big', 'gantry-ns-kubectl', 4));
      const refused = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = execFile(
          'kubectl',
          ['--kubeconfig', sim().kubeconfigPath, 'create', '-f', '-'],
          { timeout: 20_000 },
          (error, _stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stderr }),
        );
        child.stdin?.end(pod);
      });
      expect(refused.code).not.toBe(0);
      expect(refused.stderr.trim()).toBe(
        'Error from server (Forbidden): error when creating "STDIN": pods "too-big" is forbidden: exceeded quota: gantry-gpus, requested: requests.nvidia.com/gpu=4, used: requests.nvidia.com/gpu=0, limited: requests.nvidia.com/gpu=1',
      );
      const { stdout } = await k('-n', 'gantry-ns-kubectl', 'get', 'quota');
      expect(stdout).toMatch(/gantry-gpus\s+\S+\s+requests\.nvidia\.com\/gpu: 0\/1/);
      const objects = await k('-n', 'gantry-ns-kubectl', 'get', 'sa,limits,netpol', '-o', 'name');
      expect(objects.stdout.trim().split('\n').sort()).toEqual([
        'limitrange/gantry-defaults',
        'networkpolicy.networking.k8s.io/gantry-deny-ingress',
        'serviceaccount/default',
        `serviceaccount/${TEAM_SERVICE_ACCOUNT}`,
      ]);
      const all = await k('get', 'namespaces', '-l', 'gantry.dev/team', '-o', 'name');
      expect(all.stdout).toContain('namespace/gantry-ns-kubectl');
      const missing = await k('-n', 'gantry-nowhere', 'create', 'secret', 'generic', 'x', '--from-literal=a=b').catch(
        (e: { stderr: string }) => e,
      );
      expect(missing.stderr.trim()).toBe('error: failed to create secret namespaces "gantry-nowhere" not found');
    });
  },
);

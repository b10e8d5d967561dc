// Team namespaces end to end on the simulated cluster over HTTP: the team and quota verbs reconcile
// the team's namespace objects; a job submitted through the verbs runs in its team's namespace
// under the team's ServiceAccount and is followed by the workflow sync; a job whose Workflow sits in
// the old shared namespace (a row from before team namespaces) is still followed and can be cancelled.
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { submitJob as submitToCluster } from '@/lib/cluster/job-runner';
import { findObject } from '@/lib/cluster/namespace-objects';
import { getWorkflow, type Workflow } from '@/lib/cluster/workflows';
import { auditLog, jobs, teams } from '@/lib/db/schema';
import { LIMIT_RANGE_NAME, NETWORK_POLICY_NAME, RESOURCE_QUOTA_NAME } from '@/lib/domain/team-namespace';
import { TEAM_SERVICE_ACCOUNT, teamNamespace } from '@/lib/domain/tenancy';
import { as, withRollback } from '@/tests/db';
import { makeTeam, makeUser } from '@/tests/factories';
import { useSimCluster } from '@/tests/sim';
import type { Ctx } from '../context';
import { cancelJob } from '../jobs/cancel-job';
import { getJob } from '../jobs/get-job';
import type { JobView } from '../jobs/job-view';
import { submitJob } from '../jobs/submit-job';
import { upsertQuota } from '../quotas/upsert-quota';
import { admitJobs } from '../scheduler/admit-jobs';
import { launchAdmittedJobs } from '../scheduler/launch-jobs';
import { readClusterGpus } from '../scheduler/read-cluster-gpus';
import { runSchedulerPass } from '../scheduler/run-scheduler-pass';
import { createTeam } from '../teams/create-team';
import { setTeamPolicy } from '../teams/set-team-policy';
import { syncWorkflows } from '../workflows/sync-workflows';
import { reconcileTeamNamespaces } from './reconcile-team-namespaces';

const sim = useSimCluster({ seed: 21, speed: 2000 });

const quotaOf = (namespace: string) =>
  findObject({ apiVersion: 'v1', kind: 'ResourceQuota', name: RESOURCE_QUOTA_NAME, namespace });

function trainingInput(name: string, team: string, seconds: number) {
  return {
    name,
    kind: 'training',
    team,
    gpu: { kind: 'a100-80gb-shared', count: 1 },
    expectedRuntimeSeconds: 600,
    maxRuntimeSeconds: 14400,
    spec: {
      image: 'ghcr.io/acme/train:1.4',
      command: ['python', 'train.py'],
      env: { GANTRY_SIM_DURATION_SECONDS: String(seconds) },
    },
  };
}

async function syncUntil(ctx: Ctx, id: string, done: (state: string) => boolean): Promise<string> {
  let state = (await getJob({ ctx, input: { id } })).state;
  for (let i = 0; i < 200 && !done(state); i++) {
    await new Promise((r) => setTimeout(r, 50));
    await syncWorkflows({ ctx });
    state = (await getJob({ ctx, input: { id } })).state;
  }
  return state;
}

describe('team namespaces', () => {
  it('are created with the team and follow its quota; the worker pass changes nothing after', () =>
    withRollback(async (ctx) => {
      const team = await createTeam({ ctx, input: { slug: 'tn-vision', name: 'Vision' } });
      const ns = teamNamespace({ slug: team.slug });
      expect(ns).toBe('gantry-tn-vision');
      const namespace = await findObject({ apiVersion: 'v1', kind: 'Namespace', name: ns });
      expect(namespace?.metadata.labels).toMatchObject({
        'gantry.dev/team': 'tn-vision',
        'pod-security.kubernetes.io/enforce': 'baseline',
      });
      expect(
        await findObject({ apiVersion: 'v1', kind: 'ServiceAccount', name: TEAM_SERVICE_ACCOUNT, namespace: ns }),
      ).toMatchObject({ automountServiceAccountToken: false });
      expect(
        await findObject({ apiVersion: 'v1', kind: 'LimitRange', name: LIMIT_RANGE_NAME, namespace: ns }),
      ).not.toBeNull();
      expect(
        await findObject({
          apiVersion: 'networking.k8s.io/v1',
          kind: 'NetworkPolicy',
          name: NETWORK_POLICY_NAME,
          namespace: ns,
        }),
      ).not.toBeNull();
      // No quota yet: no GPUs of any kind the nodes advertise.
      const hard = (await quotaOf(ns))?.spec as { hard: Record<string, string> };
      expect(hard.hard['requests.nvidia.com/gpu']).toBe('0');
      expect(Object.keys(hard.hard).every((k) => k.startsWith('requests.nvidia.com/'))).toBe(true);

      // guaranteed + borrowing limit is the most Gantry admits, so the most the cluster allows
      await upsertQuota({
        ctx,
        input: { team: team.slug, gpuKind: 'a100-80gb-shared', guaranteed: 4, borrowingLimit: 2 },
      });
      expect(((await quotaOf(ns))?.spec as { hard: Record<string, string> }).hard['requests.nvidia.com/gpu']).toBe('6');
      await upsertQuota({
        ctx,
        input: { team: team.slug, gpuKind: 'a100-80gb-mig-2g.20gb', guaranteed: 3, borrowingLimit: 0 },
      });
      expect(((await quotaOf(ns))?.spec as { hard: Record<string, string> }).hard).toMatchObject({
        'requests.nvidia.com/gpu': '6',
        'requests.nvidia.com/mig-2g.20gb': '3',
      });

      const [again] = await reconcileTeamNamespaces({ ctx, input: { team: team.slug } });
      expect(again).toEqual({ team: 'tn-vision', namespace: ns, objects: expect.any(Object) });
      expect(new Set(Object.values(again.objects))).toEqual(new Set(['unchanged']));
      // someone deletes the quota by hand: the next pass puts it back
      sim().sim.store.delete('resourcequotas', ns, RESOURCE_QUOTA_NAME);
      const [repaired] = await reconcileTeamNamespaces({ ctx, input: { team: team.slug } });
      expect(repaired.objects[`ResourceQuota/${RESOURCE_QUOTA_NAME}`]).toBe('created');
    }));

  it('label a namespace an admin mapped a team to, and say so when it does not exist', () =>
    withRollback(async (ctx) => {
      const mapped = await makeTeam(ctx, { slug: 'tn-mapped' });
      await ctx.db.update(teams).set({ namespace: 'argo', podSecurity: 'restricted' }).where(eq(teams.id, mapped.id));
      const missing = await makeTeam(ctx, { slug: 'tn-missing' });
      await ctx.db.update(teams).set({ namespace: 'research-existing' }).where(eq(teams.id, missing.id));
      const results = await reconcileTeamNamespaces({ ctx });
      const byTeam = new Map(results.map((r) => [r.team, r]));
      expect(byTeam.get('tn-mapped')).toMatchObject({
        namespace: 'argo',
        objects: { 'Namespace/argo': 'updated', [`ServiceAccount/${TEAM_SERVICE_ACCOUNT}`]: 'created' },
      });
      expect((await findObject({ apiVersion: 'v1', kind: 'Namespace', name: 'argo' }))?.metadata.labels).toMatchObject({
        'kubernetes.io/metadata.name': 'argo',
        'gantry.dev/team': 'tn-mapped',
        'pod-security.kubernetes.io/enforce': 'restricted',
      });
      expect(byTeam.get('tn-missing')).toMatchObject({
        namespace: 'research-existing',
        error: 'namespace research-existing does not exist (the team is mapped to it)',
      });
      expect(await findObject({ apiVersion: 'v1', kind: 'Namespace', name: 'research-existing' })).toBeNull();
    }));

  it("an admin maps a team to an existing namespace, never to another team's or the cluster's (audited)", () =>
    withRollback(async (ctx) => {
      const admin = as(ctx, await makeUser(ctx, { role: 'admin' }));
      await createTeam({ ctx: admin, input: { slug: 'tn-map-a', name: 'Map A' } });
      await createTeam({ ctx: admin, input: { slug: 'tn-map-b', name: 'Map B' } });
      const mapped = await setTeamPolicy({ ctx: admin, input: { slug: 'tn-map-a', namespace: 'argo' } });
      expect(mapped).toMatchObject({ namespace: 'argo', namespaceMapped: true });
      expect((await findObject({ apiVersion: 'v1', kind: 'Namespace', name: 'argo' }))?.metadata.labels).toMatchObject({
        'gantry.dev/team': 'tn-map-a',
      });
      expect(
        await findObject({ apiVersion: 'v1', kind: 'ServiceAccount', name: TEAM_SERVICE_ACCOUNT, namespace: 'argo' }),
      ).not.toBeNull();

      await expect(setTeamPolicy({ ctx: admin, input: { slug: 'tn-map-b', namespace: 'argo' } })).rejects.toMatchObject(
        {
          code: 'CONFLICT',
          fields: [{ field: 'namespace', message: 'belongs to team tn-map-a' }],
        },
      );
      await expect(
        setTeamPolicy({ ctx: admin, input: { slug: 'tn-map-b', namespace: 'gantry-tn-map-a' } }),
      ).rejects.toMatchObject({ code: 'CONFLICT' });
      await expect(
        setTeamPolicy({ ctx: admin, input: { slug: 'tn-map-b', namespace: 'kube-system' } }),
      ).rejects.toMatchObject({
        code: 'INVALID',
        fields: [expect.objectContaining({ field: 'namespace' })],
      });
      const researcher = as(ctx, await makeUser(ctx, { role: 'researcher' }));
      await expect(
        setTeamPolicy({ ctx: researcher, input: { slug: 'tn-map-b', namespace: 'ml' } }),
      ).rejects.toMatchObject({ code: 'FORBIDDEN' });

      const back = await setTeamPolicy({ ctx: admin, input: { slug: 'tn-map-a', namespace: null } });
      expect(back).toMatchObject({ namespace: 'gantry-tn-map-a', namespaceMapped: false });
      const [row] = await ctx.db.select({ namespace: teams.namespace }).from(teams).where(eq(teams.slug, 'tn-map-a'));
      expect(row.namespace).toBeNull();
      const audited = await ctx.db
        .select({ details: auditLog.details })
        .from(auditLog)
        .where(eq(auditLog.target, 'team:tn-map-a'));
      expect(audited.map((a) => (a.details as { after?: { namespace?: string | null } }).after?.namespace)).toEqual(
        expect.arrayContaining(['argo', null]),
      );
    }));

  it('run a job submitted through the verbs in its team namespace under the team ServiceAccount, followed to Succeeded', () =>
    withRollback(async (ctx) => {
      const team = await makeTeam(ctx, { cohort: 'tn-run' });
      const owner = await makeUser(ctx, { teamId: team.id });
      await upsertQuota({
        ctx,
        input: { team: team.slug, gpuKind: 'a100-80gb-shared', guaranteed: 2, borrowingLimit: 0 },
      });
      const job = (await submitJob({ ctx: as(ctx, owner), input: trainingInput('tn-run', team.slug, 600) })) as JobView;
      await runSchedulerPass({ ctx }, { followPhases: false });
      const ns = teamNamespace({ slug: team.slug });
      const [row] = await ctx.db
        .select({ workflowName: jobs.workflowName, workflowNamespace: jobs.workflowNamespace })
        .from(jobs)
        .where(eq(jobs.id, Number(job.id)));
      expect(row).toEqual({ workflowName: `gantry-${job.id}`, workflowNamespace: ns });
      const wf = await getWorkflow(`gantry-${job.id}`, { namespace: ns });
      expect(wf.spec.serviceAccountName).toBe(TEAM_SERVICE_ACCOUNT);
      // nothing of it in the shared namespace
      expect(sim().sim.store.get('workflows', 'gantry-jobs', `gantry-${job.id}`)).toBeUndefined();

      expect(await syncUntil(ctx, job.id, (s) => s === 'succeeded' || s === 'failed')).toBe('succeeded');
      const pods = sim()
        .sim.store.list('pods', { namespace: ns, labels: [], fields: [] })
        .items.filter((p) => p.metadata.labels?.['workflows.argoproj.io/workflow'] === `gantry-${job.id}`);
      expect(pods.length).toBeGreaterThan(0);
      expect(
        pods.every((p) => (p.spec as { serviceAccountName?: string }).serviceAccountName === TEAM_SERVICE_ACCOUNT),
      ).toBe(true);
      expect((await getJob({ ctx, input: { id: job.id } })).events.map((e) => e.toState)).toEqual([
        'queued',
        'admitted',
        'submitted',
        'running',
        'succeeded',
      ]);
    }));

  it('still follow and cancel a job whose Workflow sits in the old shared namespace', () =>
    withRollback(async (ctx) => {
      const team = await makeTeam(ctx, { cohort: 'tn-legacy' });
      const owner = await makeUser(ctx, { teamId: team.id });
      await upsertQuota({
        ctx,
        input: { team: team.slug, gpuKind: 'a100-80gb-shared', guaranteed: 2, borrowingLimit: 0 },
      });
      const job = (await submitJob({
        ctx: as(ctx, owner),
        input: trainingInput('tn-legacy', team.slug, 100_000),
      })) as JobView;
      const { nodes, details } = await readClusterGpus();
      await admitJobs({ ctx, input: { nodes } });
      // Launched as Gantry did before team namespaces: in GANTRY_NAMESPACE, as its `default` ServiceAccount.
      const legacy = (manifest: Workflow) => {
        const { serviceAccountName: _sa, ...spec } = manifest.spec;
        const { namespace: _ns, ...metadata } = manifest.metadata;
        return { ...manifest, metadata, spec };
      };
      await launchAdmittedJobs(
        { ctx },
        {
          nodeDetails: async () => details,
          submit: (manifest, templates) => submitToCluster(legacy(manifest), templates),
        },
      );
      await ctx.db
        .update(jobs)
        .set({ workflowNamespace: null })
        .where(eq(jobs.id, Number(job.id)));
      const name = `gantry-${job.id}`;
      expect(sim().sim.store.get('workflows', 'gantry-jobs', name)).toBeTruthy();

      expect(await syncUntil(ctx, job.id, (s) => s === 'running')).toBe('running');
      await cancelJob({ ctx: as(ctx, owner), input: { id: job.id } });
      const stopped = await getWorkflow(name, { namespace: 'gantry-jobs' });
      expect(stopped.spec.shutdown).toBe('Terminate');
      await expect
        .poll(async () => (await getWorkflow(name, { namespace: 'gantry-jobs' })).status?.phase, { timeout: 10_000 })
        .toBe('Failed');
      expect((await getJob({ ctx, input: { id: job.id } })).state).toBe('cancelled');
    }));
});

// The whole scheduler pass against the simulated cluster over HTTP: real GPU kinds and free
// capacity from Node and Pod objects, the Workflow created through lib/cluster, its phase followed.
import { TEAM_SERVICE_ACCOUNT, teamNamespace } from '@/lib/domain/tenancy';
import { describe, expect, it } from 'vitest';
import { getWorkflow } from '@/lib/cluster/workflows';
import { as, withRollback } from '@/tests/db';
import { makeTeam, makeUser } from '@/tests/factories';
import { getJob } from '../jobs/get-job';
import type { JobView } from '../jobs/job-view';
import { submitJob, type DryRunView } from '../jobs/submit-job';
import { upsertQuota } from '../quotas/upsert-quota';
import { readClusterGpus, readGpuKindIds } from './read-cluster-gpus';
import { runSchedulerPass } from './run-scheduler-pass';
import { useSimCluster } from '@/tests/sim';

// Jobs run in their team's namespace (gantry-<team>).
const inTeamNamespace = (job: { team: string }) => ({ namespace: teamNamespace({ slug: job.team }) });

useSimCluster({ seed: 7, speed: 2000 });

describe('scheduler pass on the simulated cluster', () => {
  it('reads real GPU kinds and capacity', async () => {
    const kinds = await readGpuKindIds();
    expect(kinds).toEqual(
      expect.arrayContaining(['t4', 'a100-80gb-shared', 'a100-80gb-mig-1g.10gb', 'h100-80gb-shared']),
    );
    const { nodes, details } = await readClusterGpus();
    const a100 = nodes.filter((n) => n.gpus['a100-80gb-shared']);
    expect(a100.reduce((s, n) => s + n.gpus['a100-80gb-shared'].capacity, 0)).toBe(128);
    expect(details.get(a100[0].name)?.resources['a100-80gb-shared']).toBe('nvidia.com/gpu');
  });

  it('admits, creates gantry-<id>, and follows the job to Succeeded', () =>
    withRollback(async (ctx) => {
      const team = await makeTeam(ctx, { cohort: 'sim' });
      const owner = await makeUser(ctx, { teamId: team.id });
      await upsertQuota({
        ctx,
        input: { team: team.slug, gpuKind: 'a100-80gb-shared', guaranteed: 4, borrowingLimit: 0 },
      });
      const input = {
        name: 'resnet50-lr-sweep',
        kind: 'training',
        gpu: { kind: 'a100-80gb-shared', count: 2 },
        expectedRuntimeSeconds: 3600,
        maxRuntimeSeconds: 14400,
        spec: { image: 'ghcr.io/acme/train:1.4', command: ['python', 'train.py'], args: ['--lr', '3e-4'] },
      };
      const dry = (await submitJob({ ctx: as(ctx, owner), input, dryRun: true })) as DryRunView;
      expect(dry).toMatchObject({ fits: true, startsNow: true });
      const job = (await submitJob({ ctx: as(ctx, owner), input })) as JobView;
      await runSchedulerPass({ ctx });
      const submitted = await getJob({ ctx, input: { id: job.id } });
      expect(submitted.workflowName).toBe(`gantry-${job.id}`);
      expect(['submitted', 'running']).toContain(submitted.state);
      // created in the team's namespace, run by the team's ServiceAccount, and recorded as such
      const wf = await getWorkflow(`gantry-${job.id}`, inTeamNamespace(job));
      expect(wf.metadata.labels?.['gantry.dev/job-id']).toBe(job.id);
      expect(wf.metadata.namespace).toBe(teamNamespace({ slug: job.team }));
      expect(wf.spec.serviceAccountName).toBe(TEAM_SERVICE_ACCOUNT);

      let state = submitted.state;
      for (let i = 0; i < 100 && state !== 'succeeded' && state !== 'failed'; i++) {
        await new Promise((r) => setTimeout(r, 100));
        await runSchedulerPass({ ctx });
        state = (await getJob({ ctx, input: { id: job.id } })).state;
      }
      expect(state).toBe('succeeded');
    }));
});

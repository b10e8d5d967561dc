// "Retry failed steps" end to end on the simulated cluster: a DAG whose middle step fails once is
// retried in place; the job goes back through the queue (so it holds GPUs again), the succeeded
// step is kept, the failed one and what depends on it run again, and the job succeeds.
import { teamNamespace } from '@/lib/domain/tenancy';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { deleteWorkflow, getWorkflow } from '@/lib/cluster/workflows';
import { jobEvents, workflowSnapshots } from '@/lib/db/schema';
import { as, withRollback } from '@/tests/db';
import { makeTeam, makeUser } from '@/tests/factories';
import { useSimCluster } from '@/tests/sim';
import type { Ctx } from '../context';
import { upsertQuota } from '../quotas/upsert-quota';
import { runSchedulerPass } from '../scheduler/run-scheduler-pass';
import { syncWorkflows } from '../workflows/sync-workflows';
import { getJob } from './get-job';
import type { JobView } from './job-view';
import { retryJob } from './retry-job';
import { submitJob } from './submit-job';

// Jobs run in their team's namespace (gantry-<team>).
const inTeamNamespace = (job: { team: string }) => ({ namespace: teamNamespace({ slug: job.team }) });

useSimCluster({ seed: 5, speed: 2000 });

// b fails its first run only; 400 simulated seconds are 0.2 s here.
const DAG = `
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: { generateName: flaky- }
spec:
  entrypoint: main
  templates:
    - name: main
      dag:
        tasks:
          - { name: a, template: step }
          - { name: b, template: flaky, depends: a }
          - { name: c, template: step, depends: b }
    - name: step
      metadata: { annotations: { gantry.dev/sim-duration-seconds: "400" } }
      container: { image: busybox, command: [sh, -c, "echo step done"] }
    - name: flaky
      metadata: { annotations: { gantry.dev/sim-duration-seconds: "400", gantry.dev/sim-fail-attempts: "1" } }
      container: { image: busybox, command: [sh, -c, "echo flaky"] }
`;

async function setUp(ctx: Ctx, name: string) {
  const team = await makeTeam(ctx, { cohort: `retry-${name}` });
  const owner = await makeUser(ctx, { teamId: team.id });
  const teammate = await makeUser(ctx, { teamId: team.id });
  await upsertQuota({ ctx, input: { team: team.slug, gpuKind: 'a100-80gb-shared', guaranteed: 2, borrowingLimit: 0 } });
  const input = {
    name,
    kind: 'workflow',
    team: team.slug,
    gpu: { kind: 'a100-80gb-shared', count: 1 },
    expectedRuntimeSeconds: 600,
    maxRuntimeSeconds: 3600,
    spec: { yaml: DAG },
  };
  const job = (await submitJob({ ctx: as(ctx, owner), input })) as JobView;
  return { job, owner, teammate };
}

async function runUntil(ctx: Ctx, id: string, done: (state: string) => boolean): Promise<string> {
  let state = '';
  for (let i = 0; i < 300; i++) {
    await runSchedulerPass({ ctx });
    await syncWorkflows({ ctx });
    state = (await getJob({ ctx, input: { id } })).state;
    if (done(state)) return state;
    await new Promise((r) => setTimeout(r, 50));
  }
  return state;
}

const nodesOf = async (ctx: Ctx, id: string) => {
  const [snap] = await ctx.db
    .select()
    .from(workflowSnapshots)
    .where(eq(workflowSnapshots.jobId, Number(id)));
  return Object.values(snap.nodes);
};

describe('retry failed steps on the simulated cluster', () => {
  it('re-runs only the failed step and what follows it, through the queue, and the job succeeds', () =>
    withRollback(async (ctx) => {
      const { job, owner, teammate } = await setUp(ctx, 'retry-dag');
      expect(await runUntil(ctx, job.id, (s) => s === 'failed' || s === 'succeeded')).toBe('failed');
      const before = await nodesOf(ctx, job.id);
      const a = before.find((n) => n.displayName === 'a')!;
      expect(a.phase).toBe('Succeeded');
      expect(before.find((n) => n.displayName === 'b')?.phase).toBe('Failed');
      expect(before.some((n) => n.displayName === 'c')).toBe(false);

      await expect(retryJob({ ctx: as(ctx, teammate), input: { id: job.id } })).rejects.toMatchObject({
        code: 'FORBIDDEN',
      });
      const queued = await retryJob({ ctx: as(ctx, owner), input: { id: job.id } });
      expect(queued).toMatchObject({
        state: 'queued',
        reason: 'RETRY_QUEUED',
        workflowName: `gantry-${job.id}`,
        placements: null,
      });
      const [requested] = await ctx.db.select().from(jobEvents).where(eq(jobEvents.cause, 'RETRY_REQUESTED'));
      expect(requested).toMatchObject({
        jobId: Number(job.id),
        fromState: 'failed',
        toState: 'queued',
        actorId: owner.id,
      });
      expect(requested.message).toContain(owner.email);
      // twice is refused: the job is no longer failed
      await expect(retryJob({ ctx: as(ctx, owner), input: { id: job.id } })).rejects.toMatchObject({
        code: 'CONFLICT',
      });

      // Admission gives it GPUs again; the launch retries the same Workflow instead of creating one.
      await runSchedulerPass({ ctx });
      const relaunched = await getJob({ ctx, input: { id: job.id } });
      expect(['submitted', 'running', 'succeeded']).toContain(relaunched.state);
      expect(relaunched.events.find((e) => e.cause === 'WORKFLOW_RETRIED')).toBeTruthy();
      const wf = await getWorkflow(`gantry-${job.id}`, inTeamNamespace(job));
      expect(wf.spec.shutdown).toBeUndefined();

      expect(await runUntil(ctx, job.id, (s) => s === 'failed' || s === 'succeeded')).toBe('succeeded');
      const after = await nodesOf(ctx, job.id);
      // a was kept as it was (not run again); b ran a second time and passed; c ran
      expect(after.find((n) => n.id === a.id)).toMatchObject({
        phase: 'Succeeded',
        startedAt: a.startedAt,
        finishedAt: a.finishedAt,
      });
      expect(after.find((n) => n.displayName === 'b')?.phase).toBe('Succeeded');
      expect(after.find((n) => n.displayName === 'c')?.phase).toBe('Succeeded');
      const view = await getJob({ ctx, input: { id: job.id } });
      expect(view.events.map((e) => e.toState)).toEqual([
        'queued',
        'admitted',
        'submitted',
        'running',
        'failed',
        'queued',
        'admitted',
        'submitted',
        'running',
        'succeeded',
      ]);
      expect(view.attempts).toBe(2);
      expect(view.placements).toBeNull();

      await expect(retryJob({ ctx: as(ctx, owner), input: { id: job.id } })).rejects.toThrow(/Only a failed job/);
    }));

  it('refuses a failed job whose Workflow is gone, naming why', () =>
    withRollback(async (ctx) => {
      const { job, owner } = await setUp(ctx, 'retry-gone');
      expect(await runUntil(ctx, job.id, (s) => s === 'failed' || s === 'succeeded')).toBe('failed');
      await deleteWorkflow(`gantry-${job.id}`, inTeamNamespace(job));
      await expect(retryJob({ ctx: as(ctx, owner), input: { id: job.id } })).rejects.toMatchObject({
        code: 'CONFLICT',
        message: expect.stringMatching(/no longer exists/),
      });
      await expect(retryJob({ ctx: as(ctx, owner), input: { id: 'x' } })).rejects.toMatchObject({ code: 'INVALID' });
      expect((await getJob({ ctx, input: { id: job.id } })).state).toBe('failed');
    }));
});

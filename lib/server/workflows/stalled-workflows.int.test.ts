// Stalled-workflow detection in the reconcile pass, on the simulated cluster: a step that cannot be
// scheduled, and a run past its limit that Argo did not stop (the sim, like a controller whose
// deadline handling failed, ignores activeDeadlineSeconds). The pass is run with a clock moved past
// the windows instead of waiting for them.
import { describe, expect, it } from 'vitest';
import { getWorkflow } from '@/lib/cluster/workflows';
import { teamNamespace } from '@/lib/domain/tenancy';
import { as, withRollback } from '@/tests/db';
import { makeTeam, makeUser } from '@/tests/factories';
import { useSimCluster } from '@/tests/sim';
import type { Ctx } from '../context';
import { getJob } from '../jobs/get-job';
import type { JobView } from '../jobs/job-view';
import { submitJob } from '../jobs/submit-job';
import { upsertQuota } from '../quotas/upsert-quota';
import { runSchedulerPass } from '../scheduler/run-scheduler-pass';
import { syncWorkflows } from './sync-workflows';

// Jobs run in their team's namespace (gantry-<team>).
const inTeamNamespace = (job: { team: string }) => ({ namespace: teamNamespace({ slug: job.team }) });

useSimCluster({ seed: 3, speed: 1 });

const MIN = 60_000;
const policy = { pendingMs: 15 * MIN, graceMs: 10 * MIN };

// 500 CPUs fit on no node of the simulated pools: the pod stays Pending, Unschedulable.
const HUGE = `
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: { generateName: huge- }
spec:
  entrypoint: main
  templates:
    - name: main
      container: { image: busybox, command: [sh, -c, "echo never"], resources: { requests: { cpu: "500" } } }
`;

async function start(ctx: Ctx, name: string, input: Record<string, unknown>): Promise<JobView> {
  const team = await makeTeam(ctx, { cohort: `stall-${name}` });
  const owner = await makeUser(ctx, { teamId: team.id });
  await upsertQuota({ ctx, input: { team: team.slug, gpuKind: 'a100-80gb-shared', guaranteed: 2, borrowingLimit: 0 } });
  const job = (await submitJob({
    ctx: as(ctx, owner),
    input: { name, team: team.slug, gpu: { kind: 'a100-80gb-shared', count: 1 }, expectedRuntimeSeconds: 60, ...input },
  })) as JobView;
  await runSchedulerPass({ ctx });
  return job;
}

async function waitFor<T>(read: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  let v = await read();
  for (let i = 0; i < 100 && !ok(v); i++) {
    await new Promise((r) => setTimeout(r, 50));
    v = await read();
  }
  return v;
}

describe('stalled workflows on the simulated cluster', () => {
  it('fails a job whose step stays unschedulable past the window, says why, releases its GPUs and terminates the workflow', () =>
    withRollback(async (ctx) => {
      const job = await start(ctx, 'stall-unschedulable', {
        kind: 'workflow',
        maxRuntimeSeconds: 3600,
        spec: { yaml: HUGE },
      });
      const name = `gantry-${job.id}`;
      const pending = await waitFor(
        () => getWorkflow(name, inTeamNamespace(job)),
        (w) => Object.values(w.status?.nodes ?? {}).some((n) => n.message?.startsWith('Unschedulable')),
      );
      expect(Object.values(pending.status!.nodes!).some((n) => n.message?.startsWith('Unschedulable'))).toBe(true);

      // inside the window: nothing happens
      expect((await syncWorkflows({ ctx, stall: policy })).stalled).toBe(0);
      expect((await getJob({ ctx, input: { id: job.id } })).placements).not.toBeNull();

      const result = await syncWorkflows({ ctx, now: Date.now() + 16 * MIN, stall: policy });
      expect(result.stalled).toBe(1);
      const view = await getJob({ ctx, input: { id: job.id } });
      expect(view).toMatchObject({ state: 'failed', reason: 'WORKFLOW_STALLED', placements: null });
      expect(view.message).toMatch(
        new RegExp(
          `^Workflow ${name} stalled: Step ${name} has waited 1[67] min for a node with no step running: 0/\\d+ nodes are available`,
        ),
      );
      expect(view.events.at(-1)).toMatchObject({ toState: 'failed', cause: 'WORKFLOW_STALLED' });

      const ended = await waitFor(
        () => getWorkflow(name, inTeamNamespace(job)),
        (w) => w.status?.phase === 'Failed',
      );
      expect(ended.spec.shutdown).toBe('Terminate');
      expect(ended.status?.phase).toBe('Failed');
      // a later pass changes nothing more
      expect((await syncWorkflows({ ctx, now: Date.now() + 30 * MIN, stall: policy })).phaseChanges).toBe(0);
      expect((await getJob({ ctx, input: { id: job.id } })).events).toHaveLength(view.events.length);
    }));

  it('fails a run past its maximum runtime plus grace with no step change (OVERDUE)', () =>
    withRollback(async (ctx) => {
      const job = await start(ctx, 'stall-overdue', {
        kind: 'training',
        maxRuntimeSeconds: 120,
        spec: {
          image: 'ghcr.io/acme/train:1.4',
          command: ['python', 'train.py'],
          env: { GANTRY_SIM_DURATION_SECONDS: '100000' },
        },
      });
      await waitFor(
        async () => (await syncWorkflows({ ctx, stall: policy }), (await getJob({ ctx, input: { id: job.id } })).state),
        (s) => s === 'running',
      );
      expect((await syncWorkflows({ ctx, now: Date.now() + 2 * MIN + 5 * MIN, stall: policy })).stalled).toBe(0);
      expect((await syncWorkflows({ ctx, now: Date.now() + 2 * MIN + 11 * MIN, stall: policy })).stalled).toBe(1);
      const view = await getJob({ ctx, input: { id: job.id } });
      expect(view).toMatchObject({ state: 'failed', reason: 'WORKFLOW_STALLED', placements: null });
      expect(view.message).toMatch(
        /past its 2 min limit by 1[01] min, and no step has changed for 1[23] min; its deadline did not stop it\.$/,
      );
      const ended = await waitFor(
        () => getWorkflow(`gantry-${job.id}`, inTeamNamespace(job)),
        (w) => w.status?.phase === 'Failed',
      );
      expect(ended.status?.phase).toBe('Failed');
    }));
});

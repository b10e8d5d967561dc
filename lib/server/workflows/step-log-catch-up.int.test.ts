// Meeting a workflow with many finished steps whose logs are not stored yet (a worker restart in the
// middle of a big workflow): the sync lists the workflow's pods once and reads only the logs of
// pods still there; steps whose pods podGC already deleted are recorded as gone without a read.
// And the reconcile pass does not redo a snapshot the follower has just written.
import { teamNamespace } from '@/lib/domain/tenancy';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { deletePod, findStepLog, workflowPodNames } from '@/lib/cluster/pods';
import { getWorkflow, patchWorkflow } from '@/lib/cluster/workflows';
import { stepLogs } from '@/lib/db/schema';
import { stepPodName } from '@/lib/domain/workflow/step-status';
import { as, withRollback } from '@/tests/db';
import { makeTeam, makeUser } from '@/tests/factories';
import { useSimCluster } from '@/tests/sim';
import type { JobView } from '../jobs/job-view';
import { submitJob } from '../jobs/submit-job';
import { upsertQuota } from '../quotas/upsert-quota';
import { runSchedulerPass } from '../scheduler/run-scheduler-pass';
import { syncWorkflow, syncWorkflows } from './sync-workflows';

// Jobs run in their team's namespace (gantry-<team>).
const inTeamNamespace = (job: { team: string }) => ({ namespace: teamNamespace({ slug: job.team }) });

useSimCluster({ seed: 23, speed: 2000 });

const STEPS = 20;

describe('step log capture for a workflow met with many finished steps', () => {
  it('lists the pods once and reads only the logs of pods that still exist', () =>
    withRollback(async (ctx) => {
      const team = await makeTeam(ctx, { cohort: 'wf-catch-up' });
      const owner = await makeUser(ctx, { teamId: team.id });
      await upsertQuota({
        ctx,
        input: { team: team.slug, gpuKind: 'a100-80gb-shared', guaranteed: 1, borrowingLimit: 0 },
      });
      const tasks = Array.from({ length: STEPS }, (_, i) => `          - { name: s${i}, template: step }`);
      const yaml = [
        'apiVersion: argoproj.io/v1alpha1',
        'kind: Workflow',
        'metadata: { generateName: catch-up- }',
        'spec:',
        '  entrypoint: main',
        '  templates:',
        '    - name: main',
        '      dag:',
        '        tasks:',
        ...tasks,
        '    - name: step',
        '      container: { image: busybox, command: [sh, -c, "echo step done"] }',
      ].join('\n');
      const job = (await submitJob({
        ctx: as(ctx, owner),
        input: {
          name: 'wf-catch-up',
          kind: 'workflow',
          team: team.slug,
          gpu: { kind: 'a100-80gb-shared', count: 1 },
          expectedRuntimeSeconds: 300,
          maxRuntimeSeconds: 3600,
          spec: { yaml },
        },
      })) as JobView;
      await runSchedulerPass({ ctx });
      const name = `gantry-${job.id}`;
      let wf = await getWorkflow(name, inTeamNamespace(job));
      for (let i = 0; i < 200 && wf?.status?.phase !== 'Succeeded'; i++) {
        await new Promise((r) => setTimeout(r, 50));
        wf = await getWorkflow(name, inTeamNamespace(job));
      }
      expect(wf?.status?.phase).toBe('Succeeded');
      const pods = Object.values(wf.status!.nodes!).filter((n) => n.type === 'Pod');
      expect(pods).toHaveLength(STEPS);
      // podGC took the first 12 steps' pods; 8 are still there
      const podOf = (n: (typeof pods)[number]) => stepPodName(name, n.name, n.templateName);
      for (const n of pods.slice(0, 12)) expect(await deletePod(podOf(n), inTeamNamespace(job))).toBe(true);

      const reads: string[] = [];
      const result = await syncWorkflow({ ctx }, wf, {
        readLog: (pod, opts) => {
          reads.push(pod);
          return findStepLog(pod, opts);
        },
        podNames: workflowPodNames,
      });
      expect(result.logsStored).toBe(STEPS);
      expect(reads.sort()).toEqual(pods.slice(12).map(podOf).sort());
      const rows = await ctx.db
        .select()
        .from(stepLogs)
        .where(eq(stepLogs.jobId, Number(job.id)));
      expect(rows).toHaveLength(STEPS);
      expect(rows.every((r) => r.complete)).toBe(true);
      const byPod = new Map(rows.map((r) => [r.podName, r.text]));
      for (const n of pods.slice(0, 12)) expect(byPod.get(podOf(n))).toBe('');
      for (const n of pods.slice(12)) expect(byPod.get(podOf(n))).toContain('step done');

      // The reconcile pass leaves a snapshot the follower wrote moments ago alone, even for a
      // newer resourceVersion in the same phase, and rewrites it when asked for no freshness.
      await patchWorkflow(name, { metadata: { annotations: { touched: 'yes' } } }, inTeamNamespace(job));
      expect((await syncWorkflows({ ctx, freshWithinMs: 60_000 })).snapshots).toBe(0);
      expect((await syncWorkflows({ ctx })).snapshots).toBe(1);
    }));
});

// The workflow sync against the simulated cluster over HTTP: a job runs to Succeeded, its snapshot,
// GPU-seconds and step logs are stored, and the logs are still served after the Workflow is deleted.
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { deletePod, findStepLog } from '@/lib/cluster/pods';
import { deleteWorkflow } from '@/lib/cluster/workflows';
import { stepLogs, workflowSnapshots } from '@/lib/db/schema';
import { as, withRollback } from '@/tests/db';
import { makeTeam, makeUser } from '@/tests/factories';
import type { Ctx } from '../context';
import { getJob } from '../jobs/get-job';
import type { JobView } from '../jobs/job-view';
import { submitJob } from '../jobs/submit-job';
import { upsertQuota } from '../quotas/upsert-quota';
import { runSchedulerPass } from '../scheduler/run-scheduler-pass';
import { getJobWorkflow } from './get-job-workflow';
import { getStepLog } from './get-step-log';
import { syncWorkflows } from './sync-workflows';
import { useSimCluster } from '@/tests/sim';
import { teamNamespace } from '@/lib/domain/tenancy';

// Jobs run in their team's namespace (gantry-<team>).
const inTeamNamespace = (job: { team: string }) => ({ namespace: teamNamespace({ slug: job.team }) });

useSimCluster({ seed: 11, speed: 2000 });

async function startJob(ctx: Ctx, name: string) {
  const team = await makeTeam(ctx, { cohort: `wf-${name}` });
  const owner = await makeUser(ctx, { teamId: team.id });
  const stranger = await makeUser(ctx, { teamId: (await makeTeam(ctx, { cohort: `other-${name}` })).id });
  await upsertQuota({ ctx, input: { team: team.slug, gpuKind: 'a100-80gb-shared', guaranteed: 4, borrowingLimit: 0 } });
  const input = {
    name,
    kind: 'training',
    gpu: { kind: 'a100-80gb-shared', count: 2 },
    expectedRuntimeSeconds: 3600,
    maxRuntimeSeconds: 14400,
    spec: {
      image: 'ghcr.io/acme/train:1.4',
      command: ['python', 'train.py'],
      args: ['--lr', '3e-4'],
      env: { GANTRY_SIM_DURATION_SECONDS: '3000' },
    },
  };
  // 3000 simulated seconds: 1.5 s of wall time at speed 2000, long enough for whole GPU-seconds.
  const job = (await submitJob({ ctx: as(ctx, owner), input })) as JobView;
  await runSchedulerPass({ ctx });
  return { job, owner, stranger };
}

describe('workflow sync on the simulated cluster', () => {
  it('follows a job to Succeeded: phase events, GPU-seconds, snapshot, and logs that outlive the Workflow', () =>
    withRollback(async (ctx) => {
      const { job, owner, stranger } = await startJob(ctx, 'wf-sync-train');
      let state = (await getJob({ ctx, input: { id: job.id } })).state;
      for (let i = 0; i < 200 && state !== 'succeeded' && state !== 'failed'; i++) {
        await new Promise((r) => setTimeout(r, 50));
        await syncWorkflows({ ctx });
        state = (await getJob({ ctx, input: { id: job.id } })).state;
        // a running step's log is read live from its pod, never copied while it grows
        const rows = await ctx.db
          .select()
          .from(stepLogs)
          .where(eq(stepLogs.jobId, Number(job.id)));
        expect(rows.every((r) => r.complete)).toBe(true);
      }
      expect(state).toBe('succeeded');
      await syncWorkflows({ ctx });

      const view = await getJob({ ctx, input: { id: job.id } });
      expect(view.events.map((e) => e.toState)).toEqual(['queued', 'admitted', 'submitted', 'running', 'succeeded']);
      expect(view.events.slice(-2).map((e) => e.cause)).toEqual(['WORKFLOW_RUNNING', 'WORKFLOW_SUCCEEDED']);

      const [snap] = await ctx.db
        .select()
        .from(workflowSnapshots)
        .where(eq(workflowSnapshots.jobId, Number(job.id)));
      expect(snap).toMatchObject({ workflowName: `gantry-${job.id}`, phase: 'Succeeded' });
      expect(snap.gpuSeconds).toBeGreaterThan(0);
      expect(snap.finishedAt).toBeInstanceOf(Date);
      const pods = Object.values(snap.nodes).filter((n) => n.type === 'Pod');
      expect(pods.length).toBeGreaterThan(0);
      expect(pods.every((n) => n.phase === 'Succeeded')).toBe(true);

      const wfView = await getJobWorkflow({ ctx, input: { id: job.id } });
      expect(wfView.phase).toBe('Succeeded');
      expect(wfView.graph?.nodes.some((n) => n.id === pods[0].id)).toBe(true);
      expect(wfView.steps[pods[0].id].podName).toMatch(new RegExp(`^gantry-${job.id}-`));
      expect(wfView.graph?.nodes.find((n) => n.id === pods[0].id)?.parameters).toHaveProperty('work-dir', '/workspace');
      // Another team's job does not exist for them (docs/security.md).
      await expect(getJobWorkflow({ ctx: as(ctx, stranger), input: { id: job.id } })).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });

      const logs = await ctx.db
        .select()
        .from(stepLogs)
        .where(eq(stepLogs.jobId, Number(job.id)));
      expect(logs.map((l) => l.nodeId).sort()).toEqual(pods.map((n) => n.id).sort());
      expect(logs.every((l) => l.complete && l.text.length > 0 && Buffer.byteLength(l.text) <= 64 * 1024)).toBe(true);

      // Succeeded pods are garbage-collected 2 minutes after they end (podGC OnPodSuccess with a
      // deleteDelayDuration); deleting the Workflow removes them now.
      expect(await deleteWorkflow(`gantry-${job.id}`, inTeamNamespace(job))).toBe(true);
      const served = await getStepLog({ ctx: as(ctx, owner), input: { id: job.id, nodeId: pods[0].id, tailLines: 5 } });
      expect(served).toMatchObject({ source: 'stored', complete: true, podName: wfView.steps[pods[0].id].podName });
      const stored = logs.find((l) => l.nodeId === pods[0].id)!.text;
      expect(served.text.split('\n').filter(Boolean).length).toBeLessThanOrEqual(5);
      expect(stored.trimEnd().endsWith(served.text.trimEnd())).toBe(true);

      await expect(
        getStepLog({ ctx: as(ctx, stranger), input: { id: job.id, nodeId: pods[0].id } }),
      ).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(getStepLog({ ctx: as(ctx, owner), input: { id: job.id, nodeId: 'nope' } })).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });

      // A finished job whose Workflow is gone is left alone: history is never rewritten.
      await syncWorkflows({ ctx });
      expect((await getJob({ ctx, input: { id: job.id } })).events).toHaveLength(view.events.length);
    }));

  it('keeps the line a step logs right before it ends after its pod is garbage-collected, capturing it once', () =>
    withRollback(async (ctx) => {
      const team = await makeTeam(ctx, { cohort: 'wf-last-line' });
      const owner = await makeUser(ctx, { teamId: team.id });
      await upsertQuota({
        ctx,
        input: { team: team.slug, gpuKind: 'a100-80gb-shared', guaranteed: 1, borrowingLimit: 0 },
      });
      const yaml = [
        'apiVersion: argoproj.io/v1alpha1',
        'kind: Workflow',
        'metadata: { generateName: last-line- }',
        'spec:',
        '  entrypoint: main',
        '  templates:',
        '    - name: main',
        '      container: { image: busybox, command: [sh, -c, "echo starting; sleep 200; echo checkpoint saved, exiting"] }',
      ].join('\n');
      const job = (await submitJob({
        ctx: as(ctx, owner),
        input: {
          name: 'wf-last-line',
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
      let state = '';
      for (let i = 0; i < 200 && state !== 'succeeded' && state !== 'failed'; i++) {
        await new Promise((r) => setTimeout(r, 50));
        await syncWorkflows({ ctx });
        state = (await getJob({ ctx, input: { id: job.id } })).state;
      }
      expect(state).toBe('succeeded');
      const [row] = await ctx.db
        .select()
        .from(stepLogs)
        .where(eq(stepLogs.jobId, Number(job.id)));
      expect(row).toMatchObject({ podName: name, complete: true });
      expect(row.text.trimEnd().split('\n').at(-1)).toBe('checkpoint saved, exiting');
      // the pod is still there (deleteDelayDuration) until something deletes it
      expect(await findStepLog(name, inTeamNamespace(job))).toContain('checkpoint saved, exiting');
      expect(await deletePod(name, inTeamNamespace(job))).toBe(true);
      expect(await findStepLog(name, inTeamNamespace(job))).toBeNull();

      const served = await getStepLog({ ctx: as(ctx, owner), input: { id: job.id, nodeId: row.nodeId } });
      expect(served).toMatchObject({ source: 'stored', complete: true });
      expect(served.text.trimEnd().endsWith('checkpoint saved, exiting')).toBe(true);
      // captured once: later passes do not fetch it again
      expect((await syncWorkflows({ ctx })).logsStored).toBe(0);
    }));

  it('fails a running job whose Workflow vanished (WORKFLOW_MISSING) and frees its GPUs', () =>
    withRollback(async (ctx) => {
      const { job } = await startJob(ctx, 'wf-sync-missing');
      expect(['submitted', 'running']).toContain((await getJob({ ctx, input: { id: job.id } })).state);
      await deleteWorkflow(`gantry-${job.id}`, inTeamNamespace(job));
      const result = await syncWorkflows({ ctx });
      expect(result.phaseChanges).toBe(1);
      const view = await getJob({ ctx, input: { id: job.id } });
      expect(view.state).toBe('failed');
      expect(view.reason).toBe('WORKFLOW_MISSING');
      expect(view.events.at(-1)).toMatchObject({ toState: 'failed', cause: 'WORKFLOW_MISSING' });
      expect(view.placements ?? []).toEqual([]);
    }));
});

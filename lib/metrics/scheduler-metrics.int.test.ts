// What a real admission pass and a real failure report to the metrics (lib/server verbs against
// PostgreSQL, each test rolled back): admissions by team and kind, how long each job waited, the
// GPUs the pass leaves allocated, failures by reason.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { GpuNode } from '@/lib/domain/scheduler';
import type { JobView } from '@/lib/server/jobs/job-view';
import { submitJob, type SubmitDeps } from '@/lib/server/jobs/submit-job';
import { upsertQuota } from '@/lib/server/quotas/upsert-quota';
import { admitJobs } from '@/lib/server/scheduler/admit-jobs';
import { applyWorkflowPhase } from '@/lib/server/scheduler/sync-job-phases';
import { as, withRollback } from '@/tests/db';
import { makeTeam, makeUser } from '@/tests/factories';
import { parseExposition } from './exposition.test-util';
import { metrics } from './registry';
import { recordSchedulerPass } from './scheduler';

const scrape = async () => parseExposition(await metrics().registry.metrics());

describe('scheduler metrics from a real pass', () => {
  it('counts each admission by team and kind, with its wait, and the GPUs the pass leaves allocated', () =>
    withRollback(async (ctx) => {
      const kind = `a100-80gb-m${randomUUID().slice(0, 6)}`;
      const nodes: GpuNode[] = [{ name: `n-${kind}`, pool: 'training', gpus: { [kind]: { capacity: 8, free: 7 } } }];
      const deps: SubmitDeps = { gpuKinds: async () => [kind], gpuNodes: async () => nodes };
      const team = await makeTeam(ctx, { cohort: `c-${randomUUID().slice(0, 6)}` });
      const owner = await makeUser(ctx, { role: 'researcher', teamId: team.id });
      await upsertQuota({ ctx, input: { team: team.slug, gpuKind: kind, guaranteed: 4, borrowingLimit: 0 } });
      const body = {
        name: 'resnet50',
        kind: 'training',
        gpu: { kind, count: 2 },
        expectedRuntimeSeconds: 3600,
        maxRuntimeSeconds: 7200,
        spec: { image: 'ghcr.io/acme/train:1.4', command: ['python', 'train.py'] },
      };
      const jobs: JobView[] = [];
      for (let i = 0; i < 3; i++) jobs.push((await submitJob({ ctx: as(ctx, owner), input: body }, deps)) as JobView);

      // The pass runs 90 s after the submissions: each admitted job waited about that long.
      const result = await admitJobs({ ctx, input: { nodes, now: Date.now() + 90_000 } });
      expect(result.admitted).toHaveLength(2);
      expect(result.admissions).toHaveLength(2);
      for (const a of result.admissions) {
        expect(a).toMatchObject({ team: team.slug, gpuKind: kind });
        expect(a.waitedMs).toBeGreaterThanOrEqual(90_000);
        expect(a.waitedMs).toBeLessThan(120_000);
      }
      // 1 GPU held by a pod Gantry did not start, 4 by the two jobs just admitted
      expect(result.gpus).toEqual([{ gpuKind: kind, allocatable: 8, allocated: 5 }]);

      const latencyBefore = (await scrape()).count('gantry_scheduler_decision_latency_seconds') ?? 0;
      recordSchedulerPass(result, 0.05);
      const m = await scrape();
      expect(m.value('gantry_scheduler_admissions_total', { team: team.slug, gpu_kind: kind })).toBe(2);
      expect(m.count('gantry_scheduler_decision_latency_seconds')).toBe(latencyBefore + 2);
      expect(m.value('gantry_cluster_gpus', { gpu_kind: kind, state: 'allocated' })).toBe(5);
      expect(m.value('gantry_cluster_gpus', { gpu_kind: kind, state: 'allocatable' })).toBe(8);

      // A job whose Workflow failed: counted once, by the reason stored on it.
      const failedBefore = (await scrape()).value('gantry_job_failures_total', { reason: 'WORKFLOW_FAILED' }) ?? 0;
      const phase = {
        jobId: jobs[0].id,
        workflowName: `gantry-${jobs[0].id}`,
        phase: 'Failed',
        startedAt: null,
        finishedAt: null,
        message: 'OOMKilled',
      };
      expect(await applyWorkflowPhase(ctx, { id: Number(jobs[0].id), state: 'admitted' }, phase)).toBe(true);
      expect(await applyWorkflowPhase(ctx, { id: Number(jobs[0].id), state: 'admitted' }, phase)).toBe(false);
      expect((await scrape()).value('gantry_job_failures_total', { reason: 'WORKFLOW_FAILED' })).toBe(failedBefore + 1);
    }));
});

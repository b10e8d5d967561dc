// A sweep run as a job end to end: the dataset's configurations go through the queue into a chunked
// Workflow on the simulated cluster, whose runner steps read the token from the sweep's Secret and
// POST their results over real HTTP; resubmitting skips what is stored; deleting cleans up.
import { teamNamespace } from '@/lib/domain/tenancy';
import { describe, expect, it } from 'vitest';
import { deletePod, listPods } from '@/lib/cluster/pods';
import { getWorkflow } from '@/lib/cluster/workflows';
import { simulateBenchmark } from '@/lib/domain/benchmarks/perf-model';
import { expandSweep } from '@/lib/domain/benchmarks/matrix';
import { nameResultsTokenSecret } from '@/lib/domain/workflow/builders';
import { as, withRollback } from '@/tests/db';
import { makeUser } from '@/tests/factories';
import { useSimCluster } from '@/tests/sim';
import { runJobToEnd, setUpSweep, SMALL_SWEEP, useSweepEndpoints } from '@/tests/sweep-endpoints';
import { cancelJob } from '../jobs/cancel-job';
import { runSchedulerPass } from '../scheduler/run-scheduler-pass';
import { createShare } from '../shares/create-share';
import { findSharedRanking } from '../shares/find-shared-ranking';
import { deleteDataset } from './delete-dataset';
import { getDataset } from './get-dataset';
import { listDatasetResults } from './list-dataset-results';
import { listStoredConfigurations } from './list-stored-configurations';
import { postBenchmarkResult } from './post-benchmark-result';
import { runSweepJob } from './run-sweep-job';

// Jobs run in their team's namespace (gantry-<team>).
const inTeamNamespace = (job: { team: string }) => ({ namespace: teamNamespace({ slug: job.team }) });

const sim = useSimCluster({ seed: 11, speed: 2000 });

const api = useSweepEndpoints();

describe('a sweep run as a job', () => {
  it('runs chunked runner steps that post every result, skipping those already stored', () =>
    withRollback(async (ctx) => {
      const { owner, sweep } = await setUpSweep(api, ctx, 'llama 8b on a100');
      const valid = expandSweep(SMALL_SWEEP).valid;
      expect(valid).toHaveLength(12);
      // An earlier, interrupted run stored three results with the old token.
      for (const c of valid.slice(0, 3))
        await postBenchmarkResult({ ctx, input: { token: sweep.resultsToken, result: simulateBenchmark(c) } });

      const run = await runSweepJob(
        {
          ctx: as(ctx, owner),
          input: { id: sweep.dataset.id, gpuKind: 'a100-80gb-shared', parallelism: 2, configurationsPerStep: 4 },
        },
        { publicUrl: () => api.url },
      );
      expect(run).toMatchObject({ pending: 9, skipped: 3, steps: 3 });
      expect(run.job).toMatchObject({
        kind: 'benchmark',
        state: 'queued',
        gpu: { kind: 'a100-80gb-shared', count: 2 },
      });
      // The old token was replaced; the new one sits in the sweep's Secret, not in the Workflow.
      await expect(listStoredConfigurations({ ctx, input: { token: sweep.resultsToken } })).rejects.toMatchObject({
        code: 'UNAUTHENTICATED',
      });
      const secret = sim().sim.store.get(
        'secrets',
        inTeamNamespace(run.job).namespace,
        nameResultsTokenSecret(sweep.dataset.id),
      ) as unknown as { data: { token: string } };
      expect(Buffer.from(secret.data.token, 'base64').toString()).toMatch(/^gbr_/);

      await runSchedulerPass({ ctx });
      const wf = await getWorkflow(`gantry-${run.job.id}`, inTeamNamespace(run.job));
      const fanOut = (
        wf.spec.templates as Array<{ dag?: { tasks: Array<{ withItems?: Array<{ id: string; config: string }> }> } }>
      )[0].dag!.tasks[0];
      expect(fanOut.withItems!.map((i) => i.id)).toEqual(['chunk-0', 'chunk-1', 'chunk-2']);
      expect(fanOut.withItems!.flatMap((i) => JSON.parse(i.config) as unknown[])).toHaveLength(9);
      expect(JSON.stringify(wf)).not.toContain('gbr_');

      expect(await runJobToEnd(ctx, run.job.id)).toBe('succeeded');
      const results = await listDatasetResults({ ctx, input: { id: sweep.dataset.id } });
      expect(results).toHaveLength(12);
      expect(new Set(results.map((r) => r.configurationId))).toEqual(new Set(valid.map((c) => c.id)));
      expect(results.filter((r) => r.source === 'simulated' && r.metrics.tokensPerSecond! > 0)).toHaveLength(12);
      // Nothing already stored was measured again.
      expect(api.posts.filter((id) => valid.slice(0, 3).some((c) => c.id === id))).toEqual([]);

      // Resubmitting a finished sweep has nothing left to run.
      const again = await runSweepJob(
        { ctx: as(ctx, owner), input: { id: sweep.dataset.id, gpuKind: 'a100-80gb-shared' } },
        { publicUrl: () => api.url },
      ).catch((e) => e);
      expect(again).toMatchObject({ code: 'INVALID', fields: [{ field: 'id', message: 'nothing left to run' }] });
    }));

  it('resumes after a cancel: the resubmitted job leaves out what the cancelled one stored', () =>
    withRollback(async (ctx) => {
      const { owner, sweep } = await setUpSweep(api, ctx, 'llama 8b on a100');
      const input = { id: sweep.dataset.id, gpuKind: 'a100-80gb-shared', parallelism: 1, configurationsPerStep: 2 };
      api.holdAfter = api.posts.length + 3;
      api.held = [];
      const first = await runSweepJob({ ctx: as(ctx, owner), input }, { publicUrl: () => api.url });
      for (let i = 0; i < 300 && api.held.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 50));
        await runSchedulerPass({ ctx });
      }
      expect(api.held.length).toBe(1);
      await cancelJob({ ctx: as(ctx, owner), input: { id: first.job.id } });
      expect(await runJobToEnd(ctx, first.job.id)).toBe('cancelled');
      for (const release of api.held) release();
      api.holdAfter = undefined;
      expect((await getDataset({ ctx, input: { id: sweep.dataset.id } })).resultCount).toBe(3);

      const second = await runSweepJob({ ctx: as(ctx, owner), input }, { publicUrl: () => api.url });
      expect(second).toMatchObject({ skipped: 3, pending: 9, steps: 5 });
      expect(await runJobToEnd(ctx, second.job.id)).toBe('succeeded');
      const results = await listDatasetResults({ ctx, input: { id: sweep.dataset.id } });
      expect(results).toHaveLength(12);
      expect(new Set(results.map((r) => r.configurationId)).size).toBe(12);
    }));

  it('resumes after a lost pod (a spot interruption): the retried step skips what it already stored', () =>
    withRollback(async (ctx) => {
      const { owner, sweep } = await setUpSweep(api, ctx, 'llama 8b on a100');
      const before = api.posts.length;
      api.holdAfter = before + 2;
      api.held = [];
      const run = await runSweepJob(
        {
          ctx: as(ctx, owner),
          input: { id: sweep.dataset.id, gpuKind: 'a100-80gb-shared', parallelism: 1, configurationsPerStep: 4 },
        },
        { publicUrl: () => api.url },
      );
      for (let i = 0; i < 300 && api.held.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 50));
        await runSchedulerPass({ ctx });
      }
      expect(api.held.length).toBe(1);
      // The node goes away mid-step: its pod is deleted, and what the step sent last never lands.
      const running = (
        await listPods(`workflows.argoproj.io/workflow=gantry-${run.job.id}`, inTeamNamespace(run.job))
      ).filter((p) => p.status?.phase === 'Running');
      expect(running).toHaveLength(1);
      await deletePod(running[0].metadata!.name!, inTeamNamespace(run.job));
      const waiting = api.held;
      api.holdAfter = undefined;
      for (const release of waiting) release();

      expect(await runJobToEnd(ctx, run.job.id)).toBe('succeeded');
      const results = await listDatasetResults({ ctx, input: { id: sweep.dataset.id } });
      expect(new Set(results.map((r) => r.configurationId)).size).toBe(12);
      expect(results).toHaveLength(12);
      // The retry (Argo's attempt 2) measured only the two configurations the lost pod had not stored.
      expect(results.filter((r) => r.attempt === 2)).toHaveLength(2);
      expect(api.posts.length - before).toBe(12);
    }));

  it('is refused for imported datasets, other users and unknown GPU kinds, naming the field', () =>
    withRollback(async (ctx) => {
      const { team, sweep } = await setUpSweep(api, ctx, 'llama 8b on a100');
      const other = await makeUser(ctx, { teamId: team.id });
      await expect(
        runSweepJob({ ctx: as(ctx, other), input: { id: sweep.dataset.id, gpuKind: 'a100-80gb-shared' } }),
      ).rejects.toMatchObject({ code: 'FORBIDDEN' });
      const bad = await runSweepJob({ ctx, input: { id: sweep.dataset.id, gpuKind: 'A100!' } }).catch((e) => e);
      expect(bad).toMatchObject({ code: 'INVALID' });
      expect(bad.fields.map((f: { field: string }) => f.field)).toContain('gpuKind');
    }));
});

describe('deleting a dataset', () => {
  it('removes it with its results and Secret once no job of it runs; shares keep their snapshot', () =>
    withRollback(async (ctx) => {
      const { team, owner, sweep } = await setUpSweep(api, ctx, 'llama 8b on a100');
      for (const c of expandSweep(SMALL_SWEEP).valid.slice(0, 4))
        await postBenchmarkResult({ ctx, input: { token: sweep.resultsToken, result: simulateBenchmark(c) } });
      const run = await runSweepJob(
        { ctx: as(ctx, owner), input: { id: sweep.dataset.id, gpuKind: 'a100-80gb-shared' } },
        { publicUrl: () => api.url },
      );
      const secretName = nameResultsTokenSecret(sweep.dataset.id);
      expect(sim().sim.store.get('secrets', inTeamNamespace(run.job).namespace, secretName)).toBeTruthy();
      const settings = {
        criteria: ['tokensPerSecond', 'ttftMeanMs'] as Array<'tokensPerSecond' | 'ttftMeanMs'>,
        weights: [0.5, 0.5],
        directions: ['benefit', 'cost'] as const,
        normalization: 'vector' as const,
        constraints: [],
      };
      const share = await createShare({ ctx: as(ctx, owner), input: { datasetId: sweep.dataset.id, settings } });

      const stranger = await makeUser(ctx, { teamId: team.id });
      await expect(deleteDataset({ ctx: as(ctx, stranger), input: { id: sweep.dataset.id } })).rejects.toMatchObject({
        code: 'FORBIDDEN',
      });
      const viewer = await makeUser(ctx, { teamId: team.id, role: 'viewer' });
      await expect(deleteDataset({ ctx: as(ctx, viewer), input: { id: sweep.dataset.id } })).rejects.toMatchObject({
        code: 'FORBIDDEN',
      });

      // Its job is still queued: its steps would post into nothing.
      await expect(deleteDataset({ ctx: as(ctx, owner), input: { id: sweep.dataset.id } })).rejects.toMatchObject({
        code: 'CONFLICT',
        fields: [{ field: 'id', message: `job ${run.job.id} is queued` }],
      });
      await cancelJob({ ctx: as(ctx, owner), input: { id: run.job.id } });
      expect(await deleteDataset({ ctx: as(ctx, owner), input: { id: sweep.dataset.id } })).toEqual({
        id: sweep.dataset.id,
        deleted: true,
      });
      await expect(getDataset({ ctx, input: { id: sweep.dataset.id } })).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(listDatasetResults({ ctx, input: { id: sweep.dataset.id } })).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
      expect(sim().sim.store.get('secrets', inTeamNamespace(run.job).namespace, secretName)).toBeFalsy();
      const shared = await findSharedRanking({ ctx, input: { token: share.token } });
      expect(shared?.snapshot.rows).toHaveLength(4);
      await expect(deleteDataset({ ctx: as(ctx, owner), input: { id: sweep.dataset.id } })).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
      const bad = await deleteDataset({ ctx: as(ctx, owner), input: { id: 'nope' } }).catch((e) => e);
      expect(bad).toMatchObject({ code: 'INVALID', fields: [{ field: 'id', message: 'Not a dataset id' }] });
    }));
});

// A sweep split into parts, end to end on the simulated cluster: the launch path applies the part
// WorkflowTemplate before the parent Workflow; the parent's `resource` steps create one child per
// part (withSequence) from it; each child's fetch step GETs its part's pending configurations from
// Gantry over real HTTP with the token from the sweep's Secret, and its runner steps post results.
import { teamNamespace } from '@/lib/domain/tenancy';
import { describe, expect, it } from 'vitest';
import { getWorkflowTemplate } from '@/lib/cluster/workflow-templates';
import { getWorkflow, listWorkflows } from '@/lib/cluster/workflows';
import { simulateBenchmark } from '@/lib/domain/benchmarks/perf-model';
import { expandSweep } from '@/lib/domain/benchmarks/matrix';
import { as, withRollback } from '@/tests/db';
import { useSimCluster } from '@/tests/sim';
import { runJobToEnd, setUpSweep, SMALL_SWEEP, useSweepEndpoints } from '@/tests/sweep-endpoints';
import { cancelJob } from '../jobs/cancel-job';
import { runSchedulerPass } from '../scheduler/run-scheduler-pass';
import { listDatasetResults } from './list-dataset-results';
import { postBenchmarkResult } from './post-benchmark-result';
import { runSweepJob } from './run-sweep-job';

// Jobs run in their team's namespace (gantry-<team>).
const inTeamNamespace = (job: { team: string }) => ({ namespace: teamNamespace({ slug: job.team }) });

const sim = useSimCluster({ seed: 23, speed: 2000 });

const api = useSweepEndpoints();

type Child = {
  metadata: { name: string; ownerReferences?: Array<{ name: string }>; labels: Record<string, string> };
  status: {
    phase: string;
    startedAt: string;
    finishedAt: string;
    nodes: Record<string, { templateName?: string; type: string; phase: string }>;
  };
};

describe('a sweep run in parts', () => {
  it('runs every part from the WorkflowTemplate to Succeeded, each fetching only what is pending', () =>
    withRollback(async (ctx) => {
      const { owner, sweep } = await setUpSweep(api, ctx, 'parted');
      const valid = expandSweep(SMALL_SWEEP).valid;
      // An earlier run stored c1 and all of part 1 (c4-c7): that part has nothing left to run.
      const stored = [1, 4, 5, 6, 7].map((i) => valid[i].id);
      for (const i of [1, 4, 5, 6, 7])
        await postBenchmarkResult({ ctx, input: { token: sweep.resultsToken, result: simulateBenchmark(valid[i]) } });

      const run = await runSweepJob(
        {
          ctx: as(ctx, owner),
          input: { id: sweep.dataset.id, gpuKind: 'a100-80gb-shared', parallelism: 2, configurationsPerStep: 2 },
        },
        { publicUrl: () => api.url, partSize: 4 },
      );
      expect(run).toMatchObject({ pending: 7, skipped: 5, parts: 3, steps: 4 });

      await runSchedulerPass({ ctx });
      const name = `gantry-${run.job.id}`;
      const template = await getWorkflowTemplate(`${name}-part`, inTeamNamespace(run.job));
      expect(template.metadata.labels?.['gantry.dev/job-id']).toBe(run.job.id);
      expect(template.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'Workflow', name })]);
      expect(JSON.stringify(template)).not.toContain('gbr_');

      expect(await runJobToEnd(ctx, run.job.id)).toBe('succeeded');
      const parent = await getWorkflow(name, inTeamNamespace(run.job));
      expect(parent.status?.phase).toBe('Succeeded');
      const children = (
        await listWorkflows(`gantry.dev/job-id=${run.job.id},gantry.dev/part`, inTeamNamespace(run.job))
      ).items as unknown as Child[];
      expect(children.map((c) => c.metadata.name).sort()).toEqual([0, 1, 2].map((p) => `${name}-part-${p}`));
      for (const child of children) {
        expect(child.status.phase).toBe('Succeeded');
        expect(child.metadata.ownerReferences?.[0].name).toBe(name);
      }
      // One part at a time: each uses every GPU the job was granted.
      const byPart = [...children].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
      for (let p = 1; p < byPart.length; p++)
        expect(Date.parse(byPart[p].status.startedAt)).toBeGreaterThanOrEqual(
          Date.parse(byPart[p - 1].status.finishedAt),
        );
      // Each part asked for its own slice; part 1 got an empty list and ran no runner step.
      expect(api.fetches.map((q) => new URLSearchParams(q).get('part')).sort()).toEqual(['0', '1', '2']);
      expect(
        api.fetches.every((q) => q.includes('partSize=4') && q.includes('perStep=2') && q.includes('pending=true')),
      ).toBe(true);
      const runners = (c: Child) =>
        Object.values(c.status.nodes).filter((n) => n.type === 'Pod' && n.templateName === 'run-configuration');
      expect(children.map((c) => [c.metadata.labels['gantry.dev/part'], runners(c).length]).sort()).toEqual([
        ['0', 2],
        ['1', 0],
        ['2', 2],
      ]);

      const results = await listDatasetResults({ ctx, input: { id: sweep.dataset.id } });
      expect(new Set(results.map((r) => r.configurationId))).toEqual(new Set(valid.map((c) => c.id)));
      expect(results).toHaveLength(12);
      // Nothing stored before was measured again.
      expect(api.posts.filter((id) => stored.includes(id))).toEqual([]);

      // Deleting the parent takes its parts and its template with it (their owner references).
      sim().sim.store.delete('workflows', inTeamNamespace(run.job).namespace, name);
      expect((await listWorkflows(`gantry.dev/job-id=${run.job.id}`, inTeamNamespace(run.job))).items).toEqual([]);
      await expect(getWorkflowTemplate(`${name}-part`, inTeamNamespace(run.job))).rejects.toMatchObject({
        kind: 'NotFound',
      });
    }));

  it('stops the running part with its parent when the job is cancelled', () =>
    withRollback(async (ctx) => {
      const { owner, sweep } = await setUpSweep(api, ctx, 'parted');
      api.holdAfter = 0;
      api.held = [];
      const run = await runSweepJob(
        {
          ctx: as(ctx, owner),
          input: { id: sweep.dataset.id, gpuKind: 'a100-80gb-shared', parallelism: 1, configurationsPerStep: 4 },
        },
        { publicUrl: () => api.url, partSize: 4 },
      );
      for (let i = 0; i < 300 && api.held.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 50));
        await runSchedulerPass({ ctx });
      }
      expect(api.held.length).toBe(1);
      await cancelJob({ ctx: as(ctx, owner), input: { id: run.job.id } });
      expect(await runJobToEnd(ctx, run.job.id)).toBe('cancelled');
      const waiting = api.held;
      api.holdAfter = undefined;
      for (const release of waiting) release();

      const name = `gantry-${run.job.id}`;
      const part0 = await getWorkflow(`${name}-part-0`, inTeamNamespace(run.job));
      for (let i = 0; i < 100 && part0.status?.phase === 'Running'; i++) {
        await new Promise((r) => setTimeout(r, 50));
        Object.assign(part0, await getWorkflow(`${name}-part-0`, inTeamNamespace(run.job)));
      }
      expect(part0.status).toMatchObject({ phase: 'Failed', message: "Stopped with strategy 'Terminate'" });
      expect((await getWorkflow(name, inTeamNamespace(run.job))).status?.phase).toBe('Failed');
      // The later parts were never created.
      expect(
        (await listWorkflows(`gantry.dev/job-id=${run.job.id},gantry.dev/part`, inTeamNamespace(run.job))).items.map(
          (w) => w.metadata.name,
        ),
      ).toEqual([`${name}-part-0`]);
    }));
});

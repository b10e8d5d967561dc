// "Retry failed steps" on a sweep run in parts, end to end on the simulated cluster: a part whose
// results Gantry refused fails its child Workflow and so the parent; the retry re-runs that part
// alone (a new child, which fetches only its still-pending configurations), while the parts that
// succeeded are neither created nor measured again.
import { teamNamespace } from '@/lib/domain/tenancy';
import { describe, expect, it } from 'vitest';
import { getWorkflowTemplate } from '@/lib/cluster/workflow-templates';
import { getWorkflow, listWorkflows, type Workflow } from '@/lib/cluster/workflows';
import { expandSweep } from '@/lib/domain/benchmarks/matrix';
import { as, withRollback } from '@/tests/db';
import { useSimCluster } from '@/tests/sim';
import { runJobToEnd, setUpSweep, SMALL_SWEEP, useSweepEndpoints } from '@/tests/sweep-endpoints';
import { getJob } from '../jobs/get-job';
import { retryJob } from '../jobs/retry-job';
import { runSweepJob } from './run-sweep-job';

// Jobs run in their team's namespace (gantry-<team>).
const inTeamNamespace = (job: { team: string }) => ({ namespace: teamNamespace({ slug: job.team }) });

useSimCluster({ seed: 29, speed: 2000 });

const api = useSweepEndpoints();

const partOf = (query: string) => new URLSearchParams(query).get('part');
const runners = (wf: Workflow) =>
  Object.values(wf.status?.nodes ?? {}).filter((n) => n.type === 'Pod' && n.templateName === 'run-configuration');

describe('retrying a sweep run in parts', () => {
  it('re-runs only the failed part, only its pending configurations, and the job succeeds', () =>
    withRollback(async (ctx) => {
      const { owner, sweep } = await setUpSweep(api, ctx, 'parted-retry');
      const valid = expandSweep(SMALL_SWEEP).valid;
      // Part 1 holds configurations 4-7; Gantry refuses 5's result, so its step fails every attempt.
      api.refused = new Set([valid[5].id]);
      const run = await runSweepJob(
        {
          ctx: as(ctx, owner),
          input: { id: sweep.dataset.id, gpuKind: 'a100-80gb-shared', parallelism: 2, configurationsPerStep: 2 },
        },
        { publicUrl: () => api.url, partSize: 4 },
      );
      expect(run).toMatchObject({ pending: 12, parts: 3 });
      const name = `gantry-${run.job.id}`;

      expect(await runJobToEnd(ctx, run.job.id)).toBe('failed');
      const part0 = await getWorkflow(`${name}-part-0`, inTeamNamespace(run.job));
      const part1 = await getWorkflow(`${name}-part-1`, inTeamNamespace(run.job));
      expect(part0.status?.phase).toBe('Succeeded');
      expect(part1.status?.phase).toBe('Failed');
      expect((await getWorkflow(name, inTeamNamespace(run.job))).status?.phase).toBe('Failed');
      // The parent's DAG does not stop the parts already under way: part 2 ran too (one at a time).
      const part2 = await getWorkflow(`${name}-part-2`, inTeamNamespace(run.job));
      expect(part2.status?.phase).toBe('Succeeded');
      const postedBefore = [...api.posts];
      expect(postedBefore.sort()).toEqual(
        valid
          .filter((_, i) => i !== 5)
          .map((c) => c.id)
          .sort(),
      );
      expect(api.fetches.map(partOf).sort()).toEqual(['0', '1', '2']);

      // Gantry answers again; the owner retries the failed steps.
      api.refused = new Set();
      await retryJob({ ctx: as(ctx, owner), input: { id: run.job.id } });
      expect(await runJobToEnd(ctx, run.job.id)).toBe('succeeded');
      expect(
        (await getJob({ ctx, input: { id: run.job.id } })).events.some((e) => e.cause === 'WORKFLOW_RETRIED'),
      ).toBe(true);

      expect((await getWorkflow(name, inTeamNamespace(run.job))).status?.phase).toBe('Succeeded');
      // The part template was rewritten for the new admission and still goes with its parent.
      expect((await getWorkflowTemplate(`${name}-part`, inTeamNamespace(run.job))).metadata.ownerReferences).toEqual([
        expect.objectContaining({ kind: 'Workflow', name, uid: part0.metadata.ownerReferences?.[0].uid }),
      ]);
      const children = (
        await listWorkflows(`gantry.dev/job-id=${run.job.id},gantry.dev/part`, inTeamNamespace(run.job))
      ).items;
      expect(children.map((c) => [c.metadata.name, c.status?.phase]).sort()).toEqual(
        [0, 1, 2].map((p) => [`${name}-part-${p}`, 'Succeeded']),
      );
      // The parts that succeeded are the same objects, untouched; the failed one was created afresh.
      const byName = new Map(children.map((c) => [c.metadata.name, c]));
      for (const before of [part0, part2]) {
        expect(byName.get(before.metadata.name)?.metadata.uid).toBe(before.metadata.uid);
        expect(byName.get(before.metadata.name)?.status?.finishedAt).toBe(before.status?.finishedAt);
      }
      const part1Again = byName.get(`${name}-part-1`)!;
      expect(part1Again.metadata.uid).not.toBe(part1.metadata.uid);
      // The new part 1 fetched what was still pending (configuration 5 alone): one runner step.
      expect(runners(part1Again)).toHaveLength(1);
      expect(api.fetches.map(partOf).sort()).toEqual(['0', '1', '1', '2']);
      // Only configuration 5 was measured again; every configuration was stored exactly once.
      expect(api.posts.slice(postedBefore.length)).toEqual([valid[5].id]);
      expect([...api.posts].sort()).toEqual(valid.map((c) => c.id).sort());
    }));
});

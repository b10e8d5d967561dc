// The configurations a part of a large sweep fetches (GET /api/benchmarks/configurations), against a
// real PostgreSQL: its slice of the sweep, without what is stored, chunked as the runner expects;
// and a sweep over 500 pending configurations now runs as one job in parts.
import { describe, expect, it } from 'vitest';
import { formatConfigurationId } from '@/lib/domain/benchmarks/configuration';
import { expandSweep, type SweepDefinition } from '@/lib/domain/benchmarks/matrix';
import { simulateBenchmark } from '@/lib/domain/benchmarks/perf-model';
import { readStepConfigurations } from '@/lib/domain/benchmarks/runner';
import { jobs } from '@/lib/db/schema';
import { as, withRollback } from '@/tests/db';
import { makeTeam, makeUser } from '@/tests/factories';
import { useSimCluster } from '@/tests/sim';
import { SMALL_SWEEP } from '@/tests/sweep-endpoints';
import { eq } from 'drizzle-orm';
import type { Ctx } from '../context';
import { upsertQuota } from '../quotas/upsert-quota';
import { buildManifests } from '../scheduler/launch-jobs';
import { createSweepDataset } from './create-sweep-dataset';
import { listPartConfigurations } from './list-part-configurations';
import { postBenchmarkResult } from './post-benchmark-result';
import { MAX_CONFIGURATIONS_PER_JOB, runSweepJob } from './run-sweep-job';

useSimCluster({ seed: 17, speed: 100 });

const SMALL = SMALL_SWEEP;
// Two models, every engine and weight format that fits, 1-2 GPUs: well over one Workflow's 500.
const LARGE: SweepDefinition = {
  ...SMALL,
  models: ['llama-3.1-8b', 'mistral-7b'],
  engines: ['vllm', 'tgi', 'lmdeploy'],
  quantizations: ['fp16', 'int8', 'awq', 'gptq'],
  gpuKinds: ['a100-80gb', 'h100-80gb'],
  gpuCounts: [1, 2],
  batchSizes: [1, 2, 4, 8, 16, 32],
  sequenceLengths: [512, 1024, 2048],
};

async function setUp(ctx: Ctx, definition: SweepDefinition) {
  const team = await makeTeam(ctx, { cohort: 'sim' });
  const owner = await makeUser(ctx, { teamId: team.id });
  await upsertQuota({ ctx, input: { team: team.slug, gpuKind: 'a100-80gb-shared', guaranteed: 8, borrowingLimit: 0 } });
  const sweep = await createSweepDataset({ ctx: as(ctx, owner), input: { name: 'parts', definition } });
  return { owner, sweep };
}

const fetchPart = (ctx: Ctx, token: string | null, query: Record<string, string>) =>
  listPartConfigurations({ ctx, input: { ...query, token } });

describe('the configurations of a part', () => {
  it("answers the part's slice without stored results, in the runner's item shape", () =>
    withRollback(async (ctx) => {
      const { sweep } = await setUp(ctx, SMALL);
      const valid = expandSweep(SMALL).valid;
      const token = sweep.resultsToken;
      for (const i of [0, 5]) await postBenchmarkResult({ ctx, input: { token, result: simulateBenchmark(valid[i]) } });

      const part0 = await fetchPart(ctx, token, { part: '0', partSize: '5', pending: 'true' });
      expect(part0.map((i) => i.id)).toEqual(['c1', 'c2', 'c3', 'c4']);
      // What the runner step receives as {{item.id}} / {{item.config}} names the same configurations.
      expect(
        part0.map(
          (i) => readStepConfigurations({ GANTRY_CONFIG_ID: i.id, GANTRY_CONFIG: i.config })[0].configurationId,
        ),
      ).toEqual(valid.slice(1, 5).map(formatConfigurationId));
      expect((await fetchPart(ctx, token, { part: '1', partSize: '5' })).map((i) => i.id)).toEqual([
        'c6',
        'c7',
        'c8',
        'c9',
      ]);
      expect((await fetchPart(ctx, token, { part: '1', partSize: '5', pending: 'false' })).map((i) => i.id)).toEqual([
        'c5',
        'c6',
        'c7',
        'c8',
        'c9',
      ]);
      expect((await fetchPart(ctx, token, { part: '2', partSize: '5' })).map((i) => i.id)).toEqual(['c10', 'c11']);

      const chunked = await fetchPart(ctx, token, { part: '1', partSize: '5', perStep: '3' });
      expect(chunked.map((i) => i.id)).toEqual(['chunk-0', 'chunk-1']);
      expect(chunked.flatMap((i) => readStepConfigurations({ GANTRY_CONFIG: i.config }).map((c) => c.stepId))).toEqual([
        'c6',
        'c7',
        'c8',
        'c9',
      ]);

      // Everything of a part stored: an empty list (Argo's withParam then runs nothing).
      for (const i of [10, 11])
        await postBenchmarkResult({ ctx, input: { token, result: simulateBenchmark(valid[i]) } });
      expect(await fetchPart(ctx, token, { part: '2', partSize: '5' })).toEqual([]);
    }));

  it('refuses callers without the token and names bad fields', () =>
    withRollback(async (ctx) => {
      const { sweep } = await setUp(ctx, SMALL);
      await expect(fetchPart(ctx, null, { part: '0', partSize: '5' })).rejects.toMatchObject({
        code: 'UNAUTHENTICATED',
      });
      await expect(fetchPart(ctx, 'gbr_not-the-token', { part: '0', partSize: '5' })).rejects.toMatchObject({
        code: 'UNAUTHENTICATED',
      });
      const token = sweep.resultsToken;
      const fields = async (query: Record<string, string>) =>
        (await fetchPart(ctx, token, query).catch((e) => e)) as {
          code: string;
          fields: Array<{ field: string; message: string }>;
        };
      expect(await fields({ part: 'x', partSize: '5' })).toMatchObject({
        code: 'INVALID',
        fields: [{ field: 'part', message: 'part must be a whole number' }],
      });
      expect(await fields({ part: '0' })).toMatchObject({
        code: 'INVALID',
        fields: [{ field: 'partSize', message: 'partSize is required' }],
      });
      expect(await fields({ part: '0', partSize: '0' })).toMatchObject({
        fields: [{ field: 'partSize', message: 'partSize must be at least 1' }],
      });
      expect(await fields({ part: '0', partSize: '5', pending: 'yes' })).toMatchObject({
        fields: [{ field: 'pending' }],
      });
      expect(await fields({ part: '3', partSize: '5' })).toMatchObject({
        code: 'INVALID',
        fields: [{ field: 'part', message: 'must be less than 3' }],
      });
    }));
});

describe('a sweep over one Workflow', () => {
  it('runs as one job in parts, each fetching its configurations from Gantry', () =>
    withRollback(async (ctx) => {
      const { owner, sweep } = await setUp(ctx, LARGE);
      const valid = expandSweep(LARGE).valid;
      expect(valid.length).toBeGreaterThan(MAX_CONFIGURATIONS_PER_JOB);
      const run = await runSweepJob(
        {
          ctx: as(ctx, owner),
          input: { id: sweep.dataset.id, gpuKind: 'a100-80gb-shared', parallelism: 2, configurationsPerStep: 16 },
        },
        { publicUrl: () => 'http://gantry.test' },
      );
      const parts = Math.ceil(valid.length / MAX_CONFIGURATIONS_PER_JOB);
      expect(run).toMatchObject({ pending: valid.length, skipped: 0, parts });
      const [row] = await ctx.db
        .select()
        .from(jobs)
        .where(eq(jobs.id, Number(run.job.id)));
      expect(row.spec).toMatchObject({
        configurationsUrl: 'http://gantry.test/api/benchmarks/configurations',
        chunkSize: MAX_CONFIGURATIONS_PER_JOB,
      });

      // As the launch path builds it: a parent creating `parts` children from one WorkflowTemplate.
      const details = new Map([
        ['a100-0', { name: 'a100-0', pool: 'a100', gpuProduct: 'NVIDIA-A100-SXM4-80GB', taints: [], resources: {} }],
      ]);
      const built = buildManifests(
        { ...row, placements: [{ node: 'a100-0' } as never] },
        'team',
        'owner@example.com',
        details,
      );
      expect(built.workflowTemplates.map((t) => t.metadata.name)).toEqual([`gantry-${run.job.id}-part`]);
      expect(JSON.stringify(built.workflow.spec)).toContain(`"count":"${parts}"`);
      expect(JSON.stringify(built.workflow).length).toBeLessThan(20_000);
    }));
});

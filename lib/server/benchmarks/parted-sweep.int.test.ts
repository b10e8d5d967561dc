// A sweep split into parts, end to end on the simulated cluster: the launch path applies the part
// WorkflowTemplate before the parent Workflow; the parent's `resource` steps create one child per
// part (withSequence) from it; each child's fetch step GETs its part's pending configurations from
// Gantry over real HTTP with the token from the sweep's Secret, and its runner steps post results.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getWorkflowTemplate } from '@/lib/cluster/workflow-templates';
import { getWorkflow, listWorkflows } from '@/lib/cluster/workflows';
import { simulateBenchmark } from '@/lib/domain/benchmarks/perf-model';
import { expandSweep, type SweepDefinition } from '@/lib/domain/benchmarks/matrix';
import { as, withRollback } from '@/tests/db';
import { makeTeam, makeUser } from '@/tests/factories';
import { useSimCluster } from '@/tests/sim';
import type { Ctx } from '../context';
import { AppError } from '../errors';
import { cancelJob } from '../jobs/cancel-job';
import { getJob } from '../jobs/get-job';
import { upsertQuota } from '../quotas/upsert-quota';
import { runSchedulerPass } from '../scheduler/run-scheduler-pass';
import { createSweepDataset } from './create-sweep-dataset';
import { listDatasetResults } from './list-dataset-results';
import { listPartConfigurations } from './list-part-configurations';
import { listStoredConfigurations } from './list-stored-configurations';
import { postBenchmarkResult } from './post-benchmark-result';
import { runSweepJob } from './run-sweep-job';

const sim = useSimCluster({ seed: 23, speed: 2000 });

const SWEEP: SweepDefinition = {
  models: ['llama-3.1-8b'], engines: ['vllm'], quantizations: ['fp16', 'int8'], precisions: ['fp16'],
  gpuKinds: ['a100-80gb'], gpuCounts: [1], batchSizes: [1, 8, 32], sequenceLengths: [512, 2048],
  outputTokens: 256, requestsPerConfiguration: 64,
};

// Gantry's two sweep endpoints as the pods see them, answering from the test's transaction.
let current: Ctx | undefined;
const posts: string[] = [];
const fetches: string[] = [];
// While set, result POSTs wait here (a step stuck mid-run); released ones fail (503).
let held: Array<() => void> | undefined;
const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', async () => {
    const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? null;
    const url = new URL(req.url ?? '/', 'http://gantry.test');
    try {
      if (!current) throw new Error('no test is running');
      if (url.pathname === '/api/benchmarks/configurations') {
        fetches.push(url.search);
        return reply(res, 200, await listPartConfigurations({ ctx: current, input: { ...Object.fromEntries(url.searchParams), token } }));
      }
      if (req.method === 'GET') return reply(res, 200, await listStoredConfigurations({ ctx: current, input: { token } }));
      if (held) {
        await new Promise<void>((resolve) => held!.push(resolve));
        return reply(res, 503, { error: 'connection lost' });
      }
      const posted = await postBenchmarkResult({ ctx: current, input: { token, result: JSON.parse(Buffer.concat(chunks).toString('utf8')) } });
      posts.push(posted.result.configurationId);
      reply(res, posted.created ? 201 : 200, posted);
    } catch (error) {
      reply(res, error instanceof AppError ? (error.code === 'UNAUTHENTICATED' ? 401 : 400) : 500, { error: String(error) });
    }
  });
});
const reply = (res: http.ServerResponse, status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
let publicUrl = '';
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  publicUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function setUp(ctx: Ctx) {
  current = ctx;
  const team = await makeTeam(ctx, { cohort: 'sim' });
  const owner = await makeUser(ctx, { teamId: team.id });
  await upsertQuota({ ctx, input: { team: team.slug, gpuKind: 'a100-80gb-shared', guaranteed: 8, borrowingLimit: 0 } });
  const sweep = await createSweepDataset({ ctx: as(ctx, owner), input: { name: 'parted', definition: SWEEP } });
  return { owner, sweep };
}

async function runToEnd(ctx: Ctx, jobId: string): Promise<string> {
  let state = (await getJob({ ctx, input: { id: jobId } })).state;
  for (let i = 0; i < 300 && !['succeeded', 'failed', 'cancelled'].includes(state); i++) {
    await new Promise((r) => setTimeout(r, 100));
    await runSchedulerPass({ ctx });
    state = (await getJob({ ctx, input: { id: jobId } })).state;
  }
  return state;
}

type Child = { metadata: { name: string; ownerReferences?: Array<{ name: string }>; labels: Record<string, string> }; status: { phase: string; startedAt: string; finishedAt: string; nodes: Record<string, { templateName?: string; type: string; phase: string }> } };

describe('a sweep run in parts', () => {
  it('runs every part from the WorkflowTemplate to Succeeded, each fetching only what is pending', () =>
    withRollback(async (ctx) => {
      const { owner, sweep } = await setUp(ctx);
      const valid = expandSweep(SWEEP).valid;
      // An earlier run stored c1 and all of part 1 (c4-c7): that part has nothing left to run.
      const stored = [1, 4, 5, 6, 7].map((i) => valid[i].id);
      for (const i of [1, 4, 5, 6, 7]) await postBenchmarkResult({ ctx, input: { token: sweep.resultsToken, result: simulateBenchmark(valid[i]) } });

      const run = await runSweepJob(
        { ctx: as(ctx, owner), input: { id: sweep.dataset.id, gpuKind: 'a100-80gb-shared', parallelism: 2, configurationsPerStep: 2 } },
        { publicUrl: () => publicUrl, partSize: 4 },
      );
      expect(run).toMatchObject({ pending: 7, skipped: 5, parts: 3, steps: 4 });

      await runSchedulerPass({ ctx });
      const name = `gantry-${run.job.id}`;
      const template = await getWorkflowTemplate(`${name}-part`);
      expect(template.metadata.labels?.['gantry.dev/job-id']).toBe(run.job.id);
      expect(JSON.stringify(template)).not.toContain('gbr_');

      expect(await runToEnd(ctx, run.job.id)).toBe('succeeded');
      const parent = await getWorkflow(name);
      expect(parent.status?.phase).toBe('Succeeded');
      const children = (await listWorkflows(`gantry.dev/job-id=${run.job.id},gantry.dev/part`)).items as unknown as Child[];
      expect(children.map((c) => c.metadata.name).sort()).toEqual([0, 1, 2].map((p) => `${name}-part-${p}`));
      for (const child of children) {
        expect(child.status.phase).toBe('Succeeded');
        expect(child.metadata.ownerReferences?.[0].name).toBe(name);
      }
      // One part at a time: each uses every GPU the job was granted.
      const byPart = [...children].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
      for (let p = 1; p < byPart.length; p++) expect(Date.parse(byPart[p].status.startedAt)).toBeGreaterThanOrEqual(Date.parse(byPart[p - 1].status.finishedAt));
      // Each part asked for its own slice; part 1 got an empty list and ran no runner step.
      expect(fetches.map((q) => new URLSearchParams(q).get('part')).sort()).toEqual(['0', '1', '2']);
      expect(fetches.every((q) => q.includes('partSize=4') && q.includes('perStep=2') && q.includes('pending=true'))).toBe(true);
      const runners = (c: Child) => Object.values(c.status.nodes).filter((n) => n.type === 'Pod' && n.templateName === 'run-configuration');
      expect(children.map((c) => [c.metadata.labels['gantry.dev/part'], runners(c).length]).sort()).toEqual([['0', 2], ['1', 0], ['2', 2]]);

      const results = await listDatasetResults({ ctx, input: { id: sweep.dataset.id } });
      expect(new Set(results.map((r) => r.configurationId))).toEqual(new Set(valid.map((c) => c.id)));
      expect(results).toHaveLength(12);
      // Nothing stored before was measured again.
      expect(posts.filter((id) => stored.includes(id))).toEqual([]);

      // Deleting the parent takes its parts with it (their owner reference).
      await sim().sim.store.delete('workflows', 'gantry-jobs', name);
      expect((await listWorkflows(`gantry.dev/job-id=${run.job.id}`)).items).toEqual([]);
    }));

  it('stops the running part with its parent when the job is cancelled', () =>
    withRollback(async (ctx) => {
      const { owner, sweep } = await setUp(ctx);
      held = [];
      const run = await runSweepJob(
        { ctx: as(ctx, owner), input: { id: sweep.dataset.id, gpuKind: 'a100-80gb-shared', parallelism: 1, configurationsPerStep: 4 } },
        { publicUrl: () => publicUrl, partSize: 4 },
      );
      for (let i = 0; i < 300 && held.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 50));
        await runSchedulerPass({ ctx });
      }
      expect(held.length).toBe(1);
      await cancelJob({ ctx: as(ctx, owner), input: { id: run.job.id } });
      expect(await runToEnd(ctx, run.job.id)).toBe('cancelled');
      const waiting = held;
      held = undefined;
      for (const release of waiting) release();

      const name = `gantry-${run.job.id}`;
      const part0 = await getWorkflow(`${name}-part-0`);
      for (let i = 0; i < 100 && part0.status?.phase === 'Running'; i++) {
        await new Promise((r) => setTimeout(r, 50));
        Object.assign(part0, await getWorkflow(`${name}-part-0`));
      }
      expect(part0.status).toMatchObject({ phase: 'Failed', message: "Stopped with strategy 'Terminate'" });
      expect((await getWorkflow(name)).status?.phase).toBe('Failed');
      // The later parts were never created.
      expect((await listWorkflows(`gantry.dev/job-id=${run.job.id},gantry.dev/part`)).items.map((w) => w.metadata.name)).toEqual([`${name}-part-0`]);
    }));
});

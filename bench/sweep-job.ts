// `npm run bench sweep-job`: a benchmark sweep run as a job end to end, as on a fresh clone: real
// PostgreSQL (embedded), the queue and scheduler passes, the simulated cluster (speed 1000) whose
// runner steps POST their results over real HTTP to Gantry's results endpoint. Measures the wall time
// from "Run as job" to Succeeded and the results stored per second; simulated step time is included.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { configureCluster, resetCluster } from '@/lib/cluster/kube';
import { createDb } from '@/lib/db/client';
import type { SweepDefinition } from '@/lib/domain/benchmarks/matrix';
import { logger } from '@/lib/log';
import { createSweepDataset } from '@/lib/server/benchmarks/create-sweep-dataset';
import { getDataset } from '@/lib/server/benchmarks/get-dataset';
import { listPartConfigurations } from '@/lib/server/benchmarks/list-part-configurations';
import { listStoredConfigurations } from '@/lib/server/benchmarks/list-stored-configurations';
import { postBenchmarkResult } from '@/lib/server/benchmarks/post-benchmark-result';
import { runSweepJob } from '@/lib/server/benchmarks/run-sweep-job';
import { SYSTEM_ACTOR, type Ctx } from '@/lib/server/context';
import { AppError } from '@/lib/server/errors';
import { getJob } from '@/lib/server/jobs/get-job';
import { upsertQuota } from '@/lib/server/quotas/upsert-quota';
import { runSchedulerPass } from '@/lib/server/scheduler/run-scheduler-pass';
import { startSimCluster } from '@/lib/sim/server';
import { makeTeam, makeUser } from '@/tests/factories';
import { startThrowawayPostgres } from '@/tests/global-setup';

const SWEEP: SweepDefinition = {
  models: ['llama-3.1-8b', 'mistral-7b', 'phi-3-mini'],
  engines: ['vllm', 'tgi'],
  quantizations: ['fp16', 'int8', 'awq'],
  precisions: ['fp16'],
  gpuKinds: ['a100-80gb', 'h100-80gb'],
  gpuCounts: [1],
  batchSizes: [1, 8, 32, 64],
  sequenceLengths: [512, 2048],
  outputTokens: 256,
  requestsPerConfiguration: 512,
};

export async function benchSweepJob(): Promise<void> {
  const pg = await startThrowawayPostgres('gantry-bench-sweep-', 'gantry_bench');
  const sim = await startSimCluster({ port: 0, seed: 5, speed: 1000, dataDir: pg.dir, failureRate: 0 });
  let requests = 0;
  // Gantry's sweep endpoints as the runner steps call them, answered from the verbs directly.
  async function answer(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer) {
    requests++;
    const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? null;
    const reply = (status: number, json: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
    try {
      const url = new URL(req.url ?? '/', 'http://gantry.local');
      // a part of a sweep split into parts asking for what it still has to run
      if (url.pathname === '/api/benchmarks/configurations') {
        return reply(
          200,
          await listPartConfigurations({ ctx, input: { ...Object.fromEntries(url.searchParams), token } }),
        );
      }
      if (req.method === 'GET') return reply(200, await listStoredConfigurations({ ctx, input: { token } }));
      const posted = await postBenchmarkResult({ ctx, input: { token, result: JSON.parse(body.toString('utf8')) } });
      reply(posted.created ? 201 : 200, posted);
    } catch (error) {
      reply(error instanceof AppError ? 400 : 500, { error: String(error) });
    }
  }
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => void answer(req, res, Buffer.concat(chunks)));
  });
  const h = createDb(pg.url, { max: 4 });
  const ctx: Ctx = { db: h.db, actor: SYSTEM_ACTOR, log: logger() };
  try {
    configureCluster({ kubeconfigPath: sim.kubeconfigPath, namespace: 'gantry-jobs' });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const publicUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const team = await makeTeam(ctx, { cohort: 'bench' });
    const owner = await makeUser(ctx, { teamId: team.id });
    await upsertQuota({
      ctx,
      input: { team: team.slug, gpuKind: 'a100-80gb-shared', guaranteed: 8, borrowingLimit: 0 },
    });
    const rows = [];
    // The last case splits the same sweep into 3 parts of 96 (a WorkflowTemplate, one child each).
    for (const { perStep, partSize } of [{ perStep: 1 }, { perStep: 8 }, { perStep: 8, partSize: 96 }]) {
      const sweep = await createSweepDataset({
        ctx: { ...ctx, actor: owner },
        input: { name: `bench ${perStep} ${partSize ?? ''}`, definition: SWEEP },
      });
      requests = 0;
      const started = performance.now();
      const run = await runSweepJob(
        {
          ctx: { ...ctx, actor: owner },
          input: { id: sweep.dataset.id, gpuKind: 'a100-80gb-shared', parallelism: 8, configurationsPerStep: perStep },
        },
        { publicUrl: () => publicUrl, partSize },
      );
      let state = run.job.state;
      while (!['succeeded', 'failed', 'cancelled'].includes(state) && performance.now() - started < 300_000) {
        await new Promise((r) => setTimeout(r, 100));
        await runSchedulerPass({ ctx });
        state = (await getJob({ ctx, input: { id: run.job.id } })).state;
      }
      const seconds = (performance.now() - started) / 1000;
      const stored = (await getDataset({ ctx, input: { id: sweep.dataset.id } })).resultCount;
      rows.push({
        configurations: run.pending,
        perStep,
        parts: run.parts,
        steps: run.steps,
        parallelism: 8,
        state,
        wallSeconds: Number(seconds.toFixed(1)),
        resultsStored: stored,
        resultsPerSecond: Number((stored / seconds).toFixed(1)),
        httpRequests: requests,
      });
    }
    console.table(rows);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    resetCluster();
    await sim.stop();
    await h.close();
    await pg.stop();
  }
}

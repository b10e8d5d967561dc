// Gantry's two sweep endpoints as a sweep's pods see them (GET/POST /api/benchmarks/results and
// GET /api/benchmarks/configurations), served over real HTTP from the test's own transaction, with
// a hook that holds result POSTs to play a step stuck mid-run and one that refuses them to fail it.
// Shared by the sweep integration tests.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';
import type { SweepDefinition } from '@/lib/domain/benchmarks/matrix';
import { createSweepDataset } from '@/lib/server/benchmarks/create-sweep-dataset';
import { listPartConfigurations } from '@/lib/server/benchmarks/list-part-configurations';
import { listStoredConfigurations } from '@/lib/server/benchmarks/list-stored-configurations';
import { postBenchmarkResult } from '@/lib/server/benchmarks/post-benchmark-result';
import type { Ctx } from '@/lib/server/context';
import { AppError } from '@/lib/server/errors';
import { getJob } from '@/lib/server/jobs/get-job';
import { upsertQuota } from '@/lib/server/quotas/upsert-quota';
import { runSchedulerPass } from '@/lib/server/scheduler/run-scheduler-pass';
import { as } from './db';
import { makeTeam, makeUser } from './factories';

/** 2 quantizations x 3 batch sizes x 2 prompt lengths: 12 configurations, all fit one A100. */
export const SMALL_SWEEP: SweepDefinition = {
  models: ['llama-3.1-8b'],
  engines: ['vllm'],
  quantizations: ['fp16', 'int8'],
  precisions: ['fp16'],
  gpuKinds: ['a100-80gb'],
  gpuCounts: [1],
  batchSizes: [1, 8, 32],
  sequenceLengths: [512, 2048],
  outputTokens: 256,
  requestsPerConfiguration: 64,
};

export interface SweepEndpoints {
  /** The transaction the endpoints answer from (set by setUpSweep). */
  ctx: Ctx | undefined;
  /** Where the pods reach Gantry (known once the server listens). */
  url: string;
  /** Configuration ids of stored results, in the order they were posted. */
  posts: string[];
  /** Query strings of the configuration fetches. */
  fetches: string[];
  /** While set, result POSTs made once `posts` has this many wait in `held`; released ones answer 503. */
  holdAfter: number | undefined;
  held: Array<() => void>;
  /** Configuration ids whose result POSTs answer 503 (Gantry unreachable for them): their steps fail. */
  refused: Set<string>;
}

export function useSweepEndpoints(): SweepEndpoints {
  const api: SweepEndpoints = {
    ctx: undefined,
    url: '',
    posts: [],
    fetches: [],
    holdAfter: undefined,
    held: [],
    refused: new Set(),
  };
  const reply = (res: http.ServerResponse, status: number, body: unknown) =>
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  async function answer(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer) {
    const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? null;
    const url = new URL(req.url ?? '/', 'http://gantry.test');
    try {
      const ctx = api.ctx;
      if (!ctx) throw new Error('no test is running');
      if (url.pathname === '/api/benchmarks/configurations') {
        api.fetches.push(url.search);
        return reply(
          res,
          200,
          await listPartConfigurations({ ctx, input: { ...Object.fromEntries(url.searchParams), token } }),
        );
      }
      if (req.method === 'GET') return reply(res, 200, await listStoredConfigurations({ ctx, input: { token } }));
      if (api.holdAfter !== undefined && api.posts.length >= api.holdAfter) {
        await new Promise<void>((resolve) => api.held.push(resolve));
        return reply(res, 503, { error: 'connection lost' });
      }
      const result = JSON.parse(body.toString('utf8')) as { configurationId?: string };
      if (api.refused.has(result.configurationId ?? '')) return reply(res, 503, { error: 'unavailable' });
      const posted = await postBenchmarkResult({ ctx, input: { token, result } });
      api.posts.push(posted.result.configurationId);
      reply(res, posted.created ? 201 : 200, posted);
    } catch (error) {
      reply(res, error instanceof AppError ? (error.code === 'UNAUTHENTICATED' ? 401 : 400) : 500, {
        error: String(error),
      });
    }
  }
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => void answer(req, res, Buffer.concat(chunks)));
  });
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    api.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return api;
}

/** A team with A100 quota, a researcher in it, and a sweep dataset of SMALL_SWEEP; the endpoints answer from ctx. */
export async function setUpSweep(api: SweepEndpoints, ctx: Ctx, name: string) {
  api.ctx = ctx;
  const team = await makeTeam(ctx, { cohort: 'sim' });
  const owner = await makeUser(ctx, { teamId: team.id });
  await upsertQuota({ ctx, input: { team: team.slug, gpuKind: 'a100-80gb-shared', guaranteed: 8, borrowingLimit: 0 } });
  const sweep = await createSweepDataset({ ctx: as(ctx, owner), input: { name, definition: SMALL_SWEEP } });
  return { team, owner, sweep };
}

/** Runs scheduler passes until the job ends (at most 30 s); answers its last state. */
export async function runJobToEnd(ctx: Ctx, jobId: string): Promise<string> {
  let state = (await getJob({ ctx, input: { id: jobId } })).state;
  for (let i = 0; i < 300 && !['succeeded', 'failed', 'cancelled'].includes(state); i++) {
    await new Promise((r) => setTimeout(r, 100));
    await runSchedulerPass({ ctx });
    state = (await getJob({ ctx, input: { id: jobId } })).state;
  }
  return state;
}

import { eq } from 'drizzle-orm';
import { NextRequest } from 'next/server';
import { benchmarkDatasets } from '@/lib/db/schema';
import { describe, expect, it } from 'vitest';
import { POST as postResultRoute } from '@/app/api/benchmarks/results/route';
import { describeWithReference } from '@/lib/testing/reference';
import { as, withRollback } from '@/tests/db';
import { makeResult, makeResults } from '@/tests/benchmark-factories';
import { makeTeam, makeUser } from '@/tests/factories';
import { createSweepDataset } from './create-sweep-dataset';
import { importDemoDataset } from './import-demo-dataset';
import { issueResultsToken } from './issue-results-token';
import { listDatasetResults } from './list-dataset-results';
import { listDatasets } from './list-datasets';
import { postBenchmarkResult } from './post-benchmark-result';
import { uploadDataset } from './upload-dataset';

const upload = (rows: unknown[], name = 'lab runs') => ({ name, format: 'json' as const, text: JSON.stringify(rows) });

describe('benchmark datasets', () => {
  it('uploads a JSON table, records creator and team, and lists it with its result count', () =>
    withRollback(async (ctx) => {
      const team = await makeTeam(ctx);
      const ada = await makeUser(ctx, { role: 'researcher', teamId: team.id });
      const view = await uploadDataset({ ctx: as(ctx, ada), input: upload(makeResults(4)) });
      expect(view).toMatchObject({
        name: 'lab runs',
        source: 'import',
        origin: 'upload',
        resultCount: 4,
        team: { id: team.id },
        createdBy: { id: ada.id },
      });
      // The dataset belongs to ada's team: its viewers see it, a researcher of another team does not.
      const viewer = await makeUser(ctx, { role: 'viewer', teamId: team.id });
      const listed = await listDatasets({ ctx: as(ctx, viewer) });
      expect(listed.map((d) => d.id)).toContain(view.id);
      const outsider = await makeUser(ctx, { role: 'researcher', teamId: (await makeTeam(ctx)).id });
      expect((await listDatasets({ ctx: as(ctx, outsider) })).map((d) => d.id)).not.toContain(view.id);
      await expect(listDatasetResults({ ctx: as(ctx, outsider), input: { id: view.id } })).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
      const results = await listDatasetResults({ ctx: as(ctx, viewer), input: { id: view.id } });
      expect(results.map((r) => r.configurationId).sort()).toEqual(
        makeResults(4)
          .map((r) => r.configurationId)
          .sort(),
      );
      expect(results[0].id).toMatch(/^[0-9a-f-]{36}$/);
    }));

  it('rejects a file with a bad row, naming row and field, and stores nothing', () =>
    withRollback(async (ctx) => {
      const ada = await makeUser(ctx, { role: 'researcher' });
      const rows = [makeResult(1), { ...makeResult(2), metrics: { tokensPerSecond: 'fast' } }];
      const err = await uploadDataset({ ctx: as(ctx, ada), input: upload(rows) }).catch((e) => e);
      expect(err.code).toBe('INVALID');
      expect(err.fields[0]).toEqual({ field: 'text.rows[2].metrics.tokensPerSecond', message: expect.any(String) });
      expect(await listDatasets({ ctx: as(ctx, ada) })).toHaveLength(0);
    }));

  it('refuses two different results under one key inside one file', () =>
    withRollback(async (ctx) => {
      const ada = await makeUser(ctx, { role: 'researcher' });
      const rows = [makeResult(1), { ...makeResult(1), metrics: { tokensPerSecond: 1 } }];
      await expect(uploadDataset({ ctx: as(ctx, ada), input: upload(rows) })).rejects.toMatchObject({
        code: 'INVALID',
      });
    }));

  it('keeps viewers from importing or uploading', () =>
    withRollback(async (ctx) => {
      const vera = await makeUser(ctx, { role: 'viewer' });
      await expect(uploadDataset({ ctx: as(ctx, vera), input: upload(makeResults(1)) })).rejects.toMatchObject({
        code: 'FORBIDDEN',
      });
      await expect(importDemoDataset({ ctx: as(ctx, vera), input: { source: 'optimum' } })).rejects.toMatchObject({
        code: 'FORBIDDEN',
      });
    }));
});

describe('posting results with a results token', () => {
  async function setup(ctx: Parameters<Parameters<typeof withRollback>[0]>[0]) {
    const ada = await makeUser(ctx, { role: 'researcher' });
    const dataset = await uploadDataset({ ctx: as(ctx, ada), input: upload(makeResults(2), 'sweep') });
    const { token } = await issueResultsToken({ ctx: as(ctx, ada), input: { id: dataset.id } });
    return { ada, dataset, token };
  }

  it('is idempotent per configuration and attempt: a replay answers the same row, a different result is CONFLICT', () =>
    withRollback(async (ctx) => {
      const { dataset, token } = await setup(ctx);
      expect(token).toMatch(/^gbr_[A-Za-z0-9_-]{43}$/);
      const result = makeResult(10);
      const first = await postBenchmarkResult({ ctx, input: { token, result } });
      expect(first).toMatchObject({
        created: true,
        datasetId: dataset.id,
        result: { configurationId: 'test/config-10', attempt: 1 },
      });
      const replay = await postBenchmarkResult({ ctx, input: { token, result: structuredClone(result) } });
      expect(replay.created).toBe(false);
      expect(replay.result.id).toBe(first.result.id);
      const changed = { ...result, metrics: { ...result.metrics, tokensPerSecond: 1 } };
      await expect(postBenchmarkResult({ ctx, input: { token, result: changed } })).rejects.toMatchObject({
        code: 'CONFLICT',
      });
      const second = await postBenchmarkResult({ ctx, input: { token, result: { ...changed, attempt: 2 } } });
      expect(second.created).toBe(true);
      expect(await listDatasetResults({ ctx, input: { id: dataset.id } })).toHaveLength(4);
    }));

  it('refuses missing, personal, unknown and replaced tokens, and schema-invalid results', () =>
    withRollback(async (ctx) => {
      const { ada, dataset, token } = await setup(ctx);
      for (const bad of [null, 'gty_personal', 'gbr_unknown']) {
        await expect(postBenchmarkResult({ ctx, input: { token: bad, result: makeResult(5) } })).rejects.toMatchObject({
          code: 'UNAUTHENTICATED',
        });
      }
      const err = await postBenchmarkResult({ ctx, input: { token, result: { ...makeResult(5), attempt: 0 } } }).catch(
        (e) => e,
      );
      expect(err.code).toBe('INVALID');
      expect(err.fields.map((f: { field: string }) => f.field)).toContain('attempt');
      await issueResultsToken({ ctx: as(ctx, ada), input: { id: dataset.id } });
      await expect(postBenchmarkResult({ ctx, input: { token, result: makeResult(5) } })).rejects.toMatchObject({
        code: 'UNAUTHENTICATED',
      });
    }));

  it("lets only the dataset's creator or an admin issue its token", () =>
    withRollback(async (ctx) => {
      const { dataset } = await setup(ctx);
      // Another researcher does not see ada's dataset at all; a teammate sees it but may not issue its token.
      const grace = await makeUser(ctx, { role: 'researcher' });
      await expect(issueResultsToken({ ctx: as(ctx, grace), input: { id: dataset.id } })).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
      const team = await makeTeam(ctx);
      await ctx.db.update(benchmarkDatasets).set({ teamId: team.id }).where(eq(benchmarkDatasets.id, dataset.id));
      const mate = await makeUser(ctx, { role: 'researcher', teamId: team.id });
      await expect(issueResultsToken({ ctx: as(ctx, mate), input: { id: dataset.id } })).rejects.toMatchObject({
        code: 'FORBIDDEN',
      });
      const admin = await makeUser(ctx, { role: 'admin' });
      await expect(issueResultsToken({ ctx: as(ctx, admin), input: { id: dataset.id } })).resolves.toMatchObject({
        datasetId: dataset.id,
      });
    }));

  it('answers 401 problem JSON over HTTP without a results token', async () => {
    const res = await postResultRoute(
      new NextRequest('http://127.0.0.1:3000/api/benchmarks/results', {
        method: 'POST',
        body: JSON.stringify(makeResult(1)),
        headers: { 'content-type': 'application/json' },
      }),
      { params: Promise.resolve({}) },
    );
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.headers.get('www-authenticate')).toContain('Bearer');
  });
});

describeWithReference('demo datasets from the reference tables', () => {
  it('imports each published table once; a second import answers the same dataset', () =>
    withRollback(async (ctx) => {
      const ada = await makeUser(ctx, { role: 'researcher' });
      const counts: Record<string, number> = {};
      for (const source of ['optimum', 'llmperf', 'mlperf'] as const) {
        const d = await importDemoDataset({ ctx: as(ctx, ada), input: { source } });
        expect(d).toMatchObject({ created: true, origin: source, source: 'import' });
        counts[source] = d.resultCount;
        const again = await importDemoDataset({ ctx: as(ctx, ada), input: { source } });
        expect(again).toMatchObject({ created: false, id: d.id });
      }
      expect(counts).toEqual({ optimum: 20 + 25 + 10, llmperf: 19, mlperf: 2240 });
    }));
});

describe('sweep datasets', () => {
  const small = {
    models: ['llama-3.1-8b'],
    engines: ['vllm', 'tgi'],
    quantizations: ['fp16', 'awq'],
    precisions: ['fp16'],
    gpuKinds: ['a100-80gb', 'h100-80gb'],
    gpuCounts: [1],
    batchSizes: [1, 8],
    sequenceLengths: [512],
  };

  it('creates a sweep dataset with a results token, optionally filled by the simulator', () =>
    withRollback(async (ctx) => {
      const ada = await makeUser(ctx, { role: 'researcher' });
      const empty = await createSweepDataset({ ctx: as(ctx, ada), input: { name: 'llama sweep', definition: small } });
      expect(empty).toMatchObject({
        dataset: { source: 'sweep', resultCount: 0, hasResultsToken: true },
        excluded: expect.any(Number),
      });
      expect(empty.planned).toBeGreaterThan(0);
      // Its steps post with the token; a simulated result of a planned configuration is accepted.
      const simulated = await createSweepDataset({
        ctx: as(ctx, ada),
        input: { name: 'sim', definition: small, simulate: true },
      });
      expect(simulated.dataset.resultCount).toBe(simulated.planned);
      const [one] = await listDatasetResults({ ctx, input: { id: simulated.dataset.id } });
      const posted = await postBenchmarkResult({ ctx, input: { token: empty.resultsToken, result: one } });
      expect(posted).toMatchObject({ created: true, datasetId: empty.dataset.id });
    }));

  it('refuses a sweep where nothing can run, naming why', () =>
    withRollback(async (ctx) => {
      const ada = await makeUser(ctx, { role: 'researcher' });
      const impossible = { ...small, models: ['llama-3.1-70b'], gpuKinds: ['t4'], quantizations: ['fp16'] };
      const err = await createSweepDataset({ ctx: as(ctx, ada), input: { name: 'x', definition: impossible } }).catch(
        (e) => e,
      );
      expect(err).toMatchObject({ code: 'INVALID', fields: [{ field: 'definition', message: expect.any(String) }] });
    }));
});

import { describe, expect, it, vi } from 'vitest';
import type * as EnvModule from '@/lib/env';
import { as, withRollback } from '@/tests/db';
import { makeUser } from '@/tests/factories';
import { importDemoDataset } from './import-demo-dataset';
import { listDatasets } from './list-datasets';

// A clone without ../shared: the import must say which folder it looked for, not fail obscurely.
vi.mock('@/lib/env', async (importOriginal) => {
  const real = await importOriginal<typeof EnvModule>();
  return { ...real, env: () => ({ ...real.env(), referenceDir: '/nonexistent/gantry-reference' }) };
});

describe('demo import without the reference folder', () => {
  it('answers UNAVAILABLE naming the folder, and creates nothing', () =>
    withRollback(async (ctx) => {
      const ada = await makeUser(ctx, { role: 'researcher' });
      const err = await importDemoDataset({ ctx: as(ctx, ada), input: { source: 'llmperf' } }).catch((e) => e);
      expect(err).toMatchObject({ code: 'UNAVAILABLE' });
      expect(err.message).toContain('/nonexistent/gantry-reference/benchmarks/ray-llmperf-leaderboard');
      expect(await listDatasets({ ctx: as(ctx, ada) })).toEqual([]);
    }));

  it('names the field for an unknown source', () =>
    withRollback(async (ctx) => {
      const ada = await makeUser(ctx, { role: 'researcher' });
      const err = await importDemoDataset({ ctx: as(ctx, ada), input: { source: 'kaggle' } }).catch((e) => e);
      expect(err).toMatchObject({ code: 'INVALID', fields: [{ field: 'source', message: expect.any(String) }] });
    }));
});

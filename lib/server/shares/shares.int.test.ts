import { describe, expect, it } from 'vitest';
import type { RankingSettings } from '@/lib/domain/benchmarks/ranking-settings';
import { as, withRollback } from '@/tests/db';
import { makeResult, makeResults } from '@/tests/benchmark-factories';
import { makeUser } from '@/tests/factories';
import { issueResultsToken } from '../benchmarks/issue-results-token';
import { postBenchmarkResult } from '../benchmarks/post-benchmark-result';
import { uploadDataset } from '../benchmarks/upload-dataset';
import { deleteRankingProfile } from '../rankings/delete-ranking-profile';
import { listRankingProfiles } from '../rankings/list-ranking-profiles';
import { saveRankingProfile } from '../rankings/save-ranking-profile';
import { createShare } from './create-share';
import { findSharedRanking } from './find-shared-ranking';
import { listShares } from './list-shares';
import { revokeShare } from './revoke-share';

const SETTINGS: RankingSettings = {
  criteria: ['tokensPerSecond', 'ttftMeanMs'],
  weights: [3, 1],
  directions: ['benefit', 'cost'],
  normalization: 'vector',
  constraints: [{ metric: 'ttftMeanMs', atMost: 100 }],
};

async function datasetOf(ctx: Parameters<Parameters<typeof withRollback>[0]>[0]) {
  const ada = await makeUser(ctx, { role: 'researcher' });
  const rows = [...makeResults(6), { ...makeResult(7), metrics: { memoryGb: 20 } }];
  const dataset = await uploadDataset({
    ctx: as(ctx, ada),
    input: { name: 'runs', format: 'json', text: JSON.stringify(rows) },
  });
  return { ada, dataset };
}

describe('share links', () => {
  it('snapshots exact settings, rows with result ids and scores behind an unguessable token', () =>
    withRollback(async (ctx) => {
      const { ada, dataset } = await datasetOf(ctx);
      const share = await createShare({ ctx: as(ctx, ada), input: { datasetId: dataset.id, settings: SETTINGS } });
      expect(share.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(share.path).toBe(`/share/${share.token}`);
      expect(JSON.stringify(await listShares({ ctx: as(ctx, ada), input: {} }))).not.toContain(share.token);
      const shared = (await findSharedRanking({ ctx, input: { token: share.token } }))!;
      expect(shared.title).toBe('Ranking of runs');
      expect(shared.snapshot.settings).toEqual(SETTINGS);
      expect(shared.snapshot.missingCriteria).toBe(1);
      expect(shared.snapshot.rows).toHaveLength(6);
      for (const row of shared.snapshot.rows) expect(row.resultId).toMatch(/^[0-9a-f-]{36}$/);
      // The constraint excludes slow rows with a reason; every feasible row is ranked.
      const excluded = shared.snapshot.rows.filter((r) => r.rank === null);
      expect(excluded.length).toBeGreaterThan(0);
      for (const r of excluded) expect(r.excludedBy[0]).toMatch(/TTFT mean .* > 100 \(at most\)/);
      expect(shared.snapshot.recommendations[0]).toMatchObject({ rank: 1, reason: expect.stringContaining('#1') });
    }));

  it('stays the same after new results arrive in the dataset', () =>
    withRollback(async (ctx) => {
      const { ada, dataset } = await datasetOf(ctx);
      const share = await createShare({
        ctx: as(ctx, ada),
        input: { datasetId: dataset.id, settings: SETTINGS, title: 'Pick for chat' },
      });
      const before = await findSharedRanking({ ctx, input: { token: share.token } });
      const { token } = await issueResultsToken({ ctx: as(ctx, ada), input: { id: dataset.id } });
      // Far better than anything shared: it would top a fresh ranking.
      await postBenchmarkResult({
        ctx,
        input: { token, result: { ...makeResult(99), metrics: { tokensPerSecond: 99_999, ttftMeanMs: 1 } } },
      });
      const after = await findSharedRanking({ ctx, input: { token: share.token } });
      expect(after).toEqual(before);
      const fresh = await createShare({ ctx: as(ctx, ada), input: { datasetId: dataset.id, settings: SETTINGS } });
      const freshRanking = (await findSharedRanking({ ctx, input: { token: fresh.token } }))!;
      expect(freshRanking.snapshot.rows).toHaveLength(7);
      expect(freshRanking.snapshot.rows[freshRanking.snapshot.recommendations[0].index].configurationId).toBe(
        'test/config-99',
      );
    }));

  it('answers nothing for a revoked or unknown link; only its creator or an admin revokes', () =>
    withRollback(async (ctx) => {
      const { ada, dataset } = await datasetOf(ctx);
      const share = await createShare({ ctx: as(ctx, ada), input: { datasetId: dataset.id, settings: SETTINGS } });
      const grace = await makeUser(ctx, { role: 'researcher' });
      await expect(revokeShare({ ctx: as(ctx, grace), input: { id: share.id } })).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
      const revoked = await revokeShare({ ctx: as(ctx, ada), input: { id: share.id } });
      expect(revoked.revokedAt).not.toBeNull();
      expect(await findSharedRanking({ ctx, input: { token: share.token } })).toBeNull();
      expect(await findSharedRanking({ ctx, input: { token: 'x'.repeat(43) } })).toBeNull();
      expect((await revokeShare({ ctx: as(ctx, ada), input: { id: share.id } })).revokedAt).toBe(revoked.revokedAt);
    }));

  it('refuses viewers, bad settings naming the field, and criteria no row has', () =>
    withRollback(async (ctx) => {
      const { ada, dataset } = await datasetOf(ctx);
      const vera = await makeUser(ctx, { role: 'viewer' });
      await expect(
        createShare({ ctx: as(ctx, vera), input: { datasetId: dataset.id, settings: SETTINGS } }),
      ).rejects.toMatchObject({ code: 'FORBIDDEN' });
      // A dataset the caller may not see cannot be published (docs/security.md).
      const grace = await makeUser(ctx, { role: 'researcher' });
      await expect(
        createShare({ ctx: as(ctx, grace), input: { datasetId: dataset.id, settings: SETTINGS } }),
      ).rejects.toMatchObject({ code: 'NOT_FOUND' });
      const bad = await createShare({
        ctx: as(ctx, ada),
        input: { datasetId: dataset.id, settings: { ...SETTINGS, weights: [1] } },
      }).catch((e) => e);
      expect(bad.fields).toContainEqual({
        field: 'settings.weights',
        message: 'expected 2 weights (one per criterion)',
      });
      const none = { ...SETTINGS, criteria: ['accuracy'], weights: [1], directions: ['benefit'], constraints: [] };
      await expect(
        createShare({ ctx: as(ctx, ada), input: { datasetId: dataset.id, settings: none } }),
      ).rejects.toMatchObject({ code: 'INVALID' });
    }));
});

describe('ranking profiles', () => {
  it("saves, renames, lists and deletes the caller's own profiles only", () =>
    withRollback(async (ctx) => {
      const ada = await makeUser(ctx);
      const grace = await makeUser(ctx);
      const p = await saveRankingProfile({ ctx: as(ctx, ada), input: { name: 'latency first', settings: SETTINGS } });
      expect(p.settings).toEqual(SETTINGS);
      await expect(
        saveRankingProfile({ ctx: as(ctx, ada), input: { name: 'latency first', settings: SETTINGS } }),
      ).rejects.toMatchObject({
        code: 'CONFLICT',
      });
      const renamed = await saveRankingProfile({
        ctx: as(ctx, ada),
        input: { id: p.id, name: 'tight', settings: { ...SETTINGS, weights: [1, 1] } },
      });
      expect(renamed).toMatchObject({ id: p.id, name: 'tight', settings: { weights: [1, 1] } });
      expect(await listRankingProfiles({ ctx: as(ctx, grace) })).toEqual([]);
      await expect(
        saveRankingProfile({ ctx: as(ctx, grace), input: { id: p.id, name: 'mine', settings: SETTINGS } }),
      ).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
      await expect(deleteRankingProfile({ ctx: as(ctx, grace), input: { id: p.id } })).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
      await deleteRankingProfile({ ctx: as(ctx, ada), input: { id: p.id } });
      expect(await listRankingProfiles({ ctx: as(ctx, ada) })).toEqual([]);
    }));
});

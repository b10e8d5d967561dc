import { describe, expect, it } from 'vitest';
import { gpuAssignments, gpuDevices, gpuRollups1h, gpuSamples } from '@/lib/db/schema';
import { MAX_CHART_POINTS } from '@/lib/domain/telemetry/lttb';
import type { Ctx } from '@/lib/server/context';
import { as, withRollback } from '@/tests/db';
import { makeTeam, makeUser } from '@/tests/factories';
import { querySeries } from './query-series';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 10, 2, 8, 0, 0);

async function makeDevice(ctx: Ctx, key: string) {
  const [d] = await ctx.db
    .insert(gpuDevices)
    .values({ key, node: key.split('/')[0], pool: 'a100-shared', kind: 'a100-80gb-shared' })
    .returning();
  return d.id;
}

async function addSamples(ctx: Ctx, deviceId: number, from: number, to: number, util: number, fb: number) {
  const values = [];
  for (let t = from; t < to; t += 10_000) values.push({ deviceId, ts: new Date(t), util, fb, power: util * 3 });
  await ctx.db.insert(gpuSamples).values(values);
}

/** One hold of a device by a pod, as ingestScrape records it (first and last scrape that saw it). */
async function hold(ctx: Ctx, deviceId: number, team: string, pod: string, first: number, last: number) {
  await ctx.db.insert(gpuAssignments).values({
    deviceId,
    namespace: 'gantry-jobs',
    pod,
    day: new Date(first).toISOString().slice(0, 10),
    jobId: `job-${pod}`,
    owner: 'ada',
    team,
    firstSeenAt: new Date(first),
    lastSeenAt: new Date(last),
    samples: 1,
  });
}

describe('team series', () => {
  it("counts a GPU's readings only while the team's pods held it; a shared GPU counts whole for each team on it", () =>
    withRollback(async (ctx) => {
      await makeTeam(ctx, { slug: 'vision-t' });
      await makeTeam(ctx, { slug: 'nlp-t' });
      const g1 = await makeDevice(ctx, 'n1/GPU-1');
      const g2 = await makeDevice(ctx, 'n1/GPU-2');
      const g3 = await makeDevice(ctx, 'n2/GPU-3');
      const now = T0 + HOUR;
      await addSamples(ctx, g1, T0, now, 20, 1000);
      await addSamples(ctx, g2, T0, now, 80, 3000);
      await addSamples(ctx, g3, T0, now, 50, 7000);
      // vision: GPU 1 the whole hour, GPU 2 only its second half (the last scrape that saw the pod is at T0 + 59:50)
      await hold(ctx, g1, 'vision-t', 'v-a', T0, now - 10_000);
      await hold(ctx, g2, 'vision-t', 'v-b', T0 + 30 * MINUTE, now - 10_000);
      // nlp shares GPU 2 (time-sliced) the whole hour and has GPU 3
      await hold(ctx, g2, 'nlp-t', 'n-a', T0, now - 10_000);
      await hold(ctx, g3, 'nlp-t', 'n-b', T0, now - 10_000);

      const util = await querySeries({
        ctx,
        input: { scope: 'team', id: 'vision-t', range: '1h', metric: 'util', now },
      });
      expect(util).toMatchObject({ scope: 'team', tier: 'raw', devices: 2 });
      expect(util.points.length).toBe(360);
      const at = (s: typeof util, t: number) => s.points.find((p) => p.t === t)?.v;
      expect(at(util, T0 + 10 * MINUTE)).toBe(20); // only GPU 1 held
      expect(at(util, T0 + 40 * MINUTE)).toBe(50); // mean of GPU 1 and GPU 2
      const fb = await querySeries({ ctx, input: { scope: 'team', id: 'vision-t', range: '1h', metric: 'fb', now } });
      expect(at(fb, T0 + 10 * MINUTE)).toBe(1000);
      expect(at(fb, T0 + 40 * MINUTE)).toBe(4000); // memory adds up over the held GPUs

      const nlp = await querySeries({ ctx, input: { scope: 'team', id: 'nlp-t', range: '1h', metric: 'power', now } });
      expect(nlp.devices).toBe(2);
      expect(nlp.points.every((p) => p.v === 80 * 3 + 50 * 3)).toBe(true); // GPU 2 counts whole for nlp too
    }));

  it('reads 1-hour rollups for 30 days, at most 1,000 points, and only the hours a hold overlaps', () =>
    withRollback(async (ctx) => {
      await makeTeam(ctx, { slug: 'vision-t' });
      const ids = [];
      for (let i = 0; i < 4; i++) ids.push(await makeDevice(ctx, `n${i}/GPU-h${i}`));
      const now = T0 + 30 * DAY;
      const buckets = [];
      for (let t = now - 30 * DAY; t < now; t += HOUR)
        for (const id of ids)
          buckets.push({
            deviceId: id,
            bucket: new Date(t),
            samples: 360,
            utilAvg: 10 * (ids.indexOf(id) + 1),
            fbAvg: 100,
            powerAvg: 50,
          });
      for (let i = 0; i < buckets.length; i += 2000)
        await ctx.db.insert(gpuRollups1h).values(buckets.slice(i, i + 2000));
      // the team held GPU 0 every day from 02:00 to 10:00, and GPU 3 only on the last day
      for (let d = 0; d < 30; d++) {
        const day = now - 30 * DAY + d * DAY;
        const start = Math.floor(day / DAY) * DAY;
        await hold(ctx, ids[0], 'vision-t', `p-${d}`, start + 2 * HOUR, start + 10 * HOUR - 10_000);
      }
      const lastDay = Math.floor((now - DAY) / DAY) * DAY;
      await hold(ctx, ids[3], 'vision-t', 'p-last', lastDay + 12 * HOUR, lastDay + 14 * HOUR - 10_000);

      const s = await querySeries({ ctx, input: { scope: 'team', id: 'vision-t', range: '30d', metric: 'util', now } });
      expect(s.tier).toBe('1h');
      expect(s.devices).toBe(2);
      expect(s.points.length).toBeLessThanOrEqual(MAX_CHART_POINTS);
      expect(s.points.length).toBeGreaterThanOrEqual(29 * 8);
      // hours of GPU 0 read 10 %, the two hours of GPU 3 read 40 %; no hour mixes them, nothing else is counted
      expect(new Set(s.points.map((p) => p.v))).toEqual(new Set([10, 40]));
      expect(s.points.filter((p) => p.v === 40).map((p) => p.t)).toEqual([lastDay + 12 * HOUR, lastDay + 13 * HOUR]);
      expect(s.points.every((p) => p.v === 40 || (p.t % DAY >= 2 * HOUR && p.t % DAY < 10 * HOUR))).toBe(true);
    }));

  it('lets researchers chart only their own teams, admins any existing team', () =>
    withRollback(async (ctx) => {
      const vision = await makeTeam(ctx, { slug: 'vision-t' });
      await makeTeam(ctx, { slug: 'nlp-t' });
      const ada = await makeUser(ctx, { role: 'researcher', teamId: vision.id });
      const loner = await makeUser(ctx, { role: 'researcher' });
      const empty = await querySeries({ ctx: as(ctx, ada), input: { scope: 'team', id: 'vision-t', range: '24h' } });
      expect(empty).toMatchObject({ scope: 'team', devices: 0, points: [] });
      await expect(
        querySeries({ ctx: as(ctx, ada), input: { scope: 'team', id: 'nlp-t', range: '24h' } }),
      ).rejects.toMatchObject({
        code: 'FORBIDDEN',
        message: expect.stringContaining('vision-t'),
      });
      await expect(querySeries({ ctx: as(ctx, loner), input: { scope: 'team', id: 'nlp-t' } })).rejects.toMatchObject({
        code: 'FORBIDDEN',
      });
      expect((await querySeries({ ctx, input: { scope: 'team', id: 'nlp-t', range: '7d' } })).points).toEqual([]);
      await expect(querySeries({ ctx, input: { scope: 'team', id: 'no-such-team' } })).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
      await expect(querySeries({ ctx, input: { scope: 'teams', id: 'vision-t' } })).rejects.toMatchObject({
        code: 'INVALID',
        fields: [expect.objectContaining({ field: 'scope' })],
      });
    }));
});

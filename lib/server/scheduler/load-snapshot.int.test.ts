import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { jobs } from '@/lib/db/schema';
import { withRollback } from '@/tests/db';
import { makeTeam, makeUser } from '@/tests/factories';
import type { Ctx } from '../context';
import { loadSnapshot, loadWeeklyUse } from './load-snapshot';

// Monday 2026-11-30 00:00 UTC is the start of the week of `now`.
const now = Date.UTC(2026, 11, 2, 12, 0, 0);
const at = (iso: string) => new Date(iso);

/** A team with one member and a GPU kind of its own, so other tests' rows never mix in. */
async function seedTeam(ctx: Ctx) {
  const team = await makeTeam(ctx);
  const user = await makeUser(ctx, { teamId: team.id });
  return { team, user, kind: `t4-${randomUUID().slice(0, 6)}` };
}

describe('loadWeeklyUse', () => {
  it('counts held time this week and earlier attempts of jobs re-queued this week, and nothing for the rest of the queue', () =>
    withRollback(async (ctx) => {
      const { team, user, kind } = await seedTeam(ctx);
      const base = {
        kind: 'training' as const,
        priority: 'normal' as const,
        teamId: team.id,
        userId: user.id,
        gpuKind: kind,
        expectedRuntimeSeconds: 3600,
        maxRuntimeSeconds: 7200,
        spec: {},
      };
      await ctx.db.insert(jobs).values([
        // 2 GPUs from Sunday 23:00 to Monday 02:00: only the 2 hours in this week count (4 GPU-hours).
        {
          ...base,
          name: 'across-monday',
          gpuCount: 2,
          state: 'succeeded',
          queuedAt: at('2026-11-29T22:00:00Z'),
          admittedAt: at('2026-11-29T23:00:00Z'),
          finishedAt: at('2026-11-30T02:00:00Z'),
        },
        // 1 GPU running since Wednesday 10:00 until now (12:00): 2 GPU-hours.
        {
          ...base,
          name: 'running',
          gpuCount: 1,
          state: 'running',
          queuedAt: at('2026-12-02T09:00:00Z'),
          admittedAt: at('2026-12-02T10:00:00Z'),
        },
        // Preempted and queued again this week after 1.5 GPU-hours: those count.
        {
          ...base,
          name: 'requeued',
          gpuCount: 4,
          state: 'queued',
          queuedAt: at('2026-12-01T08:00:00Z'),
          pastGpuHours: 1.5,
        },
        // Waiting and never admitted: nothing.
        ...Array.from({ length: 5 }, (_, i) => ({
          ...base,
          name: `waiting-${i}`,
          gpuCount: 8,
          state: 'queued' as const,
          queuedAt: at('2026-12-02T11:00:00Z'),
        })),
        // Finished last week: nothing this week.
        {
          ...base,
          name: 'last-week',
          gpuCount: 8,
          state: 'failed',
          queuedAt: at('2026-11-20T08:00:00Z'),
          admittedAt: at('2026-11-20T09:00:00Z'),
          finishedAt: at('2026-11-21T09:00:00Z'),
        },
      ]);
      const used = await loadWeeklyUse(ctx, now, [team.id]);
      expect(used.get(`${team.id}\u0000${kind}`)).toBeCloseTo(4 + 2 + 1.5, 9);
      // The same through the snapshot's quota rows is covered by the scheduler pass tests; a team
      // with only never-admitted jobs has no entry (read as 0).
      const idle = await makeTeam(ctx);
      await ctx.db
        .insert(jobs)
        .values({ ...base, teamId: idle.id, name: 'idle-waiting', gpuCount: 1, state: 'queued' });
      expect((await loadWeeklyUse(ctx, now, [idle.id])).get(`${idle.id}\u0000${kind}`) ?? 0).toBe(0);
    }));
});

describe('loadSnapshot', () => {
  it('reads queued jobs with submission and queue times as epoch milliseconds, in the order they were submitted', () =>
    withRollback(async (ctx) => {
      const { team, user, kind } = await seedTeam(ctx);
      // Microseconds apart: the float epoch must keep them apart and in order.
      const stamps = ['2026-12-02T11:00:00.000001Z', '2026-12-02T11:00:00.000002Z', '2026-12-02T11:00:00.123457Z'];
      for (const [i, s] of stamps.entries()) {
        await ctx.db.execute(
          // Timestamps with microseconds need SQL literals: a JS Date holds milliseconds.
          sql`insert into jobs (name, kind, team_id, user_id, priority, gpu_kind, gpu_count, expected_runtime_seconds, max_runtime_seconds, spec, state, submitted_at, queued_at)
            values (${`j${i}`}, 'training', ${team.id}, ${user.id}, 'normal', ${kind}, 1, 3600, 7200, '{}'::jsonb, 'queued', ${s}::timestamptz, ${s}::timestamptz)`,
        );
      }
      const snapshot = await loadSnapshot(ctx, [], now);
      const mine = snapshot.queued.filter((q) => q.gpu.kind === kind);
      expect(mine).toHaveLength(3);
      const times = mine.map((q) => q.submittedAt).sort((a, b) => a - b);
      expect(times[0]).toBeCloseTo(Date.parse('2026-12-02T11:00:00.000Z') + 0.001, 6);
      expect(times[1] - times[0]).toBeGreaterThan(0);
      expect(times[2]).toBeCloseTo(Date.parse('2026-12-02T11:00:00.123Z') + 0.457, 6);
      expect(mine.map((q) => q.queuedAt)).toEqual(mine.map((q) => q.submittedAt));
      expect(mine[0]).toMatchObject({
        team: team.slug,
        user: user.id,
        priority: 'normal',
        singleNode: expect.any(Boolean),
        expectedRuntimeSeconds: 3600,
        maxRuntimeSeconds: 7200,
      });
    }));
});

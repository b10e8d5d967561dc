import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { jobs } from '@/lib/db/schema';
import { as, withRollback } from '@/tests/db';
import { makeTeam, makeUser } from '@/tests/factories';
import type { Ctx } from '../context';
import { listJobs } from './list-jobs';

type State = (typeof jobs.$inferInsert)['state'];

async function insertJob(
  ctx: Ctx,
  teamId: string,
  userId: string,
  gpuKind: string,
  name: string,
  state: State,
  overallPosition: number | null,
) {
  const [row] = await ctx.db
    .insert(jobs)
    .values({
      name,
      kind: 'training',
      teamId,
      userId,
      priority: 'normal',
      gpuKind,
      gpuCount: 1,
      expectedRuntimeSeconds: 60,
      maxRuntimeSeconds: 600,
      spec: { image: 'ghcr.io/acme/train:1.4', command: ['python'] },
      state,
      overallPosition,
    })
    .returning({ id: jobs.id });
  return row.id;
}

describe('listing the queue', () => {
  it('puts waiting jobs first in queue order, then the rest newest first, with every filter and page', () =>
    withRollback(async (ctx) => {
      const team = await makeTeam(ctx, { cohort: `c-${randomUUID().slice(0, 6)}` });
      const other = await makeTeam(ctx, { cohort: `c-${randomUUID().slice(0, 6)}` });
      const owner = await makeUser(ctx, { role: 'researcher', teamId: team.id });
      const mate = await makeUser(ctx, { role: 'researcher', teamId: team.id });
      const kind = `kind-${randomUUID().slice(0, 8)}`;
      await insertJob(ctx, team.id, owner.id, kind, 'running', 'running', null);
      await insertJob(ctx, team.id, owner.id, kind, 'second', 'queued', 2);
      await insertJob(ctx, team.id, mate.id, kind, 'unseen', 'queued', null); // not yet placed by the scheduler
      await insertJob(ctx, team.id, mate.id, kind, 'first', 'queued', 1);
      await insertJob(ctx, team.id, owner.id, kind, 'done', 'succeeded', null);
      await insertJob(ctx, other.id, owner.id, kind, 'elsewhere', 'queued', 0);

      const all = await listJobs({ ctx: as(ctx, owner), input: { team: team.slug, gpuKind: kind } });
      expect(all.total).toBe(5);
      expect(all.items.map((j) => j.name)).toEqual(['first', 'second', 'unseen', 'done', 'running']);
      expect(all.items[0]).toMatchObject({
        team: team.slug,
        user: { id: mate.id, email: mate.email },
        position: 1,
        gpu: { kind, count: 1 },
      });

      const live = await listJobs({ ctx: as(ctx, owner), input: { gpuKind: kind, state: 'queued,running' } });
      expect(live.items.map((j) => j.name)).toEqual(['elsewhere', 'first', 'second', 'unseen', 'running']);

      const mine = await listJobs({ ctx: as(ctx, owner), input: { team: team.slug, gpuKind: kind, user: 'me' } });
      expect(mine.items.map((j) => j.name)).toEqual(['second', 'done', 'running']);
      const byEmail = await listJobs({ ctx: as(ctx, owner), input: { gpuKind: kind, user: mate.email.toUpperCase() } });
      expect(byEmail.items.map((j) => j.name)).toEqual(['first', 'unseen']);
      const byId = await listJobs({ ctx: as(ctx, owner), input: { gpuKind: kind, user: mate.id } });
      expect(byId.total).toBe(2);

      const page2 = await listJobs({
        ctx: as(ctx, owner),
        input: { team: team.slug, gpuKind: kind, page: '2', pageSize: '2' },
      });
      expect(page2).toMatchObject({ total: 5, page: 2, pageSize: 2 });
      expect(page2.items.map((j) => j.name)).toEqual(['unseen', 'done']);
      const beyond = await listJobs({
        ctx: as(ctx, owner),
        input: { team: team.slug, gpuKind: kind, page: '9', pageSize: '2' },
      });
      expect(beyond).toMatchObject({ total: 5, items: [] });
    }));
});

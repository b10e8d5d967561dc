import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditLog, jobEvents, jobs } from '@/lib/db/schema';
import type { GpuNode } from '@/lib/domain/scheduler';
import { as, withRollback } from '@/tests/db';
import { makeTeam, makeUser } from '@/tests/factories';
import type { Ctx } from '../context';
import { upsertQuota } from '../quotas/upsert-quota';
import { listQuotas } from '../quotas/list-quotas';
import { admitJobs } from '../scheduler/admit-jobs';
import { cancelJob } from './cancel-job';
import { getJob } from './get-job';
import { listJobs } from './list-jobs';
import { resubmitJob } from './resubmit-job';
import { setJobPriority } from './set-job-priority';
import { submitJob, type DryRunView, type SubmitDeps } from './submit-job';
import type { JobView } from './job-view';

// Each test gets GPU kinds of its own, so committed rows of other tests never share its queue.
function world(count = 8) {
  const kind = `a100-80gb-t${randomUUID().slice(0, 6)}`;
  const nodes: GpuNode[] = [
    { name: `node-${kind}`, pool: 'training', gpus: { [kind]: { capacity: count, free: count } } },
  ];
  const deps: SubmitDeps = { gpuKinds: async () => [kind], gpuNodes: async () => nodes };
  return { kind, nodes, deps };
}

function body(kind: string, over: Record<string, unknown> = {}) {
  return {
    name: 'resnet50-lr-sweep',
    kind: 'training',
    priority: 'normal',
    gpu: { kind, count: 2 },
    expectedRuntimeSeconds: 3600,
    maxRuntimeSeconds: 14400,
    spec: { image: 'ghcr.io/acme/train:1.4', command: ['python', 'train.py'], args: ['--lr', '3e-4'] },
    ...over,
  };
}

async function setup(ctx: Ctx, kind: string, quota = { guaranteed: 4, borrowingLimit: 0 }) {
  const team = await makeTeam(ctx, { cohort: `c-${randomUUID().slice(0, 6)}` });
  const owner = await makeUser(ctx, { role: 'researcher', teamId: team.id });
  const admin = await makeUser(ctx, { role: 'admin' });
  await upsertQuota({ ctx: as(ctx, admin), input: { team: team.slug, gpuKind: kind, ...quota } });
  return { team, owner, admin };
}

describe('submitting jobs', () => {
  it('queues a valid job with one SUBMITTED event, in the submitter’s team by default', () =>
    withRollback(async (ctx) => {
      const { kind, deps } = world();
      const { team, owner } = await setup(ctx, kind);
      const job = (await submitJob({ ctx: as(ctx, owner), input: body(kind) }, deps)) as JobView;
      expect(job).toMatchObject({ state: 'queued', team: team.slug, gpu: { kind, count: 2 }, priority: 'normal' });
      expect(job.id).toMatch(/^\d+$/);
      const events = await ctx.db
        .select()
        .from(jobEvents)
        .where(eq(jobEvents.jobId, Number(job.id)));
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ toState: 'queued', cause: 'SUBMITTED' });
      const detail = await getJob({ ctx: as(ctx, owner), input: { id: job.id } });
      expect(detail.spec).toMatchObject({ image: 'ghcr.io/acme/train:1.4', args: ['--lr', '3e-4'] });
      expect(detail.canCancel).toBe(true);
    }));

  it('names each bad field and stores nothing', () =>
    withRollback(async (ctx) => {
      const { kind, deps } = world();
      const { owner } = await setup(ctx, kind);
      const err = await submitJob(
        {
          ctx: as(ctx, owner),
          input: body(kind, { gpu: { kind, count: 0 }, expectedRuntimeSeconds: 'soon', spec: { command: [] } }),
        },
        deps,
      ).catch((e) => e);
      expect(err.code).toBe('INVALID');
      const fields = err.fields.map((f: { field: string }) => f.field);
      expect(fields).toEqual(
        expect.arrayContaining(['gpu.count', 'expectedRuntimeSeconds', 'spec.image', 'spec.command']),
      );
      const bad = await submitJob({ ctx: as(ctx, owner), input: body(kind, { maxRuntimeSeconds: 60 }) }, deps).catch(
        (e) => e,
      );
      expect(bad.fields).toEqual([{ field: 'maxRuntimeSeconds', message: 'must be at least expectedRuntimeSeconds' }]);
      const unknownKind = await submitJob(
        { ctx: as(ctx, owner), input: body(kind, { gpu: { kind: 'v100', count: 1 } }) },
        deps,
      ).catch((e) => e);
      expect(unknownKind.fields[0].field).toBe('gpu.kind');
      expect(await ctx.db.select().from(jobs).where(eq(jobs.userId, owner.id))).toHaveLength(0);
    }));

  it('refuses a team that is not the submitter’s, and viewers', () =>
    withRollback(async (ctx) => {
      const { kind, deps } = world();
      const { owner } = await setup(ctx, kind);
      const other = await makeTeam(ctx);
      const err = await submitJob({ ctx: as(ctx, owner), input: body(kind, { team: other.slug }) }, deps).catch(
        (e) => e,
      );
      expect(err.code).toBe('FORBIDDEN');
      expect(err.fields[0].field).toBe('team');
      const viewer = await makeUser(ctx, { role: 'viewer', teamId: other.id });
      await expect(submitJob({ ctx: as(ctx, viewer), input: body(kind) }, deps)).rejects.toMatchObject({
        code: 'FORBIDDEN',
      });
    }));

  it('submissions that arrive together share one statement, and each gets its own answer', () =>
    withRollback(async (ctx) => {
      const { kind, deps } = world();
      const { team, owner, admin } = await setup(ctx, kind);
      const other = await makeTeam(ctx);
      const stranger = await makeUser(ctx, { role: 'researcher', teamId: other.id });
      const results = await Promise.allSettled([
        submitJob({ ctx: as(ctx, owner), input: body(kind, { name: 'mine' }) }, deps),
        submitJob({ ctx: as(ctx, owner), input: body(kind, { name: 'not-my-team', team: other.slug }) }, deps),
        submitJob({ ctx: as(ctx, admin), input: body(kind, { name: 'admin-for-vision', team: team.slug }) }, deps),
        submitJob({ ctx: as(ctx, stranger), input: body(kind, { name: 'theirs' }) }, deps),
      ]);
      const [mine, refused, forTeam, theirs] = results;
      expect(mine).toMatchObject({
        status: 'fulfilled',
        value: { name: 'mine', team: team.slug, user: { email: owner.email } },
      });
      expect(refused).toMatchObject({ status: 'rejected', reason: { code: 'FORBIDDEN', fields: [{ field: 'team' }] } });
      expect(forTeam).toMatchObject({
        status: 'fulfilled',
        value: { name: 'admin-for-vision', team: team.slug, user: { email: admin.email } },
      });
      expect(theirs).toMatchObject({ status: 'fulfilled', value: { name: 'theirs', team: other.slug } });
      const stored = await ctx.db.select({ id: jobs.id, name: jobs.name }).from(jobs).where(eq(jobs.gpuKind, kind));
      expect(stored.map((j) => j.name).sort()).toEqual(['admin-for-vision', 'mine', 'theirs']);
      const events = await ctx.db.select().from(jobEvents).where(eq(jobEvents.cause, 'SUBMITTED'));
      for (const job of stored) expect(events.filter((e) => e.jobId === job.id)).toHaveLength(1);
      const ids = results.flatMap((r) => (r.status === 'fulfilled' ? [Number((r.value as JobView).id)] : []));
      expect(ids.sort()).toEqual(stored.map((j) => j.id).sort());
    }));

  it('dryRun answers where and when, and stores nothing', () =>
    withRollback(async (ctx) => {
      const { kind, nodes, deps } = world();
      const { owner } = await setup(ctx, kind);
      const fits = (await submitJob({ ctx: as(ctx, owner), input: body(kind), dryRun: true }, deps)) as DryRunView;
      expect(fits).toMatchObject({
        dryRun: true,
        fits: true,
        startsNow: true,
        placements: [{ node: nodes[0].name, count: 2 }],
      });
      const tooBig = (await submitJob(
        { ctx: as(ctx, owner), input: body(kind, { gpu: { kind, count: 6 } }), dryRun: true },
        deps,
      )) as DryRunView;
      expect(tooBig).toMatchObject({ fits: false, reason: 'NEVER_FITS' });
      expect(tooBig.message).toMatch(/\w+/);
      expect(await ctx.db.select().from(jobs).where(eq(jobs.userId, owner.id))).toHaveLength(0);
    }));
});

describe('quotas', () => {
  it('admins upsert quotas with an audit entry; members see use, borrowed GPUs and budget', () =>
    withRollback(async (ctx) => {
      const { kind, nodes, deps } = world(16);
      const { team, owner, admin } = await setup(ctx, kind);
      await upsertQuota({
        ctx: as(ctx, admin),
        input: { team: team.slug, gpuKind: kind, guaranteed: 2, borrowingLimit: 4, weeklyGpuHours: 100 },
      });
      const audits = await ctx.db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.action, 'quota.upsert'), eq(auditLog.target, `quota:${team.slug}/${kind}`)));
      expect(audits).toHaveLength(2);
      expect(audits[1].details).toMatchObject({
        before: { guaranteed: 4 },
        after: { guaranteed: 2, borrowingLimit: 4, weeklyGpuHours: 100 },
      });
      await expect(
        upsertQuota({ ctx: as(ctx, owner), input: { team: team.slug, gpuKind: kind, guaranteed: 99 } }),
      ).rejects.toMatchObject({ code: 'FORBIDDEN' });
      const bad = await upsertQuota({
        ctx: as(ctx, admin),
        input: { team: team.slug, gpuKind: kind, guaranteed: -1 },
      }).catch((e) => e);
      expect(bad.fields[0].field).toBe('guaranteed');

      await submitJob({ ctx: as(ctx, owner), input: body(kind, { gpu: { kind, count: 3 } }) }, deps);
      await admitJobs({ ctx, input: { nodes } });
      const [mine] = await listQuotas({ ctx: as(ctx, owner) });
      expect(mine).toMatchObject({
        team: team.slug,
        gpuKind: kind,
        guaranteed: 2,
        inUse: 3,
        borrowed: 1,
        weeklyGpuHours: 100,
      });
      expect(mine.remainingGpuHours).toBeLessThanOrEqual(100);
    }));
});

describe('cancel, resubmit, priority', () => {
  it('lets the owner and admins cancel, and nobody else', () =>
    withRollback(async (ctx) => {
      const { kind, deps } = world();
      const { team, owner, admin } = await setup(ctx, kind);
      const stranger = await makeUser(ctx, { role: 'researcher', teamId: team.id });
      const a = (await submitJob({ ctx: as(ctx, owner), input: body(kind) }, deps)) as JobView;
      const b = (await submitJob({ ctx: as(ctx, owner), input: body(kind) }, deps)) as JobView;
      const stop = { stop: async () => {} };
      await expect(cancelJob({ ctx: as(ctx, stranger), input: { id: a.id } }, stop)).rejects.toMatchObject({
        code: 'FORBIDDEN',
      });
      expect(await cancelJob({ ctx: as(ctx, owner), input: { id: a.id } }, stop)).toMatchObject({ state: 'cancelled' });
      expect(await cancelJob({ ctx: as(ctx, admin), input: { id: b.id } }, stop)).toMatchObject({ state: 'cancelled' });
      await expect(cancelJob({ ctx: as(ctx, owner), input: { id: a.id } }, stop)).rejects.toMatchObject({
        code: 'CONFLICT',
      });
      const detail = await getJob({ ctx: as(ctx, owner), input: { id: b.id } });
      expect(detail.events.map((e) => e.cause)).toEqual(['SUBMITTED', 'CANCELLED_BY_ADMIN']);

      const again = await resubmitJob({ ctx: as(ctx, owner), input: { id: a.id } }, deps);
      expect(again).toMatchObject({ state: 'queued', name: a.name });
      expect(again.id).not.toBe(a.id);
      await expect(resubmitJob({ ctx: as(ctx, stranger), input: { id: a.id } }, deps)).rejects.toMatchObject({
        code: 'FORBIDDEN',
      });
    }));

  it('admins change priority with an event and an audit entry', () =>
    withRollback(async (ctx) => {
      const { kind, deps } = world();
      const { owner, admin } = await setup(ctx, kind);
      const job = (await submitJob({ ctx: as(ctx, owner), input: body(kind) }, deps)) as JobView;
      await expect(
        setJobPriority({ ctx: as(ctx, owner), input: { id: job.id, priority: 'critical' } }),
      ).rejects.toMatchObject({ code: 'FORBIDDEN' });
      expect(await setJobPriority({ ctx: as(ctx, admin), input: { id: job.id, priority: 'high' } })).toMatchObject({
        priority: 'high',
      });
      const audits = await ctx.db
        .select()
        .from(auditLog)
        .where(eq(auditLog.target, `job:${job.id}`));
      expect(audits[0]).toMatchObject({ action: 'job.priority', details: { from: 'normal', to: 'high' } });
    }));

  it('lists with filters and pages', () =>
    withRollback(async (ctx) => {
      const { kind, deps } = world();
      const { team, owner } = await setup(ctx, kind);
      for (let i = 0; i < 5; i++)
        await submitJob({ ctx: as(ctx, owner), input: body(kind, { name: `job-${i}` }) }, deps);
      const page = await listJobs({
        ctx: as(ctx, owner),
        input: { team: team.slug, state: 'queued', gpuKind: kind, user: 'me', page: '2', pageSize: '2' },
      });
      expect(page.total).toBe(5);
      expect(page.items).toHaveLength(2);
      const none = await listJobs({ ctx: as(ctx, owner), input: { team: team.slug, state: 'running' } });
      expect(none.total).toBe(0);
      await expect(listJobs({ ctx, input: { state: 'sleeping' } })).rejects.toMatchObject({ code: 'INVALID' });
    }));
});

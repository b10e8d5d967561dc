import { randomUUID } from 'node:crypto';
import { eq, inArray } from 'drizzle-orm';
import { inject, describe, expect, it } from 'vitest';
import { createDb } from '@/lib/db/client';
import { jobEvents, jobs, memberships, quotas, teams, users } from '@/lib/db/schema';
import type { GpuNode } from '@/lib/domain/scheduler';
import type { Workflow } from '@/lib/cluster/workflows';
import type { WorkflowSpec } from '@/lib/domain/workflow/types';
import { logger } from '@/lib/log';
import { as, systemActor, withRollback } from '@/tests/db';
import { makeTeam, makeUser } from '@/tests/factories';
import type { Ctx } from '../context';
import { getJob } from '../jobs/get-job';
import type { JobView } from '../jobs/job-view';
import { submitJob, type SubmitDeps } from '../jobs/submit-job';
import { upsertQuota } from '../quotas/upsert-quota';
import { admitJobs } from './admit-jobs';
import { finishPreemptions } from './finish-preemptions';
import { launchAdmittedJobs } from './launch-jobs';
import type { NodeDetail } from './read-cluster-gpus';
import { syncJobPhases } from './sync-job-phases';

function world(perNode = 8, nodeCount = 1) {
  const kind = `a100-80gb-s${randomUUID().slice(0, 6)}`;
  const nodes: GpuNode[] = Array.from({ length: nodeCount }, (_, i) => ({
    name: `n${i}-${kind}`,
    pool: 'training',
    gpus: { [kind]: { capacity: perNode, free: perNode } },
  }));
  const deps: SubmitDeps = { gpuKinds: async () => [kind], gpuNodes: async () => nodes };
  const details = new Map<string, NodeDetail>(
    nodes.map((n) => [
      n.name,
      {
        name: n.name,
        pool: 'training',
        gpuProduct: 'NVIDIA-A100-SXM4-80GB',
        taints: [{ key: 'gpu', value: 'true', effect: 'NoSchedule' }],
        resources: { [kind]: 'nvidia.com/gpu' },
      },
    ]),
  );
  return { kind, nodes, deps, details };
}

const spec = { image: 'ghcr.io/acme/train:1.4', command: ['python', 'train.py'], args: ['--lr', '3e-4'] };
const body = (kind: string, count: number, over: Record<string, unknown> = {}) => ({
  name: 'resnet50',
  kind: 'training',
  gpu: { kind, count },
  expectedRuntimeSeconds: 3600,
  maxRuntimeSeconds: 7200,
  spec,
  ...over,
});

async function setup(ctx: Ctx, kind: string, guaranteed: number, borrowingLimit = 0) {
  const team = await makeTeam(ctx, { cohort: `c-${randomUUID().slice(0, 6)}` });
  const owner = await makeUser(ctx, { role: 'researcher', teamId: team.id });
  await upsertQuota({ ctx, input: { team: team.slug, gpuKind: kind, guaranteed, borrowingLimit } });
  return { team, owner };
}

describe('scheduler pass', () => {
  it('admits within the quota, explains the rest, and records each transition once', () =>
    withRollback(async (ctx) => {
      const { kind, nodes, deps } = world(8);
      const { owner } = await setup(ctx, kind, 4);
      const a = (await submitJob({ ctx: as(ctx, owner), input: body(kind, 2) }, deps)) as JobView;
      const b = (await submitJob({ ctx: as(ctx, owner), input: body(kind, 2) }, deps)) as JobView;
      const c = (await submitJob({ ctx: as(ctx, owner), input: body(kind, 2) }, deps)) as JobView;
      const result = await admitJobs({ ctx, input: { nodes } });
      expect(result.admitted.sort()).toEqual([a.id, b.id].sort());
      const waiting = await getJob({ ctx, input: { id: c.id } });
      expect(waiting).toMatchObject({ state: 'queued', reason: 'QUOTA_EXHAUSTED', position: 1, teamPosition: 1 });
      expect(waiting.message).toMatch(/\./);
      const admitted = await getJob({ ctx, input: { id: a.id } });
      expect(admitted).toMatchObject({ state: 'admitted', placements: [{ node: nodes[0].name, count: 2 }] });
      expect(admitted.events.map((e) => e.cause)).toEqual(['SUBMITTED', 'ADMITTED']);

      // A second pass changes nothing and adds no event for an unchanged reason.
      expect((await admitJobs({ ctx, input: { nodes } })).admitted).toEqual([]);
      const again = await getJob({ ctx, input: { id: c.id } });
      expect(again.events.map((e) => e.cause)).toEqual(['SUBMITTED', 'QUOTA_EXHAUSTED']);
    }));

  it('puts the team that used fewer GPU-hours lately first (fair share from job history)', () =>
    withRollback(async (ctx) => {
      const { kind, nodes, deps } = world(2);
      const cohort = `c-${randomUUID().slice(0, 6)}`;
      const heavy = await makeTeam(ctx, { cohort });
      const light = await makeTeam(ctx, { cohort });
      const heavyUser = await makeUser(ctx, { teamId: heavy.id });
      const lightUser = await makeUser(ctx, { teamId: light.id });
      for (const t of [heavy, light])
        await upsertQuota({ ctx, input: { team: t.slug, gpuKind: kind, guaranteed: 1, borrowingLimit: 1 } });
      const past = (await submitJob({ ctx: as(ctx, heavyUser), input: body(kind, 2) }, deps)) as JobView;
      const day = 24 * 3600_000;
      await ctx.db
        .update(jobs)
        .set({ state: 'succeeded', admittedAt: new Date(Date.now() - 3 * day), finishedAt: new Date(Date.now() - day) })
        .where(eq(jobs.id, Number(past.id)));
      const first = (await submitJob({ ctx: as(ctx, heavyUser), input: body(kind, 2) }, deps)) as JobView;
      const second = (await submitJob({ ctx: as(ctx, lightUser), input: body(kind, 2) }, deps)) as JobView;
      const pass = await admitJobs({ ctx, input: { nodes } });
      expect(pass.admitted).toEqual([second.id]);
      expect((await getJob({ ctx, input: { id: first.id } })).state).toBe('queued');
    }));

  it('hands admitted jobs to the cluster as gantry-<id> on the admitted node', () =>
    withRollback(async (ctx) => {
      const { kind, nodes, deps, details } = world(8);
      const { owner } = await setup(ctx, kind, 8);
      const job = (await submitJob({ ctx: as(ctx, owner), input: body(kind, 2) }, deps)) as JobView;
      await admitJobs({ ctx, input: { nodes } });
      const manifests: Workflow[] = [];
      const launched = await launchAdmittedJobs(
        { ctx },
        {
          nodeDetails: async () => details,
          submit: async (m) => (manifests.push(m), { workflowName: m.metadata.name! }),
        },
      );
      expect(launched.submitted).toEqual([job.id]);
      const wf = manifests[0];
      expect(wf.metadata.name).toBe(`gantry-${job.id}`);
      expect(wf.metadata.labels?.['gantry.dev/job-id']).toBe(job.id);
      const train = (wf.spec as WorkflowSpec).templates![0];
      expect(train.nodeSelector).toEqual({ 'kubernetes.io/hostname': nodes[0].name });
      expect(train.tolerations).toEqual([{ key: 'gpu', operator: 'Equal', value: 'true', effect: 'NoSchedule' }]);
      expect(train.container?.resources?.limits?.['nvidia.com/gpu']).toBe('2');
      const view = await getJob({ ctx, input: { id: job.id } });
      expect(view).toMatchObject({ state: 'submitted', workflowName: `gantry-${job.id}` });

      // The workflow's phase moves the job on; a finished job frees its GPUs.
      const phase = (p: string) => ({
        phases: async () => [
          {
            jobId: job.id,
            workflowName: `gantry-${job.id}`,
            phase: p,
            startedAt: null,
            finishedAt: null,
            message: null,
          },
        ],
      });
      expect(await syncJobPhases({ ctx }, phase('Running'))).toBe(1);
      expect(await syncJobPhases({ ctx }, phase('Succeeded'))).toBe(1);
      const done = await getJob({ ctx, input: { id: job.id } });
      expect(done.state).toBe('succeeded');
      expect(done.events.map((e) => e.toState)).toEqual(['queued', 'admitted', 'submitted', 'running', 'succeeded']);
    }));

  it('preempts borrowers for a team within its guarantee, then re-queues them after the grace period', () =>
    withRollback(async (ctx) => {
      const { kind, nodes, deps } = world(4);
      const cohort = `c-${randomUUID().slice(0, 6)}`;
      const lender = await makeTeam(ctx, { cohort });
      const borrower = await makeTeam(ctx, { cohort });
      const lenderUser = await makeUser(ctx, { teamId: lender.id });
      const borrowerUser = await makeUser(ctx, { teamId: borrower.id });
      await upsertQuota({ ctx, input: { team: lender.slug, gpuKind: kind, guaranteed: 4, borrowingLimit: 0 } });
      await upsertQuota({ ctx, input: { team: borrower.slug, gpuKind: kind, guaranteed: 0, borrowingLimit: 4 } });
      const t0 = Date.now();
      const big = (await submitJob({ ctx: as(ctx, borrowerUser), input: body(kind, 4) }, deps)) as JobView;
      expect((await admitJobs({ ctx, input: { nodes, now: t0 } })).admitted).toEqual([big.id]);
      const mine = (await submitJob({ ctx: as(ctx, lenderUser), input: body(kind, 2) }, deps)) as JobView;
      const pass = await admitJobs({ ctx, input: { nodes, now: t0 + 1000 } });
      expect(pass.preempted).toEqual([big.id]);
      expect(await finishPreemptions({ ctx, now: t0 + 1000 + 3600_000 }, { remove: async () => {} })).toEqual([big.id]);
      const requeued = await getJob({ ctx, input: { id: big.id } });
      expect(requeued.state).toBe('queued');
      expect(requeued.events.map((e) => e.cause)).toEqual([
        'SUBMITTED',
        'ADMITTED',
        'PREEMPTION_REQUESTED',
        'PREEMPTED',
        'REQUEUED',
      ]);
      expect((await admitJobs({ ctx, input: { nodes, now: t0 + 3600_000 + 2000 } })).admitted).toContain(mine.id);
    }));
});

// These run on committed data and several connections, as separate web servers and workers would.
describe('under concurrency', () => {
  async function committedWorld(guaranteed: number, borrowingLimit: number, perNode: number, nodeCount: number) {
    const handle = createDb(inject('databaseUrl'), { max: 20 });
    const ctx: Ctx = { db: handle.db, actor: systemActor(), log: logger() };
    const w = world(perNode, nodeCount);
    const { team, owner } = await setup(ctx, w.kind, guaranteed, borrowingLimit);
    const cleanup = async () => {
      await ctx.db.delete(jobs).where(eq(jobs.teamId, team.id));
      await ctx.db.delete(quotas).where(eq(quotas.teamId, team.id));
      await ctx.db.delete(memberships).where(eq(memberships.teamId, team.id));
      await ctx.db.delete(users).where(eq(users.id, owner.id));
      await ctx.db.delete(teams).where(eq(teams.id, team.id));
      await handle.close();
    };
    return { ...w, ctx, team, owner, cleanup };
  }

  it('200 concurrent submissions against a tight quota never admit beyond it', async () => {
    const w = await committedWorld(5, 3, 8, 4);
    try {
      const submitted = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          submitJob({ ctx: as(w.ctx, w.owner), input: body(w.kind, 1 + (i % 3)) }, w.deps),
        ),
      );
      expect(new Set(submitted.map((j) => (j as JobView).id)).size).toBe(200);
      // Two schedulers race, pass after pass, while more submissions arrive.
      for (let round = 0; round < 3; round++) {
        await Promise.all([
          admitJobs({ ctx: w.ctx, input: { nodes: w.nodes } }),
          admitJobs({ ctx: w.ctx, input: { nodes: w.nodes } }),
          submitJob({ ctx: as(w.ctx, w.owner), input: body(w.kind, 1) }, w.deps),
        ]);
      }
      const held = await w.ctx.db.select().from(jobs).where(eq(jobs.teamId, w.team.id));
      const holding = held.filter((j) => j.state === 'admitted');
      const gpus = holding.reduce((s, j) => s + j.gpuCount, 0);
      expect(gpus).toBeGreaterThan(0);
      expect(gpus).toBeLessThanOrEqual(5 + 3);
      expect(held.filter((j) => j.state === 'queued').length).toBe(203 - holding.length);
    } finally {
      await w.cleanup();
    }
  });

  it('two scheduler passes in parallel never admit the same job twice', async () => {
    const w = await committedWorld(64, 0, 8, 8);
    try {
      for (let i = 0; i < 40; i++) await submitJob({ ctx: as(w.ctx, w.owner), input: body(w.kind, 1) }, w.deps);
      const [one, two] = await Promise.all([
        admitJobs({ ctx: w.ctx, input: { nodes: w.nodes } }),
        admitJobs({ ctx: w.ctx, input: { nodes: w.nodes } }),
      ]);
      expect(one.admitted.length + two.admitted.length).toBe(40);
      expect(one.admitted.filter((id) => two.admitted.includes(id))).toEqual([]);
      const ids = (await w.ctx.db.select({ id: jobs.id }).from(jobs).where(eq(jobs.teamId, w.team.id))).map(
        (r) => r.id,
      );
      const admits = await w.ctx.db.select().from(jobEvents).where(inArray(jobEvents.jobId, ids));
      expect(admits.filter((e) => e.toState === 'admitted')).toHaveLength(40);
      // Every node holds no more than its capacity.
      const rows = await w.ctx.db.select().from(jobs).where(eq(jobs.teamId, w.team.id));
      const perNode = new Map<string, number>();
      for (const r of rows)
        for (const p of r.placements ?? []) perNode.set(p.node, (perNode.get(p.node) ?? 0) + p.count);
      for (const n of perNode.values()) expect(n).toBeLessThanOrEqual(8);
    } finally {
      await w.cleanup();
    }
  });
});

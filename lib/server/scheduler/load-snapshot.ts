// Builds the admission policy's Snapshot from PostgreSQL plus the cluster's GPU nodes. Shared by the
// scheduler pass and dryRun, so "will it fit?" and the real pass see the same world.
import { and, inArray, sql } from 'drizzle-orm';
import { jobs, quotas, teams } from '@/lib/db/schema';
import type { GpuNode, QueuedJob, RunningJob, Snapshot } from '@/lib/domain/scheduler';
import { DEFAULT_OPTIONS } from '@/lib/domain/scheduler';
import type { Ctx } from '../context';

/** States in which a job holds (or is about to hold) GPUs. */
export const HOLDING_STATES = ['admitted', 'submitted', 'running'] as const;

interface QueuedRow extends Record<string, unknown> {
  id: string;
  team_id: string;
  user_id: string;
  priority: QueuedJob['priority'];
  gpu_kind: string;
  gpu_count: number;
  single_node: boolean;
  expected_runtime_seconds: number;
  max_runtime_seconds: number;
  submitted_ms: number;
  queued_ms: number;
}

/** A node as the cluster reports it: GPUs per kind, `free` already net of pods Gantry did not start. */
type ClusterGpuNode = GpuNode;

export async function loadSnapshot(ctx: Ctx, nodes: ClusterGpuNode[], now: number): Promise<Snapshot> {
  const teamRows = await ctx.db.select({ id: teams.id, slug: teams.slug, cohort: teams.cohort }).from(teams);
  const slugOf = new Map(teamRows.map((t) => [t.id, t.slug]));

  // The whole queue is read every second, so this is one raw statement with times as epoch ms:
  // Drizzle's per-field row mapping was most of the worker's CPU with 10,000 queued jobs.
  // date_part, not extract: extract answers numeric, and numeric arithmetic on two timestamps a row
  // was two thirds of PostgreSQL's time for this statement (40 ms of 60 at 30,000 queued) during a
  // burst of submissions. float8 epoch seconds keep sub-microsecond steps, so the order is the same.
  const queuedRows = await ctx.db.execute<QueuedRow>(sql`
    select id::text as id, team_id, user_id, priority, gpu_kind, gpu_count, single_node,
      expected_runtime_seconds, max_runtime_seconds,
      date_part('epoch', submitted_at) * 1000 as submitted_ms, date_part('epoch', queued_at) * 1000 as queued_ms
    from ${jobs} where ${jobs.state} = 'queued'`);
  const queued: QueuedJob[] = Array.from(queuedRows, (j) => ({
    id: j.id,
    team: slugOf.get(j.team_id) ?? j.team_id,
    user: j.user_id,
    priority: j.priority,
    gpu: { kind: j.gpu_kind, count: j.gpu_count },
    singleNode: j.single_node,
    expectedRuntimeSeconds: j.expected_runtime_seconds,
    maxRuntimeSeconds: j.max_runtime_seconds,
    submittedAt: j.submitted_ms,
    queuedAt: j.queued_ms,
  }));

  const holdingRows = await ctx.db
    .select()
    .from(jobs)
    .where(inArray(jobs.state, [...HOLDING_STATES]));
  const running: RunningJob[] = holdingRows
    .filter((j) => j.placements && j.placements.length > 0)
    .map((j) => {
      const startedAt = (j.admittedAt ?? j.queuedAt).getTime();
      return {
        id: String(j.id),
        team: slugOf.get(j.teamId) ?? j.teamId,
        user: j.userId,
        priority: j.priority,
        gpu: { kind: j.gpuKind, count: j.gpuCount },
        placements: j.placements!,
        startedAt,
        expectedEndAt: startedAt + j.expectedRuntimeSeconds * 1000,
        maxRuntimeSeconds: j.maxRuntimeSeconds,
        borrowed: j.borrowed,
        ...(j.preemptDeadline
          ? { preemption: { graceDeadline: j.preemptDeadline.getTime(), forJobId: String(j.preemptedFor ?? '0') } }
          : {}),
      };
    });

  // The cluster's free count cannot see admitted jobs whose pods do not exist yet, so free GPUs are
  // recomputed here from what Gantry's own jobs hold per node.
  const held = new Map<string, number>();
  for (const r of running)
    for (const p of r.placements)
      held.set(`${p.node}\u0000${r.gpu.kind}`, (held.get(`${p.node}\u0000${r.gpu.kind}`) ?? 0) + p.count);
  const netNodes: GpuNode[] = nodes.map((n) => ({
    ...n,
    gpus: Object.fromEntries(
      Object.entries(n.gpus).map(([kind, g]) => [
        kind,
        { capacity: g.capacity, free: Math.max(0, g.free - (held.get(`${n.name}\u0000${kind}`) ?? 0)) },
      ]),
    ),
  }));

  const quotaRows = await ctx.db.select().from(quotas);
  const used = await loadWeeklyUse(ctx, now);
  const usage = await loadRecentUsage(ctx, now);
  // Built typed, not parsed with the Snapshot schema: the nodes come from the GPU inventory, which
  // parses the cluster's Node objects, and every other value from columns that the verbs writing
  // them validate (submitJob, setJobPriority, upsertQuota). With 10,000 queued jobs, parsing took
  // 5 ms and a pass that does not explain (the worker's usual pass, 11-12 ms) twice as long with it.
  return {
    now,
    queued,
    running,
    nodes: netNodes,
    quotas: quotaRows.map((q) => ({
      team: slugOf.get(q.teamId) ?? q.teamId,
      gpuKind: q.gpuKind,
      guaranteed: q.guaranteed,
      borrowingLimit: q.borrowingLimit,
      weeklyGpuHours: q.weeklyGpuHours,
      usedGpuHoursThisWeek: used.get(`${q.teamId}\u0000${q.gpuKind}`) ?? 0,
    })),
    teams: teamRows.map((t) => ({ name: t.slug, cohort: t.cohort ?? t.slug, weight: 1 })),
    usage: usage.map((u) => ({
      team: slugOf.get(u.teamId) ?? u.teamId,
      gpuKind: u.gpuKind,
      gpuHours: Math.max(0, u.gpuHours),
      asOf: now,
    })),
  };
}

/**
 * Fair-share history: GPU-hours of jobs that ended in the last four weeks, each decayed from its
 * end to now with the policy's half-life (jobs still holding GPUs count as held, not as history).
 */
async function loadRecentUsage(ctx: Ctx, now: number) {
  const at = new Date(now).toISOString();
  const halfLife = DEFAULT_OPTIONS.usageHalfLifeSeconds;
  return ctx.db
    .select({
      teamId: jobs.teamId,
      gpuKind: jobs.gpuKind,
      gpuHours:
        sql<number>`sum(${jobs.gpuCount} * extract(epoch from (${jobs.finishedAt} - ${jobs.admittedAt})) / 3600.0 * power(0.5, greatest(0, extract(epoch from (${at}::timestamptz - ${jobs.finishedAt}))) / ${halfLife}))`.mapWith(
          Number,
        ),
    })
    .from(jobs)
    .where(
      and(
        inArray(jobs.state, ['succeeded', 'failed', 'cancelled']),
        sql`${jobs.admittedAt} is not null and ${jobs.finishedAt} > ${at}::timestamptz - interval '28 days'`,
      ),
    )
    .groupBy(jobs.teamId, jobs.gpuKind);
}

/**
 * GPU-hours per team and kind since Monday 00:00 UTC: the held time of every job admitted this
 * week (or still holding), plus earlier attempts of jobs that re-queued this week.
 */
export async function loadWeeklyUse(ctx: Ctx, now: number, teamIds?: string[]): Promise<Map<string, number>> {
  const at = new Date(now).toISOString();
  const week = sql`date_trunc('week', ${at}::timestamptz at time zone 'UTC') at time zone 'UTC'`;
  const rows = await ctx.db
    .select({
      teamId: jobs.teamId,
      gpuKind: jobs.gpuKind,
      hours:
        sql<number>`coalesce(sum(${jobs.gpuCount} * extract(epoch from (least(coalesce(${jobs.finishedAt}, ${at}::timestamptz), ${at}::timestamptz) - greatest(${jobs.admittedAt}, ${week}))) / 3600.0) filter (where ${jobs.admittedAt} is not null and coalesce(${jobs.finishedAt}, ${at}::timestamptz) > ${week}), 0) + coalesce(sum(${jobs.pastGpuHours}) filter (where ${jobs.queuedAt} >= ${week}), 0)`.mapWith(
          Number,
        ),
    })
    .from(jobs)
    // Only rows that can add hours: a job never admitted and without earlier attempts adds 0, and
    // those are the whole queue, read again every pass.
    .where(
      and(
        teamIds ? inArray(jobs.teamId, teamIds) : undefined,
        sql`(${jobs.admittedAt} is not null or ${jobs.pastGpuHours} <> 0)`,
      ),
    )
    .groupBy(jobs.teamId, jobs.gpuKind);
  return new Map(rows.map((r) => [`${r.teamId}\u0000${r.gpuKind}`, Math.max(0, r.hours)]));
}

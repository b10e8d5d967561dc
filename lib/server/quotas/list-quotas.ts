import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import { jobs, quotas, teams } from '@/lib/db/schema';
import { requireRole, type Ctx } from '../context';
import { HOLDING_STATES, loadWeeklyUse } from '../scheduler/load-snapshot';
import { selectActorTeamIds } from '../teams/team-ids';
import { parseInput } from '../validate';

export interface QuotaView {
  team: string;
  gpuKind: string;
  guaranteed: number;
  borrowingLimit: number;
  weeklyGpuHours: number | null;
  /** GPUs the team's jobs hold now (admitted, submitted or running). */
  inUse: number;
  /** GPUs held beyond the guarantee: borrowed from the cohort or spare capacity, preemptible. */
  borrowed: number;
  /** GPUs asked for by the team's waiting jobs. */
  queued: number;
  usedGpuHoursThisWeek: number;
  remainingGpuHours: number | null;
  updatedAt: string;
}

const ListQuotasInput = z.object({ scope: z.enum(['mine', 'all']).default('mine') });

/** Quotas with current use. Everyone sees their own teams'; admins may ask for all. */
export async function listQuotas({ ctx, input }: { ctx: Ctx; input?: unknown }): Promise<QuotaView[]> {
  requireRole(ctx, 'viewer');
  const { scope } = parseInput(ListQuotasInput, input ?? {});
  if (scope === 'all') requireRole(ctx, 'admin');
  const teamFilter = scope === 'all' ? undefined : inArray(quotas.teamId, selectActorTeamIds(ctx));
  const rows = await ctx.db
    .select({ q: quotas, team: teams.slug })
    .from(quotas)
    .innerJoin(teams, eq(teams.id, quotas.teamId))
    .where(teamFilter)
    .orderBy(asc(teams.slug), asc(quotas.gpuKind));
  if (rows.length === 0) return [];
  const teamIds = [...new Set(rows.map((r) => r.q.teamId))];
  const use = await ctx.db
    .select({
      teamId: jobs.teamId,
      gpuKind: jobs.gpuKind,
      inUse:
        sql<number>`coalesce(sum(${jobs.gpuCount}) filter (where ${jobs.state} in ('admitted','submitted','running')), 0)`.mapWith(
          Number,
        ),
      queued: sql<number>`coalesce(sum(${jobs.gpuCount}) filter (where ${jobs.state} = 'queued'), 0)`.mapWith(Number),
    })
    .from(jobs)
    .where(and(inArray(jobs.teamId, teamIds), inArray(jobs.state, ['queued', ...HOLDING_STATES])))
    .groupBy(jobs.teamId, jobs.gpuKind);
  const useOf = new Map(use.map((u) => [`${u.teamId}\u0000${u.gpuKind}`, u]));
  const weekly = await loadWeeklyUse(ctx, Date.now(), teamIds);
  return rows.map(({ q, team }) => {
    const key = `${q.teamId}\u0000${q.gpuKind}`;
    const inUse = useOf.get(key)?.inUse ?? 0;
    const used = Math.round((weekly.get(key) ?? 0) * 100) / 100;
    return {
      team,
      gpuKind: q.gpuKind,
      guaranteed: q.guaranteed,
      borrowingLimit: q.borrowingLimit,
      weeklyGpuHours: q.weeklyGpuHours,
      inUse,
      borrowed: Math.max(0, inUse - q.guaranteed),
      queued: useOf.get(key)?.queued ?? 0,
      usedGpuHoursThisWeek: used,
      remainingGpuHours:
        q.weeklyGpuHours === null ? null : Math.max(0, Math.round((q.weeklyGpuHours - used) * 100) / 100),
      updatedAt: q.updatedAt.toISOString(),
    };
  });
}

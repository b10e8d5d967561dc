import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { quotas, teams } from '@/lib/db/schema';
import { GpuKindId } from '@/lib/domain/terms';
import { recordAudit } from '../audit/record-audit';
import { inTransaction, requireRole, type Ctx } from '../context';
import { invalid } from '../errors';
import { parseInput } from '../validate';
import { reconcileTeamAfterChange } from '../tenancy/reconcile-team-namespaces';
import { listQuotas, type QuotaView } from './list-quotas';

const UpsertQuotaInput = z.object({
  team: z.string().trim().min(1, 'Name a team'),
  gpuKind: GpuKindId,
  guaranteed: z
    .number({ error: 'expected a whole number of GPUs' })
    .int('expected a whole number of GPUs')
    .min(0)
    .max(100_000),
  borrowingLimit: z
    .number({ error: 'expected a whole number of GPUs' })
    .int('expected a whole number of GPUs')
    .min(0)
    .max(100_000)
    .default(0),
  weeklyGpuHours: z.number({ error: 'expected GPU-hours' }).min(0).max(10_000_000).nullable().default(null),
});
type UpsertQuotaInput = z.infer<typeof UpsertQuotaInput>;

/** Admins set a team's quota for one GPU kind (create or replace); an audit row records before and after. */
export async function upsertQuota({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<QuotaView> {
  requireRole(ctx, 'admin');
  const data = parseInput(UpsertQuotaInput, input);
  const view = await inTransaction(ctx, async (tx) => {
    const [team] = await tx.db.select({ id: teams.id }).from(teams).where(eq(teams.slug, data.team));
    if (!team)
      throw invalid('The request has invalid fields', [{ field: 'team', message: `No team named ${data.team}` }]);
    const [before] = await tx.db
      .select()
      .from(quotas)
      .where(and(eq(quotas.teamId, team.id), eq(quotas.gpuKind, data.gpuKind)));
    const values = {
      guaranteed: data.guaranteed,
      borrowingLimit: data.borrowingLimit,
      weeklyGpuHours: data.weeklyGpuHours,
      updatedAt: new Date(),
      updatedBy: ctx.actor.via === 'system' ? null : ctx.actor.id,
    };
    await tx.db
      .insert(quotas)
      .values({ teamId: team.id, gpuKind: data.gpuKind, ...values })
      .onConflictDoUpdate({ target: [quotas.teamId, quotas.gpuKind], set: values });
    await recordAudit(tx, 'quota.upsert', `quota:${data.team}/${data.gpuKind}`, {
      before: before
        ? {
            guaranteed: before.guaranteed,
            borrowingLimit: before.borrowingLimit,
            weeklyGpuHours: before.weeklyGpuHours,
          }
        : null,
      after: { guaranteed: data.guaranteed, borrowingLimit: data.borrowingLimit, weeklyGpuHours: data.weeklyGpuHours },
    });
    const all = await listQuotas({ ctx: tx, input: { scope: 'all' } });
    return all.find((q) => q.team === data.team && q.gpuKind === data.gpuKind)!;
  });
  // The namespace's ResourceQuota follows at once, so the cluster admits what Gantry now may.
  await reconcileTeamAfterChange(ctx, data.team);
  return view;
}

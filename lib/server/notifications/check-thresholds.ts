// The events no state change writes: a job waiting past its owner's threshold, and a team's weekly
// GPU-hours reaching 80 % and 100 % of its budget. Each is recorded once (its dedupe key), so the
// check can run every pass.
import { eq, isNotNull, sql } from 'drizzle-orm';
import { quotas, teams } from '@/lib/db/schema';
import { rows } from '@/lib/db/driver-row';
import { budgetThreshold } from '@/lib/domain/notifications/recipients';
import { inTransaction, type Ctx } from '../context';
import { loadWeeklyUse } from '../scheduler/load-snapshot';
import { recordEvent } from './record-event';

export async function checkThresholds(ctx: Ctx, now = new Date()): Promise<{ waiting: number; budget: number }> {
  return inTransaction(ctx, async (tx) => ({
    waiting: await checkWaiting(tx, now),
    budget: await checkBudgets(tx, now),
  }));
}

async function checkWaiting(ctx: Ctx, now: Date): Promise<number> {
  const due = await rows<{
    id: string;
    name: string;
    message: string | null;
    reason: string | null;
    eta: Date | null;
    queued_epoch: string;
    minutes: number;
  }>(
    ctx.db,
    sql`select j.id, j.name, j.message, j.reason, j.eta, extract(epoch from j.queued_at)::bigint::text as queued_epoch, p.waiting_minutes as minutes
        from jobs j join notification_preferences p on p.user_id = j.user_id
        where j.state = 'queued' and p.waiting_minutes is not null
          and j.queued_at < ${now.toISOString()}::timestamptz - p.waiting_minutes * interval '1 minute'
          and not exists (select 1 from notification_outbox o where o.dedupe_key = 'job.waiting:' || j.id || ':' || extract(epoch from j.queued_at)::bigint)
        order by j.queued_at limit 1000`,
  );
  let recorded = 0;
  for (const j of due) {
    const eta = j.eta ? new Date(j.eta).toISOString() : null;
    const ok = await recordEvent(ctx.db, {
      event: 'job.waiting',
      message:
        `Job ${j.name} has waited over ${j.minutes} minutes. ${j.message ?? ''}${eta ? ` Expected start: ${eta}.` : ''}`.trim(),
      path: `/jobs/${j.id}`,
      jobId: Number(j.id),
      details: { waiting: { reason: j.message ?? j.reason, eta, minutes: j.minutes } },
      dedupeKey: `job.waiting:${j.id}:${j.queued_epoch}`,
      at: now,
    });
    if (ok) recorded += 1;
  }
  return recorded;
}

async function checkBudgets(ctx: Ctx, now: Date): Promise<number> {
  const budgets = await ctx.db
    .select({ teamId: quotas.teamId, team: teams.slug, gpuKind: quotas.gpuKind, weekly: quotas.weeklyGpuHours })
    .from(quotas)
    .innerJoin(teams, eq(teams.id, quotas.teamId))
    .where(isNotNull(quotas.weeklyGpuHours));
  if (!budgets.length) return 0;
  const used = await loadWeeklyUse(ctx, now.getTime(), [...new Set(budgets.map((b) => b.teamId))]);
  const week = weekStart(now);
  let recorded = 0;
  for (const b of budgets) {
    const hours = used.get(`${b.teamId}\u0000${b.gpuKind}`) ?? 0;
    const threshold = budgetThreshold(hours, b.weekly!);
    if (threshold === null) continue;
    const percent = Math.round((hours / b.weekly!) * 100);
    const ok = await recordEvent(ctx.db, {
      event: 'quota.budget',
      message: `Team ${b.team} reached ${threshold} % of its weekly GPU-hours on ${b.gpuKind}: ${hours.toFixed(1)} of ${b.weekly} used (${percent} %)${threshold >= 100 ? ': new jobs of this kind wait until the budget resets on Monday.' : '.'}`,
      path: '/queue',
      teamId: b.teamId,
      details: {
        budget: {
          team: b.team,
          gpuKind: b.gpuKind,
          percent,
          usedGpuHours: Math.round(hours * 100) / 100,
          weeklyGpuHours: b.weekly!,
        },
      },
      dedupeKey: `quota.budget:${b.teamId}:${b.gpuKind}:${week}:${threshold}`,
      at: now,
    });
    if (ok) recorded += 1;
  }
  return recorded;
}

/** Monday 00:00 UTC of the week, as the weekly budget counts it (load-snapshot.ts). */
function weekStart(now: Date): string {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  return d.toISOString().slice(0, 10);
}

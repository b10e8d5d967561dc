import { asc } from 'drizzle-orm';
import { teams } from '@/lib/db/schema';
import { hasRole, requireRole, type Ctx } from '../context';
import { listActorTeams } from '../jobs/job-teams';

/** Teams whose GPU charts the actor may open: every team for an admin, otherwise the actor's own. */
export async function listChartTeams({ ctx }: { ctx: Ctx }): Promise<string[]> {
  requireRole(ctx, 'viewer');
  if (hasRole(ctx.actor, 'admin'))
    return (await ctx.db.select({ slug: teams.slug }).from(teams).orderBy(asc(teams.slug))).map((t) => t.slug);
  return (await listActorTeams(ctx)).map((t) => t.slug);
}

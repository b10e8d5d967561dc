import { asc, count, eq } from 'drizzle-orm';
import { memberships, teams } from '@/lib/db/schema';
import { requireRole, type Ctx } from '../context';

export interface TeamView {
  id: string;
  slug: string;
  name: string;
  cohort: string | null;
  members: number;
}

/** Team names and sizes are not private: everyone signed in sees them (quotas reference them). */
export async function listTeams({ ctx }: { ctx: Ctx }): Promise<TeamView[]> {
  requireRole(ctx, 'viewer');
  const rows = await ctx.db
    .select({
      id: teams.id,
      slug: teams.slug,
      name: teams.name,
      cohort: teams.cohort,
      members: count(memberships.userId),
    })
    .from(teams)
    .leftJoin(memberships, eq(memberships.teamId, teams.id))
    .groupBy(teams.id)
    .orderBy(asc(teams.slug));
  return rows;
}

// Team ids as the verbs look them up: by slug from a route, or the actor's own for visibility.
import { eq } from 'drizzle-orm';
import { memberships, teams } from '@/lib/db/schema';
import type { Ctx } from '../context';
import { notFound } from '../errors';

/** The id of the team with this slug; NOT_FOUND when there is none. */
export async function getTeamId(ctx: Ctx, slug: string): Promise<string> {
  const [team] = await ctx.db.select({ id: teams.id }).from(teams).where(eq(teams.slug, slug));
  if (!team) throw notFound('Team');
  return team.id;
}

/** The ids of the actor's teams, as a subquery: `inArray(table.teamId, selectActorTeamIds(ctx))`. */
export function selectActorTeamIds(ctx: Ctx) {
  return ctx.db.select({ id: memberships.teamId }).from(memberships).where(eq(memberships.userId, ctx.actor.id));
}

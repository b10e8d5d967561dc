import { and, asc, eq } from 'drizzle-orm';
import { memberships, teams } from '@/lib/db/schema';
import type { Ctx } from '../context';
import { AppError, invalid } from '../errors';

export async function listActorTeams(ctx: Ctx): Promise<Array<{ id: string; slug: string }>> {
  return ctx.db
    .select({ id: teams.id, slug: teams.slug })
    .from(memberships)
    .innerJoin(teams, eq(teams.id, memberships.teamId))
    .where(eq(memberships.userId, ctx.actor.id))
    .orderBy(asc(teams.slug));
}

/** The team a job is submitted for: the one named (it must be the submitter's, unless admin), else theirs. */
export async function resolveSubmitTeam(ctx: Ctx, slug: string | undefined): Promise<{ id: string; slug: string }> {
  const mine = await listActorTeams(ctx);
  if (slug) {
    const own = mine.find((t) => t.slug === slug);
    if (own) return own;
    if (ctx.actor.role === 'admin') {
      const [any] = await ctx.db
        .select({ id: teams.id, slug: teams.slug })
        .from(teams)
        .where(and(eq(teams.slug, slug)));
      if (any) return any;
      throw invalid('The request has invalid fields', [{ field: 'team', message: `No team named ${slug}` }]);
    }
    // Team names are public; submitting for one you are not in is a permission problem, not bad input.
    throw new AppError('FORBIDDEN', `You are not in team ${slug}`, [
      {
        field: 'team',
        message: mine.length
          ? `You are not in team ${slug}; yours: ${mine.map((t) => t.slug).join(', ')}`
          : `You are not in team ${slug}`,
      },
    ]);
  }
  if (mine.length === 0)
    throw new AppError('FORBIDDEN', 'You are in no team; ask an admin to add you to one', [
      { field: 'team', message: 'You are in no team' },
    ]);
  return mine[0];
}

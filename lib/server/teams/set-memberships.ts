import { and, eq, inArray, notInArray } from 'drizzle-orm';
import { memberships, teams } from '@/lib/db/schema';
import type { Ctx } from '../context';
import { invalid } from '../errors';

/**
 * Replaces a user's team list by slugs; unknown slugs are rejected, naming them. Memberships that
 * stay keep their source, so one the identity provider's groups set is still the provider's to remove.
 */
export async function setMemberships(ctx: Ctx, userId: string, slugs: string[]): Promise<void> {
  const unique = [...new Set(slugs)];
  const found = unique.length
    ? await ctx.db.select({ id: teams.id, slug: teams.slug }).from(teams).where(inArray(teams.slug, unique))
    : [];
  const missing = unique.filter((s) => !found.some((t) => t.slug === s));
  if (missing.length) {
    throw invalid('Unknown team', [{ field: 'teams', message: `No team named ${missing.join(', ')}` }]);
  }
  const keep = found.map((t) => t.id);
  await ctx.db
    .delete(memberships)
    .where(
      keep.length
        ? and(eq(memberships.userId, userId), notInArray(memberships.teamId, keep))
        : eq(memberships.userId, userId),
    );
  if (found.length) {
    await ctx.db
      .insert(memberships)
      .values(found.map((t) => ({ userId, teamId: t.id })))
      .onConflictDoNothing();
  }
}

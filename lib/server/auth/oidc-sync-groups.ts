import { and, eq, inArray } from 'drizzle-orm';
import type { GroupAccess } from '@/lib/domain/oidc-groups';
import { memberships, teams, users } from '@/lib/db/schema';
import { recordAudit } from '../audit/record-audit';
import type { Ctx } from '../context';
import { hasOtherActiveAdmin, lockAdminChanges } from '../users/last-admin';

/**
 * Applies what the provider's groups say at sign-in: the role, and the memberships marked 'oidc'
 * (replaced as a whole, so leaving a group removes the team). Manual memberships stay; a team that
 * is both stays manual. Mapped teams that do not exist are skipped with a warning rather than
 * refusing the sign-in, since a typo in OIDC_GROUP_MAP should not lock people out.
 */
export async function syncOidcGroups(
  ctx: Ctx,
  userId: string,
  email: string,
  access: GroupAccess & { role: NonNullable<GroupAccess['role']> },
) {
  const found = access.teams.length
    ? await ctx.db.select({ id: teams.id, slug: teams.slug }).from(teams).where(inArray(teams.slug, access.teams))
    : [];
  const missing = access.teams.filter((slug) => !found.some((t) => t.slug === slug));
  if (missing.length)
    ctx.log.warn({ event: 'oidc.group-map', missingTeams: missing }, 'OIDC_GROUP_MAP names teams that do not exist');

  const current = await ctx.db
    .select({ teamId: memberships.teamId, source: memberships.source, slug: teams.slug })
    .from(memberships)
    .innerJoin(teams, eq(teams.id, memberships.teamId))
    .where(eq(memberships.userId, userId));
  const wanted = new Set(found.map((t) => t.id));
  const removed = current.filter((m) => m.source === 'oidc' && !wanted.has(m.teamId));
  const added = found.filter((t) => !current.some((m) => m.teamId === t.id));
  if (removed.length) {
    await ctx.db.delete(memberships).where(
      and(
        eq(memberships.userId, userId),
        inArray(
          memberships.teamId,
          removed.map((m) => m.teamId),
        ),
      ),
    );
  }
  if (added.length)
    await ctx.db.insert(memberships).values(added.map((t) => ({ userId, teamId: t.id, source: 'oidc' })));

  const [before] = await ctx.db.select({ role: users.role }).from(users).where(eq(users.id, userId));
  let role = access.role;
  const demotes = before.role === 'admin' && role !== 'admin';
  if (demotes) await lockAdminChanges(ctx);
  // The provider's groups must not leave Gantry without an admin (a group renamed at the provider
  // would otherwise demote everyone): the last active admin stays one, and the log says why.
  if (demotes && !(await hasOtherActiveAdmin(ctx, userId))) {
    ctx.log.warn(
      { event: 'oidc.group-map', user: email },
      'groups would demote the last active admin; keeping the admin role',
    );
    role = 'admin';
  }
  const roleChanged = before.role !== role;
  if (roleChanged) await ctx.db.update(users).set({ role }).where(eq(users.id, userId));
  if (roleChanged || added.length || removed.length) {
    await recordAudit(ctx, 'user.oidc-groups', `user:${email}`, {
      role,
      previousRole: before.role,
      addedTeams: added.map((t) => t.slug),
      removedTeams: removed.map((m) => m.slug),
    });
  }
}

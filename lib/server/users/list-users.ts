import { asc, eq, inArray } from 'drizzle-orm';
import { memberships, teams, users } from '@/lib/db/schema';
import { requireRole, type Ctx } from '../context';
import type { UserView } from './user-view';

export async function listUsers({ ctx }: { ctx: Ctx }): Promise<UserView[]> {
  requireRole(ctx, 'admin');
  return loadUsers(ctx);
}

export async function loadUsers(ctx: Ctx, ids?: string[]): Promise<UserView[]> {
  const rows = await ctx.db
    .select()
    .from(users)
    .where(ids ? inArray(users.id, ids) : undefined)
    .orderBy(asc(users.email));
  const links = await ctx.db
    .select({ userId: memberships.userId, slug: teams.slug, name: teams.name, source: memberships.source })
    .from(memberships)
    .innerJoin(teams, eq(teams.id, memberships.teamId))
    .where(ids ? inArray(memberships.userId, ids) : undefined)
    .orderBy(asc(teams.slug));
  return rows.map((u) => ({
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
    teams: links
      .filter((l) => l.userId === u.id)
      .map(({ slug, name, source }) => ({
        slug,
        name,
        source: source === 'oidc' ? ('oidc' as const) : ('manual' as const),
      })),
    createdAt: u.createdAt.toISOString(),
    disabled: u.disabledAt !== null,
  }));
}

import { asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { userIdentities, users } from '@/lib/db/schema';
import { requireRole, type Ctx } from '../context';
import { notFound } from '../errors';
import { parseInput } from '../validate';
import type { UserIdentityView } from './user-identity-view';

const ListUserIdentitiesInput = z.object({ userId: z.string().uuid('Not a user id') });

export async function listUserIdentities({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<UserIdentityView[]> {
  requireRole(ctx, 'admin');
  const { userId } = parseInput(ListUserIdentitiesInput, input);
  const [user] = await ctx.db.select({ id: users.id }).from(users).where(eq(users.id, userId));
  if (!user) throw notFound('User');
  const rows = await ctx.db
    .select()
    .from(userIdentities)
    .where(eq(userIdentities.userId, userId))
    .orderBy(asc(userIdentities.issuer), asc(userIdentities.subject));
  return rows.map((r) => ({
    issuer: r.issuer,
    subject: r.subject,
    email: r.email,
    createdAt: r.createdAt.toISOString(),
    lastSignInAt: r.lastSignInAt?.toISOString() ?? null,
  }));
}

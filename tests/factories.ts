// Test data factories: each call makes a distinct row with sensible defaults.
import { randomUUID } from 'node:crypto';
import { memberships, teams, users } from '@/lib/db/schema';
import { hashPassword } from '@/lib/server/auth/passwords';
import type { Actor, Ctx, Role } from '@/lib/server/context';

let cachedHash: Promise<string> | undefined;
export const FACTORY_PASSWORD = 'factory-password';

export async function makeUser(
  ctx: Ctx,
  opts: { role?: Role; email?: string; teamId?: string; disabled?: boolean } = {},
): Promise<Actor> {
  cachedHash ??= hashPassword(FACTORY_PASSWORD);
  const email = opts.email ?? `user-${randomUUID().slice(0, 8)}@test.local`;
  const [row] = await ctx.db
    .insert(users)
    .values({
      email,
      name: email.split('@')[0],
      role: opts.role ?? 'researcher',
      passwordHash: await cachedHash,
      disabledAt: opts.disabled ? new Date() : null,
    })
    .returning();
  if (opts.teamId) await ctx.db.insert(memberships).values({ userId: row.id, teamId: opts.teamId });
  return { id: row.id, email: row.email, name: row.name, role: row.role, via: 'session' };
}

export async function makeTeam(ctx: Ctx, opts: { slug?: string; cohort?: string } = {}) {
  const slug = opts.slug ?? `team-${randomUUID().slice(0, 8)}`;
  const [row] = await ctx.db
    .insert(teams)
    .values({ slug, name: slug, cohort: opts.cohort ?? null })
    .returning();
  return row;
}

import { and, count, eq, isNull, ne } from 'drizzle-orm';
import { z } from 'zod';
import { users } from '@/lib/db/schema';
import { hashPassword } from '../auth/passwords';
import { recordAudit } from '../audit/record-audit';
import { inTransaction, requireRole, type Ctx } from '../context';
import { conflict, notFound } from '../errors';
import { setMemberships } from '../teams/set-memberships';
import { parseInput } from '../validate';
import { loadUsers } from './list-users';
import type { UserView } from './user-view';

export const UpdateUserInput = z.object({
  id: z.string().uuid('Not a user id'),
  name: z.string().trim().min(1).max(120).optional(),
  role: z.enum(['admin', 'researcher', 'viewer']).optional(),
  disabled: z.boolean().optional(),
  password: z.string().min(8, 'At least 8 characters').max(200).optional(),
  teams: z.array(z.string().min(1)).optional(),
});
export type UpdateUserInput = z.infer<typeof UpdateUserInput>;

export async function updateUser({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<UserView> {
  requireRole(ctx, 'admin');
  const data = parseInput(UpdateUserInput, input);
  const passwordHash = data.password ? await hashPassword(data.password) : undefined;
  return inTransaction(ctx, async (tx) => {
    const [before] = await tx.db.select().from(users).where(eq(users.id, data.id)).for('update');
    if (!before) throw notFound('User');
    const losesAdmin = before.role === 'admin' && ((data.role && data.role !== 'admin') || data.disabled === true);
    if (losesAdmin) {
      // Gantry must always keep one admin who can sign in, or nobody could repair quotas and roles.
      const [{ n }] = await tx.db
        .select({ n: count() })
        .from(users)
        .where(and(eq(users.role, 'admin'), isNull(users.disabledAt), ne(users.id, data.id)));
      if (n === 0) throw conflict('This is the last active admin', [{ field: 'role', message: 'Keep at least one admin' }]);
    }
    await tx.db
      .update(users)
      .set({
        name: data.name,
        role: data.role,
        passwordHash,
        disabledAt: data.disabled === undefined ? undefined : data.disabled ? (before.disabledAt ?? new Date()) : null,
      })
      .where(eq(users.id, data.id));
    if (data.teams) await setMemberships(tx, data.id, data.teams);
    const { password: _omit, ...logged } = data;
    await recordAudit(tx, 'user.update', `user:${before.email}`, { ...logged, passwordChanged: Boolean(passwordHash) });
    const [view] = await loadUsers(tx, [data.id]);
    return view;
  });
}

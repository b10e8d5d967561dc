import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { users } from '@/lib/db/schema';
import { NewPassword, hashPassword } from '../auth/passwords';
import { recordAudit } from '../audit/record-audit';
import { inTransaction, requireRole, type Ctx } from '../context';
import { conflict, notFound } from '../errors';
import { setMemberships } from '../teams/set-memberships';
import { parseInput } from '../validate';
import { hasOtherActiveAdmin, lockAdminChanges } from './last-admin';
import { loadUsers } from './list-users';
import type { UserView } from './user-view';

const CHANGES = ['name', 'role', 'disabled', 'password', 'teams'] as const;

const UpdateUserInput = z
  .object({
    id: z.string().uuid('Not a user id'),
    name: z.string().trim().min(1).max(120).optional(),
    role: z.enum(['admin', 'researcher', 'viewer']).optional(),
    disabled: z.boolean().optional(),
    password: NewPassword.optional(),
    teams: z.array(z.string().min(1)).optional(),
  })
  .refine((d) => CHANGES.some((k) => d[k] !== undefined), {
    message: `Nothing to change: send at least one of ${CHANGES.join(', ')}`,
    path: ['(body)'],
  });
type UpdateUserInput = z.infer<typeof UpdateUserInput>;

export async function updateUser({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<UserView> {
  requireRole(ctx, 'admin');
  const data = parseInput(UpdateUserInput, input);
  const passwordHash = data.password ? await hashPassword(data.password) : undefined;
  return inTransaction(ctx, async (tx) => {
    const mayRemoveAdmin = (data.role !== undefined && data.role !== 'admin') || data.disabled === true;
    // Taken before any read, so the count below sees every demotion committed before ours.
    if (mayRemoveAdmin) await lockAdminChanges(tx);
    const [before] = await tx.db.select().from(users).where(eq(users.id, data.id)).for('update');
    if (!before) throw notFound('User');
    const losesAdmin = before.role === 'admin' && before.disabledAt === null && mayRemoveAdmin;
    if (losesAdmin) {
      // Gantry must always keep one admin who can sign in, or nobody could repair quotas and roles.
      if (!(await hasOtherActiveAdmin(tx, data.id))) {
        const field = data.disabled === true ? 'disabled' : 'role';
        throw conflict('This is the last active admin: make another user an admin first', [
          { field, message: 'Keep at least one active admin' },
        ]);
      }
    }
    // Sessions are JWTs: a new password, another role or disabling must end the ones issued before.
    const endsSessions =
      passwordHash !== undefined ||
      (data.role !== undefined && data.role !== before.role) ||
      (data.disabled === true && before.disabledAt === null);
    const changes = {
      name: data.name,
      role: data.role,
      passwordHash,
      disabledAt: data.disabled === undefined ? undefined : data.disabled ? (before.disabledAt ?? new Date()) : null,
      sessionVersion: endsSessions ? sql`${users.sessionVersion} + 1` : undefined,
    };
    if (Object.values(changes).some((v) => v !== undefined))
      await tx.db.update(users).set(changes).where(eq(users.id, data.id));
    if (data.teams) await setMemberships(tx, data.id, data.teams);
    const { password: _omit, ...logged } = data;
    await recordAudit(tx, 'user.update', `user:${before.email}`, {
      ...logged,
      passwordChanged: Boolean(passwordHash),
      sessionsEnded: endsSessions,
    });
    const [view] = await loadUsers(tx, [data.id]);
    return view;
  });
}

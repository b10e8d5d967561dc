import { z } from 'zod';
import { users } from '@/lib/db/schema';
import { NewPassword, hashPassword } from '../auth/passwords';
import { recordAudit } from '../audit/record-audit';
import { inTransaction, requireRole, type Ctx } from '../context';
import { conflict } from '../errors';
import { setMemberships } from '../teams/set-memberships';
import { parseInput } from '../validate';
import { loadUsers } from './list-users';
import type { UserView } from './user-view';

const CreateUserInput = z.object({
  email: z.string().trim().toLowerCase().email('Enter a valid email address'),
  name: z.string().trim().min(1, 'Enter a name').max(120),
  role: z.enum(['admin', 'researcher', 'viewer']),
  password: NewPassword,
  teams: z.array(z.string().min(1)).default([]),
});
type CreateUserInput = z.infer<typeof CreateUserInput>;

export async function createUser({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<UserView> {
  requireRole(ctx, 'admin');
  const data = parseInput(CreateUserInput, input);
  const passwordHash = await hashPassword(data.password);
  return inTransaction(ctx, async (tx) => {
    const [row] = await tx.db
      .insert(users)
      .values({ email: data.email, name: data.name, role: data.role, passwordHash })
      .onConflictDoNothing()
      .returning({ id: users.id });
    if (!row) throw conflict('A user with this email already exists', [{ field: 'email', message: 'Already taken' }]);
    await setMemberships(tx, row.id, data.teams);
    await recordAudit(tx, 'user.create', `user:${data.email}`, { role: data.role, teams: data.teams });
    const [view] = await loadUsers(tx, [row.id]);
    return view;
  });
}

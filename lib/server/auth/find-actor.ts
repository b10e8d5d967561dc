import { and, eq, isNull } from 'drizzle-orm';
import type { DbOrTx } from '@/lib/db/client';
import { users } from '@/lib/db/schema';
import type { Actor } from '../context';

/**
 * Loads the current user behind a session. Sessions are JWTs, so role changes and disabling must
 * be read from the database on every request rather than trusted from the token.
 */
export async function findActiveActor(db: DbOrTx, userId: string, via: Actor['via']): Promise<Actor | null> {
  const [user] = await db
    .select({ id: users.id, email: users.email, name: users.name, role: users.role })
    .from(users)
    .where(and(eq(users.id, userId), isNull(users.disabledAt)))
    .limit(1);
  return user ? { ...user, via } : null;
}

import { and, eq, isNull } from 'drizzle-orm';
import type { DbOrTx } from '@/lib/db/client';
import { users } from '@/lib/db/schema';
import type { Actor } from '../context';

/**
 * Loads the current user behind a session. Sessions are JWTs, so role changes and disabling must
 * be read from the database on every request rather than trusted from the token. The token also
 * carries the user's session version from when it was issued: sign-out, a password or role change
 * and disabling bump `users.session_version`, so an older token matches no row here and every
 * session issued before ends at once. The comparison rides in the same single-row read.
 *
 * A token without a version (issued before versions existed) counts as version 0, the column's
 * default, so sessions survive the upgrade until the first bump.
 */
export async function findActiveActor(
  db: DbOrTx,
  userId: string,
  via: Actor['via'],
  sessionVersion = 0,
): Promise<Actor | null> {
  const [user] = await db
    .select({ id: users.id, email: users.email, name: users.name, role: users.role })
    .from(users)
    .where(and(eq(users.id, userId), isNull(users.disabledAt), eq(users.sessionVersion, sessionVersion)))
    .limit(1);
  return user ? { ...user, via } : null;
}

/** The version a new session token carries (read at sign-in). Null for an unknown or disabled user. */
export async function findSessionVersion(db: DbOrTx, userId: string): Promise<number | null> {
  const [row] = await db
    .select({ v: users.sessionVersion })
    .from(users)
    .where(and(eq(users.id, userId), isNull(users.disabledAt)))
    .limit(1);
  return row ? row.v : null;
}

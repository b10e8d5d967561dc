import { and, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/lib/db/client';
import { users } from '@/lib/db/schema';

/**
 * Ends every session of a user: bumps `users.session_version`, which each request compares with the
 * version in its JWT (find-actor.ts). Sessions are stateless JWTs with no per-session row, so this
 * ends all of the user's sessions, on every device, not only the one that signed out. With
 * `ifVersion`, only while that is still the current version (a sign-out from an ended session).
 */
export async function endSessions(db: DbOrTx, userId: string, ifVersion?: number): Promise<void> {
  await db
    .update(users)
    .set({ sessionVersion: sql`${users.sessionVersion} + 1` })
    .where(
      ifVersion === undefined ? eq(users.id, userId) : and(eq(users.id, userId), eq(users.sessionVersion, ifVersion)),
    );
}

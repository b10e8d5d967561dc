import { sql } from 'drizzle-orm';
import type { DbOrTx } from '@/lib/db/client';
import { users } from '@/lib/db/schema';
import type { Actor } from '../context';
import { passwordTooLong, verifyPassword } from './passwords';

// A precomputed hash so unknown emails cost the same time as wrong passwords.
const DUMMY_HASH = '$2b$10$CwTycUXWue0Thq9StjUM0uJ8.3J5sX1a6sM3xk1bQz6b7pQe0Jd5e';

export type SignedInActor = Actor & { sessionVersion: number };

/**
 * Email + password sign-in. Returns null on any mismatch, never saying which part was wrong. A
 * password over bcrypt's 72 bytes never matches (bcrypt would compare only its first 72 bytes).
 */
export async function verifyCredentials(db: DbOrTx, email: string, password: string): Promise<SignedInActor | null> {
  const [user] = await db
    .select()
    .from(users)
    .where(sql`lower(${users.email}) = lower(${email.trim()})`)
    .limit(1);
  const ok = !passwordTooLong(password) && (await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH));
  if (!user || !ok || !user.passwordHash || user.disabledAt) return null;
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    via: 'session',
    sessionVersion: user.sessionVersion,
  };
}

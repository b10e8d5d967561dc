import { sql } from 'drizzle-orm';
import type { DbOrTx } from '@/lib/db/client';
import { users } from '@/lib/db/schema';
import type { Actor } from '../context';

/**
 * First OIDC sign-in creates a viewer: the identity provider proves who someone is, while what they
 * may do in Gantry is an admin's decision. Disabled users stay out.
 */
export async function provisionOidcUser(db: DbOrTx, email: string, name: string): Promise<Actor | null> {
  await db.insert(users).values({ email: email.toLowerCase(), name, role: 'viewer' }).onConflictDoNothing();
  const [user] = await db.select().from(users).where(sql`lower(${users.email}) = lower(${email})`).limit(1);
  if (!user || user.disabledAt) return null;
  return { id: user.id, email: user.email, name: user.name, role: user.role, via: 'session' };
}

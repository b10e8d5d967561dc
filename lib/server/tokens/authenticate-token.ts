import { and, eq, gt, isNull, lt, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/lib/db/client';
import { apiTokens, users } from '@/lib/db/schema';
import type { Actor } from '../context';
import { TOKEN_PREFIX, hashToken } from './token-format';

/** Resolves a Bearer token to its user; null for unknown, revoked, expired or disabled. */
export async function authenticateToken(db: DbOrTx, token: string): Promise<Actor | null> {
  if (!token.startsWith(TOKEN_PREFIX)) return null;
  const now = new Date();
  const [row] = await db
    .select({ tokenId: apiTokens.id, id: users.id, email: users.email, name: users.name, role: users.role })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(
      and(
        eq(apiTokens.tokenHash, hashToken(token)),
        isNull(apiTokens.revokedAt),
        isNull(users.disabledAt),
        or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, now)),
      ),
    )
    .limit(1);
  if (!row) return null;
  // At most one write per token per minute, so a busy script does not turn reads into writes.
  await db
    .update(apiTokens)
    .set({ lastUsedAt: now })
    .where(
      and(
        eq(apiTokens.id, row.tokenId),
        or(isNull(apiTokens.lastUsedAt), lt(apiTokens.lastUsedAt, sql`now() - interval '1 minute'`)),
      ),
    );
  return { id: row.id, email: row.email, name: row.name, role: row.role, via: 'token' };
}

import { sql } from 'drizzle-orm';
import { perDatabaseBatcher } from '@/lib/db/batcher';
import type { DbOrTx } from '@/lib/db/client';
import { executePrepared } from '@/lib/db/prepared';
import { apiTokens, users } from '@/lib/db/schema';
import { countInvalidCredential } from '../auth/invalid-credential';
import type { Actor, Role } from '../context';
import { TOKEN_PREFIX, hashToken } from './token-format';

interface TokenActorRow extends Record<string, unknown> {
  token_hash: string;
  id: string;
  email: string;
  name: string;
  role: Role;
}

/**
 * Every API call by a script comes through here. Concurrent calls share one statement, and the
 * lookup and the `last_used_at` touch travel together; the touch writes at most once a minute per
 * token, so a busy script does not turn every read into a write.
 */
const lookup = perDatabaseBatcher<string, Actor | null>(async (db, hashes) => {
  const rows = await executePrepared<TokenActorRow>(
    db,
    sql`
    with found as (
      select ${apiTokens.id} as token_id, ${apiTokens.tokenHash} as token_hash, ${apiTokens.lastUsedAt} as last_used_at,
        ${users.id} as id, ${users.email} as email, ${users.name} as name, ${users.role} as role
      from ${apiTokens} join ${users} on ${users.id} = ${apiTokens.userId}
      where ${apiTokens.tokenHash} in (select jsonb_array_elements_text(${JSON.stringify(hashes)}::jsonb))
        and ${apiTokens.revokedAt} is null and ${users.disabledAt} is null
        and (${apiTokens.expiresAt} is null or ${apiTokens.expiresAt} > now())
    ), touched as (
      update ${apiTokens} set last_used_at = now() from found
      where ${apiTokens.id} = found.token_id
        and (found.last_used_at is null or found.last_used_at < now() - interval '1 minute')
    )
    select token_hash, id, email, name, role from found`,
  );
  const byHash = new Map(rows.map((r) => [r.token_hash, r]));
  return hashes.map((h) => {
    const r = byHash.get(h);
    return r ? { id: r.id, email: r.email, name: r.name, role: r.role, via: 'token' as const } : null;
  });
});

/**
 * Resolves a Bearer token to its user; null for unknown, revoked, expired or disabled. With the
 * client's address, invalid tokens count against it (auth/invalid-credential.ts): once it is locked
 * out an invalid token throws TOO_MANY_REQUESTS (429) instead of answering null (401).
 */
export async function authenticateToken(db: DbOrTx, token: string, address?: string | null): Promise<Actor | null> {
  const actor = token.startsWith(TOKEN_PREFIX) ? await lookup(db, hashToken(token)) : null;
  if (!actor) await countInvalidCredential(db, address);
  return actor;
}

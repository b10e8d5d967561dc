import { sql } from 'drizzle-orm';
import { perDatabaseBatcher } from '@/lib/db/batcher';
import type { DbOrTx } from '@/lib/db/client';
import { executePrepared } from '@/lib/db/prepared';
import { apiTokens, users } from '@/lib/db/schema';
import { recordFailures } from '../auth/throttle';
import type { Actor, Role } from '../context';
import { tooManyRequests } from '../errors';
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
  const rows = await executePrepared<TokenActorRow>(db, sql`
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
    select token_hash, id, email, name, role from found`);
  const byHash = new Map(rows.map((r) => [r.token_hash, r]));
  return hashes.map((h) => {
    const r = byHash.get(h);
    return r ? { id: r.id, email: r.email, name: r.name, role: r.role, via: 'token' as const } : null;
  });
});

// Addresses this process saw locked out: when the lock ends and when it was read (ms since epoch).
// An invalid token from a cached address answers 429 without writing to the database again. An
// entry is trusted for LOCK_CACHE_MS at most, so a lock an admin clears (in PostgreSQL, which stays
// the record) ends on every replica within that time.
const LOCK_CACHE_MS = 30_000;
const LOCK_CACHE_ENTRIES = 10_000;
const lockedAddresses = new Map<string, { until: number; readAt: number }>();

export const INVALID_TOKENS_MESSAGE = 'Too many invalid API tokens from this address; try again later';

/**
 * Resolves a Bearer token to its user; null for unknown, revoked, expired or disabled. With the
 * client's address, invalid tokens count against it (scope 'token-address'); once it is locked
 * out an invalid token throws TOO_MANY_REQUESTS (429) instead of answering null (401). A valid
 * token keeps working from a locked address: guessing a 256-bit token is hopeless anyway, so the
 * lock is there to stop a scanner's load, not to lock out the scripts sharing its address (NAT).
 */
export async function authenticateToken(db: DbOrTx, token: string, address?: string | null): Promise<Actor | null> {
  const actor = token.startsWith(TOKEN_PREFIX) ? await lookup(db, hashToken(token)) : null;
  if (actor || !address) return actor;
  const now = Date.now();
  const cached = lockedAddresses.get(address);
  if (cached && cached.until > now && now - cached.readAt < LOCK_CACHE_MS) {
    throw tooManyRequests(INVALID_TOKENS_MESSAGE, Math.ceil((cached.until - now) / 1000));
  }
  lockedAddresses.delete(address);
  // Like sign-in: the failure that reaches the limit still answers 401, the ones after it 429.
  const { retryAfterSeconds: retry, wasLocked } = await recordFailures(db, [{ scope: 'token-address', key: address }]);
  if (!retry) return null;
  if (lockedAddresses.size >= LOCK_CACHE_ENTRIES) lockedAddresses.delete(lockedAddresses.keys().next().value!);
  lockedAddresses.set(address, { until: now + retry * 1000, readAt: now });
  if (!wasLocked) return null;
  throw tooManyRequests(INVALID_TOKENS_MESSAGE, retry);
}

/** Forgets this process's cached lock of an address (an admin cleared it here). */
export function forgetTokenLockout(address: string): void {
  lockedAddresses.delete(address);
}

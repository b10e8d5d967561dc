// Counting failed sign-ins and invalid Bearer tokens in PostgreSQL (table auth_throttle), so a
// lockout holds across replicas and restarts. Every clock reading is the database's now(), so
// replicas with skewed clocks agree. Scopes: 'account' (lower-cased email), 'address' (client
// address of a sign-in), 'token-address' (client address of an invalid Bearer token).
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '@/lib/db/client';
import { executePrepared } from '@/lib/db/prepared';
import { env } from '@/lib/env';

export const THROTTLE_SCOPES = ['account', 'address', 'token-address'] as const;
export type ThrottleScope = (typeof THROTTLE_SCOPES)[number];

export interface ThrottleKey {
  scope: ThrottleScope;
  key: string;
}

export interface ThrottleSettings {
  /** This many failures within one window lock the key for one window. */
  maxFailures: number;
  windowSeconds: number;
}

export function throttleSettings(): ThrottleSettings {
  const e = env();
  return { maxFailures: e.GANTRY_AUTH_MAX_FAILURES, windowSeconds: Math.round(e.GANTRY_AUTH_WINDOW_MINUTES * 60) };
}

export function accountKey(email: string): ThrottleKey {
  return { scope: 'account', key: email.trim().toLowerCase() };
}

/** Seconds until the longest lock among `keys` ends; null when none is locked. */
export async function findLockout(db: DbOrTx, keys: ThrottleKey[]): Promise<number | null> {
  if (!keys.length) return null;
  const [row] = await executePrepared<{ retry: number | null }>(
    db,
    sql`
    select ceil(extract(epoch from max(t.locked_until) - now()))::int as retry
    from auth_throttle t
    join jsonb_to_recordset(${JSON.stringify(keys)}::jsonb) as k(scope text, key text) on k.scope = t.scope and k.key = t.key
    where t.locked_until > now()`,
  );
  return row?.retry && row.retry > 0 ? row.retry : null;
}

export interface FailureCount {
  /** Seconds until the longest lock among the keys ends; null when none is locked. */
  retryAfterSeconds: number | null;
  /** True when a key was already locked before this failure (the failure that locks still answers). */
  wasLocked: boolean;
}

/**
 * Counts one failure against each key, in one statement. A window that has run out starts over at
 * one; reaching the limit locks the key for one window from now; a lock in force stays as it is
 * (more failures do not extend it, so a locked-out client cannot keep itself locked forever).
 */
export async function recordFailures(
  db: DbOrTx,
  keys: ThrottleKey[],
  settings = throttleSettings(),
): Promise<FailureCount> {
  if (!keys.length) return { retryAfterSeconds: null, wasLocked: false };
  const window = sql`make_interval(secs => ${settings.windowSeconds}::int)`;
  const expired = sql`auth_throttle.window_started_at <= now() - ${window}`;
  const counted = sql`(case when ${expired} then 1 else auth_throttle.failures + 1 end)`;
  const rows = await executePrepared<{ retry: number | null; failures: number }>(
    db,
    sql`
    insert into auth_throttle (scope, key, failures, window_started_at, last_failure_at, locked_until)
    select k.scope, k.key, 1, now(), now(), case when 1 >= ${settings.maxFailures}::int then now() + ${window} end
    from jsonb_to_recordset(${JSON.stringify(keys)}::jsonb) as k(scope text, key text)
    on conflict (scope, key) do update set
      failures = ${counted},
      window_started_at = case when ${expired} then now() else auth_throttle.window_started_at end,
      last_failure_at = now(),
      locked_until = case
        when auth_throttle.locked_until > now() then auth_throttle.locked_until
        when ${counted} >= ${settings.maxFailures}::int then now() + ${window}
      end
    returning ceil(extract(epoch from locked_until - now()))::int as retry, failures`,
  );
  const retry = Math.max(0, ...rows.map((r) => r.retry ?? 0));
  return {
    retryAfterSeconds: retry > 0 ? retry : null,
    wasLocked: rows.some((r) => (r.retry ?? 0) > 0 && r.failures > settings.maxFailures),
  };
}

/** Forgets a key's failures (a successful sign-in resets its account's counter). */
export async function clearFailures(db: DbOrTx, key: ThrottleKey): Promise<boolean> {
  const rows = await db.execute(
    sql`delete from auth_throttle where scope = ${key.scope} and key = ${key.key} returning 1`,
  );
  return rows.length > 0;
}

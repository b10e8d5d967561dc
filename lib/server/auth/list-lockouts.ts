import { sql } from 'drizzle-orm';
import { requireRole, type Ctx } from '../context';
import type { ThrottleScope } from './throttle';

export interface LockoutView {
  scope: ThrottleScope;
  /** The lower-cased email for 'account', the client address otherwise. */
  key: string;
  failures: number;
  lastFailureAt: string;
  lockedUntil: string;
  retryAfterSeconds: number;
}

/** Accounts and client addresses locked out now (admins only), the longest lock first. */
export async function listLockouts({ ctx }: { ctx: Ctx }): Promise<LockoutView[]> {
  requireRole(ctx, 'admin');
  const rows = await ctx.db.execute<{
    scope: ThrottleScope;
    key: string;
    failures: number;
    last_failure_at: string;
    locked_until: string;
    retry: number;
  }>(sql`
    select scope, key, failures, last_failure_at, locked_until, ceil(extract(epoch from locked_until - now()))::int as retry
    from auth_throttle where locked_until > now()
    order by locked_until desc, scope, key
    limit 1000`);
  return [...rows].map((r) => ({
    scope: r.scope,
    key: r.key,
    failures: r.failures,
    lastFailureAt: new Date(r.last_failure_at).toISOString(),
    lockedUntil: new Date(r.locked_until).toISOString(),
    retryAfterSeconds: r.retry,
  }));
}

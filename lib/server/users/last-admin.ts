import { and, count, eq, isNull, ne, sql } from 'drizzle-orm';
import { users } from '@/lib/db/schema';
import type { Ctx } from '../context';

// Serializes every change that could take away an admin, across all Gantry processes. A row lock on
// the target alone is not enough: two admins demoting each other lock different rows, each counts
// the other as still active, and both commit (the zero-admin outcome).
const LAST_ADMIN_LOCK = 7_242_003;

/** Takes the last-admin lock for the rest of the transaction; call it before reading the user. */
export async function lockAdminChanges(ctx: Ctx): Promise<void> {
  await ctx.db.execute(sql`select pg_advisory_xact_lock(${LAST_ADMIN_LOCK})`);
}

/** Whether any active admin other than userId remains (read under lockAdminChanges). */
export async function hasOtherActiveAdmin(ctx: Ctx, userId: string): Promise<boolean> {
  const [{ n }] = await ctx.db
    .select({ n: count() })
    .from(users)
    .where(and(eq(users.role, 'admin'), isNull(users.disabledAt), ne(users.id, userId)));
  return n > 0;
}

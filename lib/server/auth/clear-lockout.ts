import { z } from 'zod';
import { recordAudit } from '../audit/record-audit';
import { inTransaction, requireRole, type Ctx } from '../context';
import { notFound } from '../errors';
import { parseInput } from '../validate';
import { forgetTokenLockout } from './invalid-credential';
import { THROTTLE_SCOPES, clearFailures } from './throttle';

const ClearLockoutInput = z.object({
  scope: z.enum(THROTTLE_SCOPES, { message: `One of ${THROTTLE_SCOPES.join(', ')}` }),
  key: z.string().trim().min(1, 'Name the account (email) or client address').max(320),
});
type ClearLockoutInput = z.infer<typeof ClearLockoutInput>;

/** Lets an account or address sign in again at once (admins only, audited): forgets its failures. */
export async function clearLockout({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<{ cleared: true }> {
  requireRole(ctx, 'admin');
  const data = parseInput(ClearLockoutInput, input);
  const key = data.scope === 'account' ? data.key.toLowerCase() : data.key;
  return inTransaction(ctx, async (tx) => {
    if (!(await clearFailures(tx.db, { scope: data.scope, key }))) throw notFound('Lockout');
    if (data.scope === 'token-address') forgetTokenLockout(key);
    await recordAudit(tx, 'auth.lockout.clear', `${data.scope}:${key}`);
    return { cleared: true as const };
  });
}

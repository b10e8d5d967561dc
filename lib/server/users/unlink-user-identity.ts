import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { userIdentities, users } from '@/lib/db/schema';
import { recordAudit } from '../audit/record-audit';
import { normalizeIssuer } from '../auth/oidc-policy';
import { inTransaction, requireRole, type Ctx } from '../context';
import { notFound } from '../errors';
import { parseInput } from '../validate';
import { listUserIdentities } from './list-user-identities';
import type { UserIdentityView } from './user-identity-view';

const UnlinkUserIdentityInput = z.object({
  userId: z.string().uuid('Not a user id'),
  issuer: z.string().trim().min(1).transform(normalizeIssuer),
  subject: z.string().trim().min(1).max(255),
});

/**
 * Removes an identity from a user (audited). The user's sessions end too: an identity is unlinked
 * because it should not be this person, so whoever signed in through it must not stay signed in.
 */
export async function unlinkUserIdentity({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<UserIdentityView[]> {
  requireRole(ctx, 'admin');
  const data = parseInput(UnlinkUserIdentityInput, input);
  await inTransaction(ctx, async (tx) => {
    const removed = await tx.db
      .delete(userIdentities)
      .where(
        and(
          eq(userIdentities.userId, data.userId),
          eq(userIdentities.issuer, data.issuer),
          eq(userIdentities.subject, data.subject),
        ),
      )
      .returning({ subject: userIdentities.subject });
    if (!removed.length) throw notFound('Identity');
    const [user] = await tx.db
      .update(users)
      .set({ sessionVersion: sql`${users.sessionVersion} + 1` })
      .where(eq(users.id, data.userId))
      .returning({ email: users.email });
    await recordAudit(tx, 'user.identity.unlink', `user:${user.email}`, { issuer: data.issuer, subject: data.subject });
  });
  return listUserIdentities({ ctx, input: { userId: data.userId } });
}

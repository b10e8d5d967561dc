import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { userIdentities, users } from '@/lib/db/schema';
import { recordAudit } from '../audit/record-audit';
import { normalizeIssuer } from '../auth/oidc-policy';
import { inTransaction, requireRole, type Ctx } from '../context';
import { conflict, notFound } from '../errors';
import { parseInput } from '../validate';
import { listUserIdentities } from './list-user-identities';
import type { UserIdentityView } from './user-identity-view';

const LinkUserIdentityInput = z.object({
  userId: z.string().uuid('Not a user id'),
  issuer: z.string().trim().url("The issuer URL, as in the provider's tokens").transform(normalizeIssuer),
  subject: z.string().trim().min(1, 'The subject (sub) the provider gives this person').max(255),
});

/**
 * Lets an identity-provider subject sign in as an existing user (an admin's decision, audited): the
 * safe way to move a local account to single sign-on without trusting the email.
 */
export async function linkUserIdentity({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<UserIdentityView[]> {
  requireRole(ctx, 'admin');
  const data = parseInput(LinkUserIdentityInput, input);
  await inTransaction(ctx, async (tx) => {
    const [user] = await tx.db.select({ email: users.email }).from(users).where(eq(users.id, data.userId));
    if (!user) throw notFound('User');
    const [existing] = await tx.db
      .select({ userId: userIdentities.userId })
      .from(userIdentities)
      .where(and(eq(userIdentities.issuer, data.issuer), eq(userIdentities.subject, data.subject)));
    if (existing) {
      const same = existing.userId === data.userId;
      throw conflict(
        same ? 'This identity is already linked to this user' : 'This identity is linked to another user',
        [{ field: 'subject', message: same ? 'Already linked here' : 'Unlink it from the other user first' }],
      );
    }
    await tx.db.insert(userIdentities).values({ issuer: data.issuer, subject: data.subject, userId: data.userId });
    await recordAudit(tx, 'user.identity.link', `user:${user.email}`, {
      issuer: data.issuer,
      subject: data.subject,
      by: 'admin',
    });
  });
  return listUserIdentities({ ctx, input: { userId: data.userId } });
}

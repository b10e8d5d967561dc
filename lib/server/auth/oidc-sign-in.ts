import { and, eq, ne, sql } from 'drizzle-orm';
import { z } from 'zod';
import { resolveGroupAccess, type GroupAccess } from '@/lib/domain/oidc-groups';
import { userIdentities, users } from '@/lib/db/schema';
import { recordAudit } from '../audit/record-audit';
import { inTransaction, type Actor, type Ctx } from '../context';
import { parseInput } from '../validate';
import { normalizeIssuer, oidcPolicy, type OidcPolicy } from './oidc-policy';
import { syncOidcGroups } from './oidc-sync-groups';

/** The claims Gantry uses, read from the ID token and the userinfo response (lib/server/auth/oidc-claims.ts). */
export const OidcSignInInput = z.object({
  issuer: z.string().min(1).transform(normalizeIssuer),
  subject: z.string().min(1).max(255),
  // Loosely checked: providers vouch for their own addresses, some without a dot in the domain.
  email: z
    .string()
    .trim()
    .toLowerCase()
    .max(320)
    .regex(/^[^\s@]+@[^\s@]+$/, 'Not an email address')
    .nullable(),
  emailVerified: z.boolean(),
  name: z.string().trim().max(120).nullable(),
  groups: z.array(z.string()),
});
export type OidcSignInInput = z.input<typeof OidcSignInInput>;

/**
 * Why a sign-in is refused. Each has its own message on the sign-in page (components/auth) and its
 * own log line, so a user and an operator both learn which one it was.
 */
export const OidcRefusal = {
  NoEmail: 'The provider sent no email address for a subject Gantry does not know yet',
  AccountDisabled: 'The Gantry account of this identity is disabled',
  NoAccess: 'No OIDC_GROUP_MAP entry matches the groups and OIDC_DEFAULT_ROLE is none',
  EmailTaken: 'The email belongs to an existing account that this identity is not linked to',
} as const;
export type OidcRefusal = keyof typeof OidcRefusal;

export type OidcSignInResult =
  { ok: true; actor: Actor; outcome: 'returning' | 'created' | 'linked' } | { ok: false; refusal: OidcRefusal };

/**
 * Signs in an identity-provider subject. The (issuer, subject) pair is the identity: a known pair
 * finds its user whatever its email is now. A new pair creates a user, unless its email belongs to
 * an existing account; joining that account is allowed only by OIDC_LINK_EXISTING=verified-email
 * with `email_verified` true, since otherwise whoever controls an address at the provider would
 * become the Gantry user holding it.
 */
export async function signInWithOidc({
  ctx,
  input,
  policy = oidcPolicy(),
}: {
  ctx: Ctx;
  input: unknown;
  policy?: OidcPolicy;
}): Promise<OidcSignInResult> {
  const claims = parseInput(OidcSignInInput, input);
  const access = resolveGroupAccess(claims.groups, policy.groupMap, policy.defaultRole);
  const groupsRule = policy.groupMap.length > 0;

  return inTransaction(ctx, async (tx) => {
    const [known] = await tx.db
      .select({ userId: userIdentities.userId })
      .from(userIdentities)
      .where(and(eq(userIdentities.issuer, claims.issuer), eq(userIdentities.subject, claims.subject)));
    const found = known
      ? await signInKnownIdentity(tx, known.userId, claims, groupsRule && access.role === null)
      : await signInNewIdentity(tx, claims, access, policy);
    if ('refusal' in found) return { ok: false, refusal: found.refusal };
    const { userId, outcome } = found;

    // Without a group map, roles and teams stay an admin's business after the first sign-in.
    if (groupsRule && access.role !== null) {
      const [u] = await tx.db.select({ email: users.email }).from(users).where(eq(users.id, userId));
      await syncOidcGroups(tx, userId, u.email, { ...access, role: access.role });
    }
    const [user] = await tx.db
      .select({ id: users.id, email: users.email, name: users.name, role: users.role })
      .from(users)
      .where(eq(users.id, userId));
    return { ok: true, actor: { ...user, via: 'session' }, outcome };
  });
}

type OidcClaims = z.output<typeof OidcSignInInput>;
type SignInOutcome = { userId: string; outcome: 'returning' | 'created' | 'linked' } | { refusal: OidcRefusal };

/** A known (issuer, subject): its user, unless disabled or without access now. */
async function signInKnownIdentity(
  tx: Ctx,
  userId: string,
  claims: OidcClaims,
  noAccess: boolean,
): Promise<SignInOutcome> {
  const [user] = await tx.db.select().from(users).where(eq(users.id, userId)).for('update');
  if (user.disabledAt) return { refusal: 'AccountDisabled' };
  if (noAccess) return { refusal: 'NoAccess' };
  await tx.db
    .update(userIdentities)
    .set({ email: claims.email ?? undefined, lastSignInAt: new Date() })
    .where(and(eq(userIdentities.issuer, claims.issuer), eq(userIdentities.subject, claims.subject)));
  if (claims.email && claims.email !== user.email.toLowerCase())
    await followEmail(tx, user.id, user.email, claims.email);
  return { userId: user.id, outcome: 'returning' };
}

/** A new (issuer, subject): linked to the account holding its email where allowed, else a new user. */
async function signInNewIdentity(
  tx: Ctx,
  claims: OidcClaims,
  access: GroupAccess,
  policy: OidcPolicy,
): Promise<SignInOutcome> {
  if (!claims.email) return { refusal: 'NoEmail' };
  const groupsRule = policy.groupMap.length > 0;
  let outcome: 'created' | 'linked';
  let userId: string;
  const [owner] = await tx.db
    .select()
    .from(users)
    .where(sql`lower(${users.email}) = ${claims.email}`)
    .for('update');
  if (owner) {
    if (policy.linkExisting !== 'verified-email' || !claims.emailVerified) return { refusal: 'EmailTaken' };
    if (owner.disabledAt) return { refusal: 'AccountDisabled' };
    if (groupsRule && access.role === null) return { refusal: 'NoAccess' };
    userId = owner.id;
    outcome = 'linked';
  } else {
    if (access.role === null) return { refusal: 'NoAccess' };
    const [created] = await tx.db
      .insert(users)
      .values({ email: claims.email, name: claims.name || claims.email, role: access.role })
      .returning({ id: users.id });
    userId = created.id;
    outcome = 'created';
  }
  await tx.db.insert(userIdentities).values({
    issuer: claims.issuer,
    subject: claims.subject,
    userId,
    email: claims.email,
    lastSignInAt: new Date(),
  });
  await recordAudit(tx, outcome === 'created' ? 'user.oidc-create' : 'user.identity.link', `user:${claims.email}`, {
    issuer: claims.issuer,
    subject: claims.subject,
    ...(outcome === 'linked' ? { by: 'verified-email' } : { role: access.role }),
  });
  return { userId, outcome };
}

/**
 * The provider's email changed: the account follows it unless another Gantry account already holds
 * that address (emails are unique case-insensitively), in which case the old one stays.
 */
async function followEmail(ctx: Ctx, userId: string, oldEmail: string, email: string) {
  const [taken] = await ctx.db
    .select({ id: users.id })
    .from(users)
    .where(and(sql`lower(${users.email}) = ${email}`, ne(users.id, userId)));
  if (taken) {
    ctx.log.warn(
      { event: 'oidc.email-collision', userId, email },
      'provider email belongs to another account; kept the old one',
    );
    return;
  }
  await ctx.db.update(users).set({ email }).where(eq(users.id, userId));
  await recordAudit(ctx, 'user.oidc-email', `user:${email}`, { from: oldEmail, to: email });
}

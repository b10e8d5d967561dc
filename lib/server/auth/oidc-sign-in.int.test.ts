import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, memberships, userIdentities, users } from '@/lib/db/schema';
import { parseGroupMap } from '@/lib/domain/oidc-groups';
import { as, withRollback } from '@/tests/db';
import { makeTeam, makeUser } from '@/tests/factories';
import { authorizeOverHttp, startOidcProvider, TEST_CLIENT, type TestProvider } from '@/tests/oidc-provider';
import type { Ctx } from '../context';
import { linkUserIdentity } from '../users/link-user-identity';
import { listUserIdentities } from '../users/list-user-identities';
import { unlinkUserIdentity } from '../users/unlink-user-identity';
import { updateUser } from '../users/update-user';
import { readOidcClaims, toOidcSignInInput } from './oidc-claims';
import type { OidcPolicy } from './oidc-policy';
import { signInWithOidc, type OidcSignInInput } from './oidc-sign-in';

const ISSUER = 'https://id.test.local';
const DEFAULTS: OidcPolicy = { linkExisting: 'never', groupMap: [], defaultRole: 'viewer' };

function claims(subject: string, more: Partial<OidcSignInInput> = {}): OidcSignInInput {
  return {
    issuer: ISSUER,
    subject,
    email: `${subject}@idp.local`,
    emailVerified: true,
    name: subject,
    groups: [],
    ...more,
  };
}

async function signIn(ctx: Ctx, input: OidcSignInInput, policy: OidcPolicy = DEFAULTS) {
  return signInWithOidc({ ctx, input, policy });
}

function groupMap(text: string) {
  const parsed = parseGroupMap(text);
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  return parsed.mappings;
}

async function teamsOf(ctx: Ctx, userId: string) {
  const rows = await ctx.db
    .select({ teamId: memberships.teamId, source: memberships.source })
    .from(memberships)
    .where(eq(memberships.userId, userId));
  return rows;
}

describe('sign-in against oidc-provider on its default settings', () => {
  let provider: TestProvider;
  const redirectUri = 'http://127.0.0.1:9/api/auth/callback/oidc';

  beforeAll(async () => {
    provider = await startOidcProvider({ port: await freePort(), redirectUris: [redirectUri] });
  });
  afterAll(() => provider?.close());

  it('reads email, name and groups from userinfo when the ID token has only the subject', async () => {
    provider.accounts.set('ada-sub', {
      email: 'Ada.L@Example.org',
      email_verified: true,
      name: 'Ada L',
      groups: ['vision-team'],
    });
    // The same openid-client next-auth uses, so this is the code path of a real sign-in.
    const { Issuer, generators } = createRequire(import.meta.resolve('next-auth'))('openid-client');
    const issuer = await Issuer.discover(provider.issuer);
    const client = new issuer.Client({
      client_id: TEST_CLIENT.id,
      client_secret: TEST_CLIENT.secret,
      redirect_uris: [redirectUri],
    });
    const checks = { state: generators.state(), nonce: generators.nonce(), code_verifier: generators.codeVerifier() };
    const url = client.authorizationUrl({
      scope: 'openid email profile groups',
      state: checks.state,
      nonce: checks.nonce,
      code_challenge: generators.codeChallenge(checks.code_verifier),
      code_challenge_method: 'S256',
    });
    const back = await authorizeOverHttp(url, 'ada-sub', redirectUri);
    const tokens = await client.callback(redirectUri, client.callbackParams(back), checks);

    expect(tokens.claims().email).toBeUndefined();
    const all = await readOidcClaims({ tokens, client });
    const input = toOidcSignInInput(all, 'groups');
    expect(input).toEqual({
      issuer: provider.issuer,
      subject: 'ada-sub',
      email: 'Ada.L@Example.org',
      emailVerified: true,
      name: 'Ada L',
      groups: ['vision-team'],
    });

    await withRollback(async (ctx) => {
      const first = await signIn(ctx, input);
      expect(first).toMatchObject({
        ok: true,
        outcome: 'created',
        actor: { email: 'ada.l@example.org', name: 'Ada L', role: 'viewer' },
      });
    });
  });
});

describe('identity is (issuer, subject)', () => {
  it('a second sign-in reuses the user, even after the email changed at the provider', () =>
    withRollback(async (ctx) => {
      const first = await signIn(ctx, claims('s1'));
      const again = await signIn(ctx, claims('s1'));
      expect(again).toMatchObject({ ok: true, outcome: 'returning' });
      if (!first.ok || !again.ok) throw new Error('unreachable');
      expect(again.actor.id).toBe(first.actor.id);

      const moved = await signIn(ctx, claims('s1', { email: 'New.Name@IDP.local' }));
      expect(moved).toMatchObject({ ok: true, actor: { id: first.actor.id, email: 'new.name@idp.local' } });
      const [identity] = await ctx.db.select().from(userIdentities).where(eq(userIdentities.subject, 's1'));
      expect(identity.email).toBe('new.name@idp.local');
    }));

  it('keeps the old email when the new one belongs to another account', () =>
    withRollback(async (ctx) => {
      const other = await makeUser(ctx, { email: 'taken@idp.local' });
      const first = await signIn(ctx, claims('s2'));
      const moved = await signIn(ctx, claims('s2', { email: 'TAKEN@idp.local' }));
      expect(moved).toMatchObject({ ok: true, actor: { email: 's2@idp.local' } });
      if (first.ok) expect(first.actor.id).not.toBe(other.id);
    }));

  it("another subject with an existing user's email, in any case, does not become that user by default", () =>
    withRollback(async (ctx) => {
      const ada = await makeUser(ctx, { email: 'ada@gantry.test', role: 'admin' });
      for (const email of ['ada@gantry.test', 'ADA@Gantry.TEST']) {
        expect(await signIn(ctx, claims('mallory', { email, emailVerified: true }))).toEqual({
          ok: false,
          refusal: 'EmailTaken',
        });
      }
      expect(await ctx.db.select().from(userIdentities).where(eq(userIdentities.userId, ada.id))).toEqual([]);
    }));

  it('an unverified email never links to an existing account; with verified-email a verified one does', () =>
    withRollback(async (ctx) => {
      const grace = await makeUser(ctx, { email: 'grace@gantry.test' });
      const policy: OidcPolicy = { ...DEFAULTS, linkExisting: 'verified-email' };
      expect(
        await signIn(ctx, claims('g-unverified', { email: 'Grace@gantry.test', emailVerified: false }), policy),
      ).toEqual({
        ok: false,
        refusal: 'EmailTaken',
      });
      const linked = await signIn(
        ctx,
        claims('g-verified', { email: 'GRACE@gantry.test', emailVerified: true }),
        policy,
      );
      expect(linked).toMatchObject({ ok: true, outcome: 'linked', actor: { id: grace.id, role: grace.role } });
      const audit = await ctx.db.select().from(auditLog).where(eq(auditLog.action, 'user.identity.link'));
      expect(audit.some((a) => a.target === 'user:grace@gantry.test')).toBe(true);
    }));

  it('refuses a new subject without email, a disabled account, and groups that give no access', () =>
    withRollback(async (ctx) => {
      expect(await signIn(ctx, claims('no-mail', { email: null }))).toEqual({ ok: false, refusal: 'NoEmail' });
      const created = await signIn(ctx, claims('will-be-disabled'));
      if (!created.ok) throw new Error('expected a user');
      await ctx.db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, created.actor.id));
      expect(await signIn(ctx, claims('will-be-disabled'))).toEqual({ ok: false, refusal: 'AccountDisabled' });
      const strict: OidcPolicy = { ...DEFAULTS, groupMap: groupMap('ml=*:researcher'), defaultRole: 'none' };
      expect(await signIn(ctx, claims('outsider', { groups: ['other'] }), strict)).toEqual({
        ok: false,
        refusal: 'NoAccess',
      });
      expect(await ctx.db.select().from(users).where(eq(users.email, 'outsider@idp.local'))).toEqual([]);
      expect(await signIn(ctx, claims('insider', { groups: ['ml'] }), strict)).toMatchObject({
        ok: true,
        actor: { role: 'researcher' },
      });
    }));
});

describe('groups become teams and roles', () => {
  it('maps a group to a team and role at every sign-in; leaving the group removes it; manual teams stay', () =>
    withRollback(async (ctx) => {
      await makeUser(ctx, { role: 'admin' }); // so leaving the admins group may demote gm
      const vision = await makeTeam(ctx, { slug: 'vision-t' });
      const nlp = await makeTeam(ctx, { slug: 'nlp-t' });
      const policy: OidcPolicy = {
        ...DEFAULTS,
        groupMap: groupMap('cv=vision-t:researcher,admins=*:admin,ghost=no-such-team:viewer'),
      };

      const first = await signIn(ctx, claims('gm', { groups: ['cv', 'ghost'] }), policy);
      if (!first.ok) throw new Error('expected sign-in');
      expect(first.actor.role).toBe('researcher');
      expect(await teamsOf(ctx, first.actor.id)).toEqual([{ teamId: vision.id, source: 'oidc' }]);

      await ctx.db.insert(memberships).values({ userId: first.actor.id, teamId: nlp.id, source: 'manual' });
      const promoted = await signIn(ctx, claims('gm', { groups: ['cv', 'admins'] }), policy);
      expect(promoted).toMatchObject({ ok: true, actor: { role: 'admin' } });

      const left = await signIn(ctx, claims('gm', { groups: [] }), policy);
      expect(left).toMatchObject({ ok: true, actor: { role: 'viewer' } });
      expect(await teamsOf(ctx, first.actor.id)).toEqual([{ teamId: nlp.id, source: 'manual' }]);
      const audit = await ctx.db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.action, 'user.oidc-groups'), eq(auditLog.target, 'user:gm@idp.local')));
      expect(audit.length).toBe(3);
    }));

  it('never demotes the last active admin, whatever the groups say', () =>
    withRollback(async (ctx) => {
      await ctx.db.update(users).set({ role: 'viewer' }).where(eq(users.role, 'admin'));
      const policy: OidcPolicy = { ...DEFAULTS, groupMap: groupMap('admins=*:admin') };
      const first = await signIn(ctx, claims('sole-admin', { groups: ['admins'] }), policy);
      expect(first).toMatchObject({ ok: true, actor: { role: 'admin' } });
      expect(await signIn(ctx, claims('sole-admin', { groups: [] }), policy)).toMatchObject({
        ok: true,
        actor: { role: 'admin' },
      });
      await makeUser(ctx, { role: 'admin' });
      expect(await signIn(ctx, claims('sole-admin', { groups: [] }), policy)).toMatchObject({
        ok: true,
        actor: { role: 'viewer' },
      });
    }));

  it("an admin editing the team list keeps provider memberships the provider's", () =>
    withRollback(async (ctx) => {
      const admin = await makeUser(ctx, { role: 'admin' });
      const vision = await makeTeam(ctx);
      const nlp = await makeTeam(ctx);
      const policy: OidcPolicy = { ...DEFAULTS, groupMap: groupMap(`cv=${vision.slug}:researcher`) };
      const first = await signIn(ctx, claims('edited', { groups: ['cv'] }), policy);
      if (!first.ok) throw new Error('expected sign-in');
      const view = await updateUser({
        ctx: as(ctx, admin),
        input: { id: first.actor.id, teams: [vision.slug, nlp.slug] },
      });
      expect(view.teams).toEqual(
        expect.arrayContaining([
          { slug: vision.slug, name: vision.name, source: 'oidc' },
          { slug: nlp.slug, name: nlp.name, source: 'manual' },
        ]),
      );
      await signIn(ctx, claims('edited', { groups: [] }), policy);
      expect(await teamsOf(ctx, first.actor.id)).toEqual([{ teamId: nlp.id, source: 'manual' }]);
    }));

  it("without a group map, the default role applies to new users only and later sign-ins keep an admin's changes", () =>
    withRollback(async (ctx) => {
      const first = await signIn(ctx, claims('plain'), { ...DEFAULTS, defaultRole: 'researcher' });
      if (!first.ok) throw new Error('expected sign-in');
      expect(first.actor.role).toBe('researcher');
      await ctx.db.update(users).set({ role: 'admin' }).where(eq(users.id, first.actor.id));
      expect(await signIn(ctx, claims('plain'))).toMatchObject({ ok: true, actor: { role: 'admin' } });
    }));
});

describe('admins link and unlink identities', () => {
  it('links a subject to a local account (audited), which then signs in as it; unlinking ends that', () =>
    withRollback(async (ctx) => {
      const admin = await makeUser(ctx, { role: 'admin' });
      const linus = await makeUser(ctx, { email: 'linus@gantry.test' });
      const linked = await linkUserIdentity({
        ctx: as(ctx, admin),
        input: { userId: linus.id, issuer: `${ISSUER}/`, subject: 'linus-sub' },
      });
      expect(linked).toMatchObject([{ issuer: ISSUER, subject: 'linus-sub', lastSignInAt: null }]);
      expect(
        await signIn(ctx, claims('linus-sub', { email: 'linus@gantry.test', emailVerified: false })),
      ).toMatchObject({
        ok: true,
        outcome: 'returning',
        actor: { id: linus.id },
      });
      await expect(
        linkUserIdentity({ ctx: as(ctx, admin), input: { userId: admin.id, issuer: ISSUER, subject: 'linus-sub' } }),
      ).rejects.toMatchObject({ code: 'CONFLICT', fields: [{ field: 'subject' }] });
      await expect(
        linkUserIdentity({ ctx: as(ctx, admin), input: { userId: linus.id, issuer: 'not a url', subject: '' } }),
      ).rejects.toMatchObject({
        code: 'INVALID',
        fields: [{ field: 'issuer' }, { field: 'subject' }],
      });

      const [{ sessionVersion: before }] = await ctx.db.select().from(users).where(eq(users.id, linus.id));
      expect(
        await unlinkUserIdentity({
          ctx: as(ctx, admin),
          input: { userId: linus.id, issuer: ISSUER, subject: 'linus-sub' },
        }),
      ).toEqual([]);
      const [{ sessionVersion: after }] = await ctx.db.select().from(users).where(eq(users.id, linus.id));
      expect(after).toBe(before + 1);
      await expect(
        unlinkUserIdentity({ ctx: as(ctx, admin), input: { userId: linus.id, issuer: ISSUER, subject: 'linus-sub' } }),
      ).rejects.toMatchObject({ code: 'NOT_FOUND' });
      // The subject is new again: with linus's email it is refused, not given linus's account.
      expect(await signIn(ctx, claims('linus-sub', { email: 'linus@gantry.test' }))).toEqual({
        ok: false,
        refusal: 'EmailTaken',
      });

      const actions = (await ctx.db.select().from(auditLog).where(eq(auditLog.actorId, admin.id))).map((a) => a.action);
      expect(actions).toEqual(expect.arrayContaining(['user.identity.link', 'user.identity.unlink']));
    }));

  it('is for admins only', () =>
    withRollback(async (ctx) => {
      const researcher = await makeUser(ctx, { role: 'researcher' });
      await expect(
        listUserIdentities({ ctx: as(ctx, researcher), input: { userId: researcher.id } }),
      ).rejects.toMatchObject({ code: 'FORBIDDEN' });
      await expect(
        linkUserIdentity({ ctx: as(ctx, researcher), input: { userId: researcher.id, issuer: ISSUER, subject: 'x' } }),
      ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    }));
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.once('error', reject);
  });
}

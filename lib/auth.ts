// next-auth configuration: email + password (and OIDC when configured), JWT sessions. The JWT only
// carries the user id and session version (and, with OIDC_LOGOUT=provider, the ID token for the
// provider's sign-out); role, disabled state and the current session version are re-read from the
// database on each request.
import type { NextAuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import { getDb } from '@/lib/db/client';
import { env } from '@/lib/env';
import { clientAddress } from '@/lib/http/client-address';
import { sameOriginPath } from '@/lib/http/redirect-target';
import { endSessions } from '@/lib/server/auth/end-sessions';
import { findSessionVersion } from '@/lib/server/auth/find-actor';
import { signInWithPassword } from '@/lib/server/auth/sign-in';
import { logger } from '@/lib/log';
import { nextAuthLogger } from '@/lib/server/auth/oidc-log';
import { readOidcClaims, toOidcSignInInput } from '@/lib/server/auth/oidc-claims';
import { OidcRefusal, signInWithOidc } from '@/lib/server/auth/oidc-sign-in';
import { SYSTEM_ACTOR } from '@/lib/server/context';

function oidcProvider(): NextAuthOptions['providers'][number] | null {
  const e = env();
  if (!e.OIDC_ISSUER || !e.OIDC_CLIENT_ID || !e.OIDC_CLIENT_SECRET) return null;
  return {
    id: 'oidc',
    name: e.OIDC_NAME,
    type: 'oauth',
    wellKnown: `${e.OIDC_ISSUER.replace(/\/$/, '')}/.well-known/openid-configuration`,
    clientId: e.OIDC_CLIENT_ID,
    clientSecret: e.OIDC_CLIENT_SECRET,
    authorization: { params: { scope: `openid email profile ${e.OIDC_SCOPES}`.trim() } },
    idToken: true,
    checks: ['pkce', 'state', 'nonce'],
    // next-auth reads only the ID token when idToken is set; this adds the userinfo claims, where
    // spec-conforming providers put email and name (docs/sso.md).
    userinfo: { request: ({ tokens, client }) => readOidcClaims({ tokens, client }) },
    profile(claims: Record<string, unknown>) {
      const { email, name, subject } = toOidcSignInInput(claims, e.OIDC_GROUPS_CLAIM);
      return { id: subject, email, name: name ?? email ?? subject };
    },
  };
}

/**
 * Password sign-in, unless GANTRY_PASSWORD_SIGNIN=off with a provider configured: then the
 * credentials provider is not registered at all, so next-auth refuses its callback.
 */
export function passwordSignInEnabled(): boolean {
  return env().passwordSignIn;
}

// The (issuer, subject) of the sign-in decides the Gantry user (lib/server/auth/oidc-sign-in.ts);
// a refusal goes back to the sign-in page with its own error code and leaves one log line.
async function signInOidcUser(user: { id: string }, claims: Record<string, unknown>): Promise<string | true> {
  const log = logger();
  const input = toOidcSignInInput(claims, env().OIDC_GROUPS_CLAIM);
  const who = { issuer: input.issuer, subject: input.subject, email: input.email };
  try {
    const result = await signInWithOidc({ ctx: { db: getDb(), actor: SYSTEM_ACTOR, log }, input });
    if (!result.ok) {
      log.warn(
        { event: 'oidc.sign-in-refused', refusal: result.refusal, cause: OidcRefusal[result.refusal], ...who },
        'single sign-on refused',
      );
      return `/signin?error=Oidc${result.refusal}`;
    }
    log.info({ event: 'oidc.sign-in', outcome: result.outcome, userId: result.actor.id, ...who }, 'single sign-on');
    user.id = result.actor.id;
    return true;
  } catch (err) {
    log.error({ event: 'oidc.sign-in-failed', err, ...who }, 'single sign-on failed');
    return '/signin?error=OidcFailed';
  }
}

export function authOptions(): NextAuthOptions {
  const oidc = oidcProvider();
  return {
    secret: env().NEXTAUTH_SECRET,
    session: { strategy: 'jwt', maxAge: 7 * 24 * 3600 },
    // Errors land on the sign-in page, which names each failure (components/auth/signin-error.ts).
    pages: { signIn: '/signin', error: '/signin' },
    logger: nextAuthLogger(),
    providers: [
      CredentialsProvider({
        id: 'credentials',
        name: 'Email and password',
        credentials: { email: { label: 'Email', type: 'email' }, password: { label: 'Password', type: 'password' } },
        // Throttled per account and client address (lib/server/auth/sign-in.ts); the auth route
        // answers 429 before reaching here while either is locked out.
        async authorize(credentials, req) {
          if (!credentials?.email || !credentials.password) return null;
          const headers = (req?.headers ?? {}) as Record<string, string | undefined>;
          const address = clientAddress({ get: (name) => headers[name] ?? null });
          const actor = await signInWithPassword(getDb(), {
            email: credentials.email,
            password: credentials.password,
            address,
          });
          return actor
            ? { id: actor.id, email: actor.email, name: actor.name, sessionVersion: actor.sessionVersion }
            : null;
        },
      }),
      ...(oidc ? [oidc] : []),
    ].filter((p) => p.id !== 'credentials' || passwordSignInEnabled()),
    callbacks: {
      async signIn({ user, account, profile }) {
        if (account?.provider !== 'oidc') return true;
        return signInOidcUser(user, (profile ?? {}) as Record<string, unknown>);
      },
      // The token carries the user's session version from sign-in; each request compares it with
      // users.session_version (lib/server/auth/find-actor.ts), so bumping that ends the session.
      async jwt({ token, user, account }) {
        // Kept only for OIDC_LOGOUT=provider: the end-session request's id_token_hint. The JWT is
        // encrypted (JWE) in an httpOnly cookie, so the browser's scripts never see it.
        if (account?.provider === 'oidc' && account.id_token && env().OIDC_LOGOUT === 'provider')
          token.idToken = account.id_token;
        if (user) {
          token.uid = user.id;
          const known = (user as { sessionVersion?: unknown }).sessionVersion;
          token.sv = typeof known === 'number' ? known : ((await findSessionVersion(getDb(), user.id)) ?? 0);
        }
        return token;
      },
      async session({ session, token }) {
        return { ...session, uid: token.uid as string | undefined, sv: token.sv as number | undefined };
      },
      // After signing in or out, only a path on Gantry's own origin (lib/http/redirect-target.ts, the
      // rule the sign-in form applies too): next-auth's default lets `//other-host` through.
      redirect({ url, baseUrl }) {
        return new URL(sameOriginPath(url, baseUrl), baseUrl).toString();
      },
    },
    events: {
      // Signing out ends every session of the user, on every device: sessions are JWTs with one
      // version per user, not rows (docs/security.md).
      async signOut({ token }) {
        if (typeof token?.uid === 'string') {
          // Only a session still current may end the others; an old cookie's sign-out changes nothing.
          // A token from before versions existed counts as version 0, as in find-actor.ts.
          await endSessions(getDb(), token.uid, typeof token.sv === 'number' ? token.sv : 0);
        }
      },
    },
  };
}

export function oidcEnabled(): boolean {
  return oidcProvider() !== null;
}

// next-auth configuration: email + password (and OIDC when configured), JWT sessions. The JWT only
// carries the user id; role and disabled state are re-read from the database on each request.
import type { NextAuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import { getDb } from '@/lib/db/client';
import { env } from '@/lib/env';
import { verifyCredentials } from '@/lib/server/auth/verify-credentials';
import { provisionOidcUser } from '@/lib/server/auth/provision-oidc-user';

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
    authorization: { params: { scope: 'openid email profile' } },
    idToken: true,
    checks: ['pkce', 'state'],
    profile(profile: { sub: string; email?: string; name?: string }) {
      return { id: profile.sub, email: profile.email ?? null, name: profile.name ?? profile.email ?? profile.sub };
    },
  };
}

export function authOptions(): NextAuthOptions {
  const oidc = oidcProvider();
  return {
    secret: env().NEXTAUTH_SECRET,
    session: { strategy: 'jwt', maxAge: 7 * 24 * 3600 },
    pages: { signIn: '/signin' },
    providers: [
      CredentialsProvider({
        id: 'credentials',
        name: 'Email and password',
        credentials: { email: { label: 'Email', type: 'email' }, password: { label: 'Password', type: 'password' } },
        async authorize(credentials) {
          if (!credentials?.email || !credentials.password) return null;
          const actor = await verifyCredentials(getDb(), credentials.email, credentials.password);
          return actor ? { id: actor.id, email: actor.email, name: actor.name } : null;
        },
      }),
      ...(oidc ? [oidc] : []),
    ],
    callbacks: {
      async signIn({ user, account }) {
        if (account?.provider !== 'oidc') return true;
        if (!user.email) return '/signin?error=NoEmail';
        const actor = await provisionOidcUser(getDb(), user.email, user.name ?? user.email);
        if (!actor) return '/signin?error=AccessDenied';
        user.id = actor.id;
        return true;
      },
      async jwt({ token, user }) {
        if (user) token.uid = user.id;
        return token;
      },
      async session({ session, token }) {
        return { ...session, uid: token.uid as string | undefined };
      },
    },
  };
}

export function oidcEnabled(): boolean {
  return oidcProvider() !== null;
}

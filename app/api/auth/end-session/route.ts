// GET /api/auth/end-session - where to go after signing out to end the provider's session too
// ({ url: null } unless OIDC_LOGOUT=provider and the session came from the provider)
import { getToken } from 'next-auth/jwt';
import { env } from '@/lib/env';
import { route } from '@/lib/http/route';
import { oidcEndSessionUrl } from '@/lib/server/auth/oidc-end-session';

export const GET = route({ auth: 'user', role: 'viewer' }, async ({ ctx, req }) => {
  const token = await getToken({ req, secret: env().NEXTAUTH_SECRET });
  return { url: await oidcEndSessionUrl({ idToken: token?.idToken, origin: req.nextUrl.origin, log: ctx.log }) };
});

// In front of every page, static file and next-auth endpoint (API routes send the same headers
// themselves, from lib/http/security-headers.ts): the security headers with a fresh script nonce,
// which Next reads from the request's CSP and puts on its own scripts; a 400 for query strings no
// page should see; and an optimistic check that sends visitors without a session cookie to
// sign-in (the real check, session valid, user active, role, happens in every page and route).
import { NextResponse, type NextRequest } from 'next/server';
import { env } from '@/lib/env';
import { createNonce, pageSecurityHeaders, securityHeaderOptions } from '@/lib/http/security-headers';
import { findUnsafeText } from '@/lib/server/validate';

const SESSION_COOKIES = ['next-auth.session-token', '__Secure-next-auth.session-token'];
// Public pages, next-auth, Next's assets and files: no session needed to load them.
const NO_SIGN_IN =
  /^\/(?:api\/|_next\/|signin|forbidden|share\/|favicon\.ico|robots\.txt)|\.(?:png|svg|jpg|ico|txt|webmanifest)$/;

function unsafeQuery(request: NextRequest): string | null {
  for (const [name, value] of request.nextUrl.searchParams) {
    const [found] = findUnsafeText({ [name]: value });
    if (found) return `${found.field}: ${found.message}`;
  }
  return null;
}

export function proxy(request: NextRequest) {
  const nonce = createNonce();
  const { pathname } = request.nextUrl;
  const headers = pageSecurityHeaders(nonce, { ...securityHeaderOptions(env()), path: pathname });
  const send = (response: NextResponse) => {
    for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
    return response;
  };

  const unsafe = unsafeQuery(request);
  if (unsafe)
    return send(
      new NextResponse(`Bad request: ${unsafe}\n`, {
        status: 400,
        headers: { 'content-type': 'text/plain; charset=utf-8' },
      }),
    );

  if (!NO_SIGN_IN.test(pathname) && !SESSION_COOKIES.some((c) => request.cookies.has(c))) {
    const url = request.nextUrl.clone();
    url.pathname = '/signin';
    url.search = pathname === '/' ? '' : `?callbackUrl=${encodeURIComponent(pathname + request.nextUrl.search)}`;
    return send(NextResponse.redirect(url));
  }

  const requestHeaders = new Headers(request.headers);
  requestHeaders.set('x-nonce', nonce);
  requestHeaders.set('content-security-policy', headers['content-security-policy']);
  return send(NextResponse.next({ request: { headers: requestHeaders } }));
}

export const config = {
  // Everything but the API routes, which set these headers themselves (a proxy pass per API call
  // would cost the busy JSON routes for nothing); next-auth's routes are not ours, so they pass here.
  matcher: ['/((?!api/).*)', '/api/auth/:path*'],
};

// An optimistic check in front of console pages: no session cookie means straight to sign-in.
// The real check (session valid, user active, role) happens on the server in every page and route.
import { NextResponse, type NextRequest } from 'next/server';

const SESSION_COOKIES = ['next-auth.session-token', '__Secure-next-auth.session-token'];

export function proxy(request: NextRequest) {
  if (SESSION_COOKIES.some((c) => request.cookies.has(c))) return NextResponse.next();
  const url = request.nextUrl.clone();
  url.pathname = '/signin';
  url.search = request.nextUrl.pathname === '/' ? '' : `?callbackUrl=${encodeURIComponent(request.nextUrl.pathname + request.nextUrl.search)}`;
  return NextResponse.redirect(url);
}

export const config = {
  // API routes answer 401 themselves (never a redirect); static files and public pages pass.
  matcher: ['/((?!api/|_next/|signin|forbidden|share/|favicon.ico|robots.txt|.*\\.(?:png|svg|jpg|ico|txt|webmanifest)$).*)'],
};

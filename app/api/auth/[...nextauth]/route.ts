// GET/POST /api/auth/* - next-auth sign-in, sign-out, session and CSRF endpoints. A password
// sign-in for a locked-out account or client address answers 429 with Retry-After here, before
// next-auth (which can only redirect): the problem document's `url` (absolute, as next-auth's client
// parses it) gives signIn() the error code TooManyAttempts.
import { randomUUID } from 'node:crypto';
import NextAuth from 'next-auth';
import { authOptions } from '@/lib/auth';
import { getDb } from '@/lib/db/client';
import { clientAddress } from '@/lib/http/client-address';
import { problemResponse } from '@/lib/http/problem';
import { assertSignInAllowed } from '@/lib/server/auth/sign-in';
import { AppError } from '@/lib/server/errors';

type Context = { params: Promise<{ nextauth: string[] }> };

async function lockedOut(req: Request, ctx: Context): Promise<Response | null> {
  const { nextauth } = await ctx.params;
  if (req.method !== 'POST' || nextauth.join('/') !== 'callback/credentials') return null;
  const form = new URLSearchParams(await req.clone().text());
  const email = form.get('email');
  if (!email) return null;
  try {
    await assertSignInAllowed(getDb(), email, clientAddress(req.headers));
    return null;
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== 'TOO_MANY_REQUESTS') throw error;
    const retry = String(error.retryAfterSeconds ?? 60);
    const requestId = req.headers.get('x-request-id')?.slice(0, 100) || randomUUID();
    return problemResponse(
      {
        type: 'https://gantry.dev/problems/too-many-requests',
        title: 'Too Many Requests',
        status: 429,
        detail: error.message,
        code: error.code,
        requestId,
        url: new URL('/signin?error=TooManyAttempts', req.url).toString(),
      } as never,
      { 'retry-after': retry, 'x-request-id': requestId },
    );
  }
}

const handler = async (req: Request, ctx: Context) =>
  (await lockedOut(req, ctx)) ?? NextAuth(req as never, ctx as never, authOptions());
export { handler as GET, handler as POST };

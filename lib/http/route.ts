// The route wrapper every API handler uses: request id, authentication (session cookie or Bearer
// token), the cross-site check of cookie writes (csrf.ts), role check, JSON body reading with the
// text check every field gets, error mapping, the API's security headers and one structured log
// line per request. web/server.ts serves POST /api/jobs with this same wrapper, so all of it holds there.
import { randomUUID } from 'node:crypto';
import { getToken } from 'next-auth/jwt';
import { NextResponse, type NextRequest } from 'next/server';
import { getDb } from '@/lib/db/client';
import { env } from '@/lib/env';
import { logger } from '@/lib/log';
import { observeRequest, routePattern } from '@/lib/metrics/http';
import { findActiveActor } from '@/lib/server/auth/find-actor';
import { hasRole, type Actor, type Ctx, type Role } from '@/lib/server/context';
import { AppError, type FieldError } from '@/lib/server/errors';
import { assertSafeText, findUnsafeText, mayHoldUnsafeText } from '@/lib/server/validate';
import { authenticateToken } from '@/lib/server/tokens/authenticate-token';
import { clientAddress } from './client-address';
import { crossSiteRefusal, isMutating } from './csrf';
import { errorResponse, problemResponse } from './problem';
import { apiHeaderRecord, withApiSecurityHeaders } from './security-headers';

export interface HandlerArgs<P> {
  ctx: Ctx;
  req: NextRequest;
  params: P;
  /** The parsed JSON body (undefined for GET/DELETE without one); verbs validate it themselves. */
  body: unknown;
  query: URLSearchParams;
}

interface RouteOptions {
  /** Minimum role; every route needs a signed-in user or a valid token. */
  role: Role;
  status?: number;
}

type RouteContext<P> = { params: Promise<P> };

export function route<P = Record<string, never>>(
  opts: RouteOptions,
  handler: (args: HandlerArgs<P>) => Promise<unknown>,
) {
  return async (req: NextRequest, context: RouteContext<P>): Promise<Response> => {
    const started = performance.now();
    const requestId = req.headers.get('x-request-id')?.slice(0, 100) || randomUUID();
    const log = logger().child({ requestId });
    let status = 500;
    let actor: Actor | null = null;
    try {
      actor = await authenticate(req);
      if (!actor) {
        status = 401;
        return problemResponse(
          {
            type: 'about:blank',
            title: 'Unauthorized',
            status,
            detail: 'Sign in or send a valid API token',
            requestId,
          },
          { 'www-authenticate': 'Bearer realm="gantry"', 'x-request-id': requestId },
        );
      }
      if (actor.via === 'session' && isMutating(req.method)) {
        const refusal = crossSiteRefusal(req.headers, env().appOrigin);
        if (refusal) throw new AppError('FORBIDDEN', refusal);
      }
      if (!hasRole(actor, opts.role))
        throw new AppError('FORBIDDEN', `This needs the ${opts.role} role; you are ${actor.role}`);
      const query = req.nextUrl.searchParams;
      const params = await context.params;
      assertSafeQuery(query, params);
      const body = await readBody(req);
      const ctx: Ctx = { db: getDb(), actor, log, requestId };
      const result = await handler({ ctx, req, params, body, query });
      if (result instanceof Response) {
        status = result.status;
        result.headers.set('x-request-id', requestId);
        return withApiSecurityHeaders(result);
      }
      status = opts.status ?? 200;
      return jsonResponse(result ?? null, status, requestId);
    } catch (error) {
      const response = errorResponse(error, requestId, log, { 'x-request-id': requestId });
      status = response.status;
      return response;
    } finally {
      const ms = performance.now() - started;
      log.info(
        { method: req.method, path: req.nextUrl.pathname, status, ms: Math.round(ms), user: actor?.email },
        'request',
      );
      observeRequest(
        routePattern(req.nextUrl.pathname, await Promise.resolve(context.params).catch(() => null)),
        req.method,
        status,
        ms / 1000,
      );
    }
  };
}

// Gzipping a small JSON body costs more CPU than the bytes it saves (about half a millisecond for a
// 1 KB job on these cores, on both ends); Next's compression skips responses marked no-transform.
const COMPRESS_ABOVE_BYTES = 8 * 1024;

function jsonResponse(value: unknown, status: number, requestId: string): Response {
  const body = JSON.stringify(value);
  const headers: Record<string, string> = {
    ...apiHeaderRecord(),
    'content-type': 'application/json',
    'x-request-id': requestId,
  };
  if (body.length < COMPRESS_ABOVE_BYTES) headers['cache-control'] = 'no-store, no-transform';
  return new NextResponse(body, { status, headers });
}

async function authenticate(req: NextRequest): Promise<Actor | null> {
  const header = req.headers.get('authorization');
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    // Invalid tokens count against the client address; a locked-out one answers 429.
    return authenticateToken(getDb(), match?.[1] ?? '', clientAddress(req.headers));
  }
  const token = await getToken({ req, secret: env().NEXTAUTH_SECRET });
  // The session version in the token must still be the user's (sign-out, password or role change).
  return typeof token?.uid === 'string'
    ? findActiveActor(getDb(), token.uid, 'session', typeof token.sv === 'number' ? token.sv : 0)
    : null;
}

export async function readBody(req: NextRequest): Promise<unknown> {
  if (req.method === 'GET' || req.method === 'HEAD') return undefined;
  const text = await req.text();
  if (!text.trim()) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AppError('INVALID', 'The request body is not valid JSON', [
      { field: '(body)', message: 'Expected JSON' },
    ]);
  }
  // Every text field of every route is checked here, once (NUL, lone surrogates: 400 naming it).
  if (mayHoldUnsafeText(text)) assertSafeText(value);
  return value;
}

/** The query string and path parameters get the same text check as bodies (names as the verbs use them). */
export function assertSafeQuery(query: URLSearchParams, params?: unknown): void {
  const fields: FieldError[] = [];
  for (const [name, value] of query) fields.push(...findUnsafeText({ [name]: value }));
  if (params && typeof params === 'object') fields.push(...findUnsafeText(params));
  if (fields.length) throw new AppError('INVALID', 'The request has invalid text', fields);
}

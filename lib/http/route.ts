// The route wrapper every API handler uses: request id, authentication (session cookie or Bearer
// token), role check, JSON body reading, error mapping and one structured log line per request.
import { randomUUID } from 'node:crypto';
import { getToken } from 'next-auth/jwt';
import { NextResponse, type NextRequest } from 'next/server';
import { getDb } from '@/lib/db/client';
import { env } from '@/lib/env';
import { logger } from '@/lib/log';
import { findActiveActor } from '@/lib/server/auth/find-actor';
import { hasRole, type Actor, type Ctx, type Role } from '@/lib/server/context';
import { AppError } from '@/lib/server/errors';
import { authenticateToken } from '@/lib/server/tokens/authenticate-token';
import { problemResponse, toProblem } from './problem';

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
          { type: 'about:blank', title: 'Unauthorized', status, detail: 'Sign in or send a valid API token', requestId },
          { 'www-authenticate': 'Bearer realm="gantry"', 'x-request-id': requestId },
        );
      }
      if (!hasRole(actor, opts.role)) throw new AppError('FORBIDDEN', `This needs the ${opts.role} role; you are ${actor.role}`);
      const body = await readBody(req);
      const ctx: Ctx = { db: getDb(), actor, log, requestId };
      const result = await handler({ ctx, req, params: await context.params, body, query: req.nextUrl.searchParams });
      if (result instanceof Response) {
        status = result.status;
        result.headers.set('x-request-id', requestId);
        return result;
      }
      status = opts.status ?? 200;
      return jsonResponse(result ?? null, status, requestId);
    } catch (error) {
      const problem = toProblem(error, requestId, log);
      status = problem.status;
      return problemResponse(problem, { 'x-request-id': requestId });
    } finally {
      log.info(
        { method: req.method, path: req.nextUrl.pathname, status, ms: Math.round(performance.now() - started), user: actor?.email },
        'request',
      );
    }
  };
}

// Gzipping a small JSON body costs more CPU than the bytes it saves (about half a millisecond for a
// 1 KB job on these cores, on both ends); Next's compression skips responses marked no-transform.
const COMPRESS_ABOVE_BYTES = 8 * 1024;

function jsonResponse(value: unknown, status: number, requestId: string): Response {
  const body = JSON.stringify(value);
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-request-id': requestId };
  if (body.length < COMPRESS_ABOVE_BYTES) headers['cache-control'] = 'no-store, no-transform';
  return new NextResponse(body, { status, headers });
}

async function authenticate(req: NextRequest): Promise<Actor | null> {
  const header = req.headers.get('authorization');
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    return match ? authenticateToken(getDb(), match[1]) : null;
  }
  const token = await getToken({ req, secret: env().NEXTAUTH_SECRET });
  return typeof token?.uid === 'string' ? findActiveActor(getDb(), token.uid, 'session') : null;
}

export async function readBody(req: NextRequest): Promise<unknown> {
  if (req.method === 'GET' || req.method === 'HEAD') return undefined;
  const text = await req.text();
  if (!text.trim()) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError('INVALID', 'The request body is not valid JSON', [{ field: '(body)', message: 'Expected JSON' }]);
  }
}

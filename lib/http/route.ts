// The one wrapper every API route handler uses: request id, authentication by the route's mode
// (authenticate.ts), the text check and the route's schemas for path parameters, query and body
// (request-input.ts), error mapping (problem.ts), the API's security headers, one structured log
// line and one duration sample per request. web/server.ts serves POST /api/jobs with this same
// wrapper, so all of it holds there.
import { randomUUID } from 'node:crypto';
import { NextResponse, type NextRequest } from 'next/server';
import type { z } from 'zod';
import { logger } from '@/lib/log';
import { observeRequest, routePattern } from '@/lib/metrics/http';
import { ANONYMOUS_ACTOR, requestCtx, type Ctx, type Role } from '@/lib/server/context';
import { authenticateUser, bearerToken, CHALLENGE, type AuthMode } from './authenticate';
import { clientAddress } from './client-address';
import { errorResponse } from './problem';
import { assertSafeQuery, parseDeclared, queryObject, readBody, type Query, type RouteSchemas } from './request-input';
import { apiHeaderRecord, withApiSecurityHeaders } from './security-headers';

type Declared<S, K extends keyof RouteSchemas, Otherwise> =
  S extends Record<K, infer T extends z.ZodType> ? z.output<T> : Otherwise;

type HandlerArgs<A extends AuthMode, S extends RouteSchemas> = {
  /** the caller (an anonymous actor outside `user` mode), the request id and the client's address */
  ctx: Ctx;
  req: NextRequest;
  params: Declared<S, 'params', Record<string, never>>;
  query: Declared<S, 'query', Query>;
  /** only read when the route declares a body schema */
  body: Declared<S, 'body', undefined>;
} & (A extends 'results-token'
  ? { /** the Bearer token, unchecked: the verb checks it */ token: string | null }
  : unknown);

type RouteOptions<A extends AuthMode, S extends RouteSchemas> = {
  auth: A;
  schemas?: S;
  /** the status of a result that is not a Response (default 200) */
  status?: number;
  /** a health probe, which Kubernetes calls every few seconds: its answers below 500 log at debug */
  probe?: boolean;
} & (A extends 'user' ? { /** the least role that may call the route */ role: Role } : unknown);

/** What Next (and lib/http/node-adapter.ts) calls; path parameters are checked by the route's schema. */
export type RouteHandler = (req: NextRequest, context: { params: Promise<unknown> }) => Promise<Response>;

export function route<A extends AuthMode, S extends RouteSchemas = Record<never, never>>(
  opts: RouteOptions<A, S>,
  handler: (args: HandlerArgs<A, S>) => unknown,
): RouteHandler {
  return async (req, context) => {
    const started = performance.now();
    const requestId = req.headers.get('x-request-id')?.slice(0, 100) || randomUUID();
    const log = logger().child({ requestId });
    const address = clientAddress(req.headers);
    let status = 500;
    let user: string | undefined;
    let rawParams: unknown = null;
    try {
      // Resolved first, so that a refused request is counted under its route pattern too.
      rawParams = await context.params;
      let ctx = requestCtx(ANONYMOUS_ACTOR, log, { requestId, clientAddress: address });
      if (opts.auth === 'user') {
        ctx = { ...ctx, actor: await authenticateUser(req, roleOf(opts), ctx.db, address) };
        user = ctx.actor.email;
      }
      const args = await readInput(req, rawParams, opts.schemas);
      const token = opts.auth === 'results-token' ? bearerToken(req) : undefined;
      const result = await handler({ ctx, req, ...args, token } as HandlerArgs<A, S>);
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
      const challenge = CHALLENGE[opts.auth];
      if (status === 401 && challenge) response.headers.set('www-authenticate', challenge);
      return response;
    } finally {
      const ms = performance.now() - started;
      const line = { method: req.method, path: req.nextUrl.pathname, status, ms: Math.round(ms), user };
      if (opts.probe && status < 500) log.debug(line, 'request');
      else log.info(line, 'request');
      observeRequest(routePattern(req.nextUrl.pathname, rawParams), req.method, status, ms / 1000);
    }
  };
}

/** The least role of a `user` route (RouteOptions requires it there). */
function roleOf(opts: { auth: AuthMode; role?: Role }): Role {
  return opts.role ?? 'admin';
}

async function readInput(req: NextRequest, rawParams: unknown, schemas: RouteSchemas = {}) {
  const query = queryObject(req.nextUrl.searchParams);
  assertSafeQuery(query, rawParams);
  return {
    params: parseDeclared(schemas.params, rawParams ?? {}),
    query: parseDeclared(schemas.query, query),
    body: schemas.body ? parseDeclared(schemas.body, await readBody(req)) : undefined,
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

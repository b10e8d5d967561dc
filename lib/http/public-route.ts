// The route wrapper for the few endpoints that do not take a session or personal token: result
// posting by sweep steps (their own per-dataset Bearer token, checked by the verb) and public pages.
// Request ids, body reading, error mapping and the request log line are the same as route().
import { randomUUID } from 'node:crypto';
import { NextResponse, type NextRequest } from 'next/server';
import { getDb } from '@/lib/db/client';
import { logger } from '@/lib/log';
import { observeRequest, routePattern } from '@/lib/metrics/http';
import type { Actor, Ctx } from '@/lib/server/context';
import { clientAddress } from './client-address';
import { errorResponse } from './problem';
import { assertSafeQuery, readBody } from './route';
import { apiHeaderRecord, withApiSecurityHeaders } from './security-headers';

/** Who acts in a public request: nobody signed in. Verbs authorise by the token they are given. */
const ANONYMOUS_ACTOR: Actor = {
  id: '00000000-0000-0000-0000-000000000000',
  email: 'anonymous',
  name: 'anonymous',
  role: 'viewer',
  via: 'system',
};

export function publicCtx(requestId?: string): Ctx {
  return { db: getDb(), actor: ANONYMOUS_ACTOR, log: logger(), requestId };
}

export interface PublicHandlerArgs<P> {
  ctx: Ctx;
  req: NextRequest;
  params: P;
  body: unknown;
  /** the Bearer token of the Authorization header, if any */
  bearer: string | null;
}

export function publicRoute<P = Record<string, never>>(handler: (args: PublicHandlerArgs<P>) => Promise<unknown>) {
  return async (req: NextRequest, context: { params: Promise<P> }): Promise<Response> => {
    const started = performance.now();
    const requestId = req.headers.get('x-request-id')?.slice(0, 100) || randomUUID();
    const log = logger().child({ requestId });
    let status = 500;
    try {
      const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.get('authorization') ?? '')?.[1] ?? null;
      const params = await context.params;
      assertSafeQuery(req.nextUrl.searchParams, params);
      const body = await readBody(req);
      const ctx: Ctx = { ...publicCtx(requestId), log, clientAddress: clientAddress(req.headers) };
      const result = await handler({ ctx, req, params, body, bearer });
      if (result instanceof Response) {
        status = result.status;
        result.headers.set('x-request-id', requestId);
        return withApiSecurityHeaders(result);
      }
      status = 200;
      return NextResponse.json(result ?? null, {
        status,
        headers: { ...apiHeaderRecord(), 'x-request-id': requestId },
      });
    } catch (error) {
      const response = errorResponse(error, requestId, log, { 'x-request-id': requestId });
      status = response.status;
      if (status === 401) response.headers.set('www-authenticate', 'Bearer realm="gantry-results"');
      return response;
    } finally {
      const ms = performance.now() - started;
      log.info({ method: req.method, path: req.nextUrl.pathname, status, ms: Math.round(ms) }, 'request');
      observeRequest(
        routePattern(req.nextUrl.pathname, await Promise.resolve(context.params).catch(() => null)),
        req.method,
        status,
        ms / 1000,
      );
    }
  };
}

// Who is calling, by the route's auth mode. Every mode answers a missing or wrong credential with the
// same 401 problem (code UNAUTHENTICATED); the challenge names the credential the mode takes.
import { getToken } from 'next-auth/jwt';
import type { NextRequest } from 'next/server';
import { env } from '@/lib/env';
import { findActiveActor } from '@/lib/server/auth/find-actor';
import { hasRole, type Actor, type Ctx, type Role } from '@/lib/server/context';
import { AppError } from '@/lib/server/errors';
import { authenticateToken } from '@/lib/server/tokens/authenticate-token';
import { crossSiteRefusal, isMutating } from './csrf';

/**
 * - user: a signed-in user, by session cookie or personal API token (`gty_`), with at least `role`.
 *   Cookie writes must come from Gantry's own pages (csrf.ts).
 * - results-token: a sweep step's per-dataset token (`gbr_`), handed to the verb, which checks it.
 * - public: nobody (health probes, the 404 for unknown paths).
 * Share links are pages, not API routes: their loader uses `publicCtx` (session.ts).
 */
export type AuthMode = 'user' | 'results-token' | 'public';

/** The WWW-Authenticate challenge of a 401, per mode. */
export const CHALLENGE: Record<AuthMode, string | null> = {
  user: 'Bearer realm="gantry"',
  'results-token': 'Bearer realm="gantry-results"',
  public: null,
};

const BEARER = /^Bearer\s+(\S+)$/i;

export function bearerToken(req: NextRequest): string | null {
  return BEARER.exec(req.headers.get('authorization') ?? '')?.[1] ?? null;
}

/** The signed-in user with at least `role`; 401 without one, 403 for a cross-site cookie write or a lower role. */
export async function authenticateUser(
  req: NextRequest,
  role: Role,
  db: Ctx['db'],
  address: string | null,
): Promise<Actor> {
  const actor = await findUser(req, db, address);
  if (!actor) throw new AppError('UNAUTHENTICATED', 'Sign in or send a valid API token');
  if (actor.via === 'session' && isMutating(req.method)) {
    const refusal = crossSiteRefusal(req.headers, env().appOrigin);
    if (refusal) throw new AppError('FORBIDDEN', refusal);
  }
  if (!hasRole(actor, role)) throw new AppError('FORBIDDEN', `This needs the ${role} role; you are ${actor.role}`);
  return actor;
}

async function findUser(req: NextRequest, db: Ctx['db'], address: string | null): Promise<Actor | null> {
  // Invalid tokens count against the client address; a locked-out one answers 429.
  const header = req.headers.get('authorization');
  if (header) return authenticateToken(db, BEARER.exec(header)?.[1] ?? '', address);
  const token = await getToken({ req, secret: env().NEXTAUTH_SECRET });
  // The session version in the token must still be the user's (sign-out, password or role change).
  return typeof token?.uid === 'string'
    ? findActiveActor(db, token.uid, 'session', typeof token.sv === 'number' ? token.sv : 0)
    : null;
}

// Server components and pages: who is signed in, with role checks that redirect or 404, and the
// context of a public page (a share link).
import { getServerSession, type NextAuthOptions } from 'next-auth';
import { redirect } from 'next/navigation';
import { authOptions } from '@/lib/auth';
import { logger } from '@/lib/log';
import { findActiveActor } from '@/lib/server/auth/find-actor';
import { ANONYMOUS_ACTOR, hasRole, requestCtx, type Actor, type Ctx, type Role } from '@/lib/server/context';

/** What lib/auth.ts's session callback puts in a session. */
interface PageSession {
  uid?: string;
  sv?: number;
}

/** For a page nobody need be signed in to (a share link): the verb checks the link's token. */
export function publicCtx(): Ctx {
  return requestCtx(ANONYMOUS_ACTOR, logger());
}

export async function currentActor(): Promise<Actor | null> {
  const session = await getServerSession<NextAuthOptions, PageSession>(authOptions());
  return session?.uid ? findActiveActor(publicCtx().db, session.uid, 'session', session.sv ?? 0) : null;
}

/** For pages: signs the visitor in first, and sends a role that may not see the page to /forbidden. */
export async function requirePageCtx(role: Role = 'viewer'): Promise<Ctx> {
  const actor = await currentActor();
  if (!actor) redirect('/signin');
  if (!hasRole(actor, role)) redirect(`/forbidden?need=${role}`);
  return requestCtx(actor, logger());
}

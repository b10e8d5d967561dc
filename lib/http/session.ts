// Server components and pages: who is signed in, with role checks that redirect or 404.
import { getServerSession } from 'next-auth';
import { redirect } from 'next/navigation';
import { authOptions } from '@/lib/auth';
import { getDb } from '@/lib/db/client';
import { logger } from '@/lib/log';
import { findActiveActor } from '@/lib/server/auth/find-actor';
import { hasRole, type Actor, type Ctx, type Role } from '@/lib/server/context';

export async function currentActor(): Promise<Actor | null> {
  const session = (await getServerSession(authOptions())) as { uid?: string; sv?: number } | null;
  return session?.uid ? findActiveActor(getDb(), session.uid, 'session', session.sv ?? 0) : null;
}

/** For pages: signs the visitor in first, and sends a role that may not see the page to /forbidden. */
export async function requirePageCtx(role: Role = 'viewer'): Promise<Ctx> {
  const actor = await currentActor();
  if (!actor) redirect('/signin');
  if (!hasRole(actor, role)) redirect(`/forbidden?need=${role}`);
  return { db: getDb(), actor, log: logger() };
}

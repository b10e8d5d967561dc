import { getDb, type Db, type DbOrTx } from '@/lib/db/client';
import type { Logger } from '@/lib/log';
import { forbidden } from './errors';

export type Role = 'admin' | 'researcher' | 'viewer';

export interface Actor {
  id: string;
  email: string;
  name: string;
  role: Role;
  via: 'session' | 'token' | 'system';
}

/** What every use case receives: who is asking, the database (or an open transaction) and a logger. */
export interface Ctx {
  db: DbOrTx;
  actor: Actor;
  log: Logger;
  requestId?: string;
  /** The client's address, for verbs that throttle by it (lib/http/client-address.ts). */
  clientAddress?: string | null;
}

const RANK: Record<Role, number> = { viewer: 0, researcher: 1, admin: 2 };

export function hasRole(actor: Pick<Actor, 'role'>, needed: Role): boolean {
  return RANK[actor.role] >= RANK[needed];
}

export function requireRole(ctx: Ctx, needed: Role): void {
  if (!hasRole(ctx.actor, needed)) throw forbidden(`This needs the ${needed} role; you are ${ctx.actor.role}`);
}

/**
 * Runs fn in one transaction, so a failure writes nothing. Inside a caller's transaction this is a
 * savepoint: the verb's own writes still roll back alone when it fails.
 */
export async function inTransaction<T>(ctx: Ctx, fn: (ctx: Ctx) => Promise<T>): Promise<T> {
  return (ctx.db as Db).transaction((tx) => fn({ ...ctx, db: tx }));
}

/** The context of one web request or page on this process's database pool (lib/http builds them). */
export function requestCtx(actor: Actor, log: Logger, extra: Pick<Ctx, 'requestId' | 'clientAddress'> = {}): Ctx {
  return { db: getDb(), actor, log, ...extra };
}

/** Who acts where nobody signed in (a share link, a sweep's results token): verbs authorise by the token they are given. */
export const ANONYMOUS_ACTOR: Actor = {
  id: '00000000-0000-0000-0000-000000000000',
  email: 'anonymous',
  name: 'anonymous',
  role: 'viewer',
  via: 'system',
};

export const SYSTEM_ACTOR: Actor = {
  id: '00000000-0000-0000-0000-000000000000',
  email: 'system',
  name: 'Gantry',
  role: 'admin',
  via: 'system',
};

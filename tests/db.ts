// Test helpers for lib/server: a real database, each test in a transaction rolled back at the end.
import { inject } from 'vitest';
import { createDb, type DbHandle } from '@/lib/db/client';
import { logger } from '@/lib/log';
import type { Actor, Ctx } from '@/lib/server/context';

let handle: DbHandle | undefined;

export function testDb(): DbHandle {
  handle ??= createDb(inject('databaseUrl'), { max: 4 });
  return handle;
}

class Rollback extends Error {}

/** Runs fn inside a transaction and rolls it back, so tests never see each other's rows. */
export async function withRollback<T>(fn: (ctx: Ctx) => Promise<T>, actor?: Actor): Promise<T> {
  let result: T | undefined;
  try {
    await testDb().db.transaction(async (tx) => {
      const ctx: Ctx = { db: tx, actor: actor ?? systemActor(), log: logger() };
      result = await fn(ctx);
      throw new Rollback();
    });
  } catch (e) {
    if (!(e instanceof Rollback)) throw e;
  }
  return result as T;
}

export function systemActor(): Actor {
  return { id: '00000000-0000-0000-0000-000000000000', email: 'system', name: 'system', role: 'admin', via: 'system' };
}

export function as(ctx: Ctx, actor: Actor): Ctx {
  return { ...ctx, actor };
}

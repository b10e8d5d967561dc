// The last active admin survives concurrent demotions: run on two connections at once, exactly one
// of two admins demoting each other succeeds. The test runs in a schema of its own (same tables,
// found through search_path), so the committed admins of other tests do not count here.
import { randomUUID } from 'node:crypto';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Db } from '@/lib/db/client';
import { schema } from '@/lib/db/client';
import { users } from '@/lib/db/schema';
import { logger } from '@/lib/log';
import type { Actor, Ctx } from '../context';
import { updateUser } from './update-user';

const space = `last_admin_${randomUUID().slice(0, 8)}`;
const connections: postgres.Sql[] = [];

function connect(): Db {
  const sql = postgres(inject('databaseUrl'), {
    max: 1,
    onnotice: () => {},
    connection: { search_path: `${space},public` },
  });
  connections.push(sql);
  return drizzle(sql, { schema, casing: 'snake_case' });
}

beforeAll(async () => {
  const sql = postgres(inject('databaseUrl'), { max: 1, onnotice: () => {} });
  connections.push(sql);
  await sql.unsafe(`create schema ${space}`);
  for (const table of ['users', 'teams', 'memberships', 'audit_log']) {
    await sql.unsafe(`create table ${space}.${table} (like public.${table} including all)`);
  }
});

afterAll(async () => {
  await connections[0].unsafe(`drop schema ${space} cascade`);
  await Promise.all(connections.map((c) => c.end({ timeout: 5 })));
});

async function admins(db: Db, n: number): Promise<Actor[]> {
  const rows = await db
    .insert(users)
    .values(
      Array.from({ length: n }, (_, i) => ({
        email: `admin-${i}-${randomUUID().slice(0, 6)}@test.local`,
        name: `admin ${i}`,
        role: 'admin' as const,
      })),
    )
    .returning();
  return rows.map((r) => ({ id: r.id, email: r.email, name: r.name, role: r.role, via: 'session' as const }));
}

const ctxOn = (db: Db, actor: Actor): Ctx => ({ db, actor, log: logger() });

describe('the last active admin', () => {
  it('survives two concurrent demotions: exactly one succeeds, the other is a 409 saying why', async () => {
    const [one, two] = [connect(), connect()];
    await one.delete(users);
    const [a, b] = await admins(one, 2);
    const results = await Promise.allSettled([
      updateUser({ ctx: ctxOn(one, a), input: { id: b.id, role: 'viewer' } }),
      updateUser({ ctx: ctxOn(two, b), input: { id: a.id, role: 'researcher' } }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const [refused] = results.filter((r) => r.status === 'rejected');
    expect(refused.reason).toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('last active admin'),
      fields: [{ field: 'role' }],
    });
    const left = (await one.select().from(users)).filter((u) => u.role === 'admin' && u.disabledAt === null);
    expect(left).toHaveLength(1);
  });

  it('survives a concurrent demotion and disabling, and cannot disable or demote itself when alone', async () => {
    const [one, two] = [connect(), connect()];
    await one.delete(users);
    const [a, b] = await admins(one, 2);
    const results = await Promise.allSettled([
      updateUser({ ctx: ctxOn(one, a), input: { id: b.id, disabled: true } }),
      updateUser({ ctx: ctxOn(two, b), input: { id: a.id, role: 'viewer' } }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const [survivor] = (await one.select().from(users)).filter((u) => u.role === 'admin' && u.disabledAt === null);
    const self = survivor.id === a.id ? a : b;
    await expect(updateUser({ ctx: ctxOn(one, self), input: { id: self.id, disabled: true } })).rejects.toMatchObject({
      code: 'CONFLICT',
      fields: [{ field: 'disabled' }],
    });
    await expect(updateUser({ ctx: ctxOn(one, self), input: { id: self.id, role: 'viewer' } })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
  });
});

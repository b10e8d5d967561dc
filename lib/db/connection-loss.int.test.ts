// A database session that dies under Gantry (pg_terminate_backend: what a restart, a failover or
// kill -9 does to every session at once): the queries on it fail as "database unavailable", nothing
// is thrown outside a promise (vitest fails a file on any uncaught error), the pool answers again,
// and an advisory lock held in that session is reported lost and can be taken again.
// The postgres.js cases are those of porsager/postgres#1208 (a reserved connection) and its
// begin() variant, which crashed the worker before patches/postgres+3.4.9.patch.
import { afterAll, describe, expect, inject, it } from 'vitest';
import { AdvisoryLockSession } from './advisory-lock';
import { createDb } from './client';
import { classifyDatabaseError } from './unavailable';

const url = inject('databaseUrl');
const handle = createDb(url, { max: 2 });
const killer = createDb(url, { max: 1 });

afterAll(async () => {
  await Promise.all([handle.close(), killer.close()]);
});

const terminate = async (pid: number) => {
  await killer.sql`select pg_terminate_backend(${pid})`;
};

/** Waits until `pid`'s backend has gone from pg_stat_activity. */
async function gone(pid: number): Promise<void> {
  for (;;) {
    const rows = await killer.sql`select 1 from pg_stat_activity where pid = ${pid}`;
    if (!rows.length) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('a database session terminated under the driver', () => {
  it('fails the transaction in flight as "database unavailable" and the pool goes on', async () => {
    let pid = 0;
    const tx = handle.sql.begin(async (t) => {
      [{ pid }] = await t<{ pid: number }[]>`select pg_backend_pid() as pid`;
      await t`select pg_sleep(30)`;
    });
    const failed = tx.then(
      () => null,
      (e: unknown) => e,
    );
    while (!pid) await new Promise((r) => setTimeout(r, 20));
    await terminate(pid);
    expect(classifyDatabaseError(await failed)).not.toBeNull();
    const [{ ok }] = await handle.sql<{ ok: number }[]>`select 1 as ok`;
    expect(ok).toBe(1);
  });

  it('fails every later query on a reserved connection instead of throwing from a timer', async () => {
    const reserved = await handle.sql.reserve();
    const [{ pid }] = await reserved<{ pid: number }[]>`select pg_backend_pid() as pid`;
    await terminate(pid);
    await gone(pid);
    const first = await reserved`select 1`.then(
      () => null,
      (e: unknown) => e,
    );
    const second = await reserved`select 1`.then(
      () => null,
      (e: unknown) => e,
    );
    expect([classifyDatabaseError(first), classifyDatabaseError(second)]).toEqual([
      expect.any(String),
      expect.any(String),
    ]);
  });

  it('reports an advisory lock lost with its session, and takes it again on a new one', async () => {
    const locks = new AdvisoryLockSession(url);
    const other = new AdvisoryLockSession(url);
    const key = 0x5eed1234;
    try {
      const held = await locks.tryAcquire(key);
      expect(held).not.toBeNull();
      expect(await other.tryAcquire(key)).toBeNull();
      const [{ pid }] = await killer.sql<{ pid: number }[]>`
        select pid from pg_locks where locktype = 'advisory' and objid = ${key} and granted`;
      const lost = new Promise<unknown>((resolve) =>
        held!.addEventListener('abort', () => resolve(held!.reason), { once: true }),
      );
      await terminate(pid);
      expect(classifyDatabaseError(await lost)).toBe('lost');
      await gone(pid);
      // Whoever asks first gets it: here the other session, then ours once it is released.
      const taken = await other.tryAcquire(key);
      expect(taken).not.toBeNull();
      await other.release(key);
      expect(await locks.tryAcquire(key)).not.toBeNull();
      await locks.release(key);
    } finally {
      await Promise.all([locks.close(), other.close()]);
    }
  });
});

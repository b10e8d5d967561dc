// Session advisory locks on a connection of their own, for the worker's exclusive loops.
//
// Why not `sql.reserve()` from the pool (what the loops used before): postgres.js 3.4.9 does not
// survive a reserved connection whose server session dies. The next query on it throws a TypeError
// from a socket callback (`socket.write` on null, connection.js nextWrite: porsager/postgres#1208),
// which no try/catch reaches and which killed the worker when PostgreSQL stopped; releasing such a
// connection leaves the pool unable to run queries (#1199), and a reserve() queued when its
// connection is terminated never settles (#1195). Here every lock shares one ordinary
// single-connection client, so a lost session only fails queries, and the locks it held are
// reported lost (the connection's close), so the loop holding one stops instead of carrying on
// without it while another replica takes it over.
import postgres from 'postgres';
import { CONNECTION_OPTIONS } from './client';
import { isDatabaseUnavailable } from './unavailable';

export class AdvisoryLockSession {
  private readonly sql: postgres.Sql;
  /** held locks: key -> aborted when the session holding it is gone */
  private readonly held = new Map<number, AbortController>();

  constructor(url: string) {
    this.sql = postgres(url, {
      ...CONNECTION_OPTIONS,
      max: 1,
      // A lock lives as long as its session: no idle or lifetime recycling of this connection.
      idle_timeout: 0,
      max_lifetime: 0,
      connection: { application_name: 'gantry-locks' },
      // CONNECTION_CLOSED, as postgres.js names it: a lost lock is a database outage to wait out.
      onclose: () =>
        this.lostAll(
          Object.assign(new Error('the database session holding the lock closed'), { code: 'CONNECTION_CLOSED' }),
        ),
    });
  }

  /**
   * Takes the lock if no other session holds it: a signal that aborts if the lock is lost (the
   * session closed), or null when another session holds it. Rejects when the database is unreachable.
   */
  async tryAcquire(key: number): Promise<AbortSignal | null> {
    const [row] = await this.sql<{ ok: boolean }[]>`select pg_try_advisory_lock(${key}) as ok`;
    if (!row.ok) return null;
    const controller = new AbortController();
    this.held.set(key, controller);
    return controller.signal;
  }

  /** Gives the lock back; a lock whose session is already gone needs nothing. */
  async release(key: number): Promise<void> {
    const controller = this.held.get(key);
    if (!controller) return;
    this.held.delete(key);
    if (controller.signal.aborted) return;
    try {
      await this.sql`select pg_advisory_unlock(${key})`;
    } catch (error) {
      // The session went away with the lock in it: nothing is left to release.
      if (!isDatabaseUnavailable(error)) throw error;
    }
  }

  async close(): Promise<void> {
    await this.sql.end({ timeout: 5 });
  }

  private lostAll(reason: Error): void {
    for (const controller of this.held.values()) controller.abort(reason);
    this.held.clear();
  }
}

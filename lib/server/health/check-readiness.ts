import { sql } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { pingCluster } from '@/lib/cluster/health';

export interface Readiness {
  ready: boolean;
  checks: { database: CheckResult; cluster: CheckResult };
}
interface CheckResult {
  ok: boolean;
  ms: number;
  detail?: string;
}

async function timed(fn: () => Promise<string | undefined>): Promise<CheckResult> {
  const start = performance.now();
  try {
    const detail = await fn();
    return { ok: true, ms: Math.round(performance.now() - start), detail };
  } catch (e) {
    // Only the kind of failure goes out: connection strings and hostnames stay in the log.
    return { ok: false, ms: Math.round(performance.now() - start), detail: e instanceof Error ? e.name : 'error' };
  }
}

/** Database and cluster reachable, each bounded so a hung dependency answers "not ready" quickly. */
export async function checkReadiness(db: Db): Promise<Readiness> {
  const withTimeout = <T,>(p: Promise<T>) =>
    Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('Timeout')), 3000))]);
  const [database, cluster] = await Promise.all([
    timed(async () => {
      await withTimeout(db.execute(sql`select 1`));
      return undefined;
    }),
    timed(async () => {
      const v = await withTimeout(pingCluster());
      return v.gitVersion;
    }),
  ]);
  return { ready: database.ok && cluster.ok, checks: { database, cluster } };
}

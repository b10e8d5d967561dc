import { sql } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import {
  classifyDatabaseError,
  noteDatabaseError,
  noteDatabaseReachable,
  type DatabaseErrorKind,
} from '@/lib/db/unavailable';
import { pingCluster } from '@/lib/cluster/health';
import { ClusterError } from '@/lib/cluster/errors';

type ReadinessPart = 'database' | 'cluster';

export interface Readiness {
  ready: boolean;
  /** the parts that do not answer, so a probe's log line says which one is down */
  down: ReadinessPart[];
  checks: Record<ReadinessPart, CheckResult>;
}
interface CheckResult {
  ok: boolean;
  ms: number;
  /** the cluster's version when it answers */
  detail?: string;
  /** why not, in a few words; connection strings and hostnames stay in the log */
  reason?: string;
}

const TIMEOUT_MS = 3000;
class Timeout extends Error {}

const DATABASE_REASONS: Record<DatabaseErrorKind, string> = {
  refused: 'connection refused',
  lost: 'connection lost',
  shutdown: 'shutting down',
  starting: 'starting up or shutting down',
  too_many_connections: 'too many connections',
  timeout: 'connection timed out',
};

function databaseReason(error: unknown): string {
  if (error instanceof Timeout) return `no answer within ${TIMEOUT_MS / 1000} s`;
  const kind = classifyDatabaseError(error);
  return kind ? DATABASE_REASONS[kind] : 'query failed';
}

function clusterReason(error: unknown): string {
  if (error instanceof Timeout) return `no answer within ${TIMEOUT_MS / 1000} s`;
  if (error instanceof ClusterError) return error.status ? `${error.kind} (HTTP ${error.status})` : error.kind;
  return 'unreachable';
}

async function timed(fn: () => Promise<string | undefined>, reason: (error: unknown) => string): Promise<CheckResult> {
  const start = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const bounded = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Timeout()), TIMEOUT_MS)));
    const detail = await Promise.race([fn(), bounded]);
    return { ok: true, ms: Math.round(performance.now() - start), ...(detail ? { detail } : {}) };
  } catch (e) {
    return { ok: false, ms: Math.round(performance.now() - start), reason: reason(e) };
  } finally {
    clearTimeout(timer);
  }
}

/** Database and cluster reachable, each bounded so a hung dependency answers "not ready" quickly. */
export async function checkReadiness(db: Db): Promise<Readiness> {
  const [database, cluster] = await Promise.all([
    timed(async () => {
      try {
        await db.execute(sql`select 1`);
        noteDatabaseReachable();
      } catch (error) {
        const kind = classifyDatabaseError(error);
        if (kind) noteDatabaseError(kind);
        throw error;
      }
      return undefined;
    }, databaseReason),
    timed(async () => (await pingCluster()).gitVersion, clusterReason),
  ]);
  const checks = { database, cluster };
  const down = (Object.keys(checks) as ReadinessPart[]).filter((part) => !checks[part].ok);
  return { ready: down.length === 0, down, checks };
}

import { sql } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { workerLoops } from '@/lib/db/schema';

export interface ClusterHeartbeat {
  ok: boolean;
  version?: string;
  error?: string;
  ms: number;
}

/** Stores the last cluster check in the loop's state row (read by the Overview page). */
export async function recordClusterHeartbeat(db: Db, beat: ClusterHeartbeat): Promise<void> {
  const state = { ...beat, ms: Math.round(beat.ms), at: new Date().toISOString() };
  await db
    .insert(workerLoops)
    .values({ name: 'cluster-heartbeat', state })
    .onConflictDoUpdate({ target: workerLoops.name, set: { state: sql`excluded.state` } });
}

import { count, eq } from 'drizzle-orm';
import { teams, users, workerLoops } from '@/lib/db/schema';
import type { ClusterHeartbeat } from '../health/record-cluster-heartbeat';
import { getClusterInventory, type ClusterInventoryView } from '../cluster/get-cluster-inventory';
import { requireRole, type Ctx } from '../context';
import { AppError } from '../errors';

export interface Overview {
  users: number;
  teams: number;
  cluster: { reachable: true; inventory: ClusterInventoryView } | { reachable: false; detail: string };
  heartbeat: (ClusterHeartbeat & { at: string }) | null;
}

/** The numbers on the Overview page; all real, none invented when a source is missing. */
export async function getOverview({ ctx }: { ctx: Ctx }): Promise<Overview> {
  requireRole(ctx, 'viewer');
  const [[u], [t], [beat]] = await Promise.all([
    ctx.db.select({ n: count() }).from(users),
    ctx.db.select({ n: count() }).from(teams),
    ctx.db.select({ state: workerLoops.state }).from(workerLoops).where(eq(workerLoops.name, 'cluster-heartbeat')),
  ]);
  let cluster: Overview['cluster'];
  try {
    cluster = { reachable: true, inventory: await getClusterInventory({ ctx }) };
  } catch (error) {
    cluster = { reachable: false, detail: error instanceof AppError ? error.message : 'Cluster unavailable' };
  }
  const heartbeat = beat?.state && 'ok' in beat.state ? (beat.state as unknown as Overview['heartbeat']) : null;
  return { users: u.n, teams: t.n, cluster, heartbeat };
}

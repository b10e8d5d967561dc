import type { Metadata } from 'next';
import { NodeTable } from '@/components/cluster/node-table';
import { PoolTable } from '@/components/cluster/pool-table';
import { TelemetryPanel } from '@/components/telemetry/telemetry-panel';
import { Card, PageHeader } from '@/components/ui/card';
import { requirePageCtx } from '@/lib/http/session';
import { getClusterInventory } from '@/lib/server/cluster/get-cluster-inventory';
import { hasRole } from '@/lib/server/context';
import { AppError } from '@/lib/server/errors';
import { listChartTeams } from '@/lib/server/telemetry/list-chart-teams';

export const metadata: Metadata = { title: 'GPUs' };

export default async function GpusPage() {
  const ctx = await requirePageCtx('viewer');
  const [inventory, teams] = await Promise.all([
    getClusterInventory({ ctx }).catch((e) => (e instanceof AppError ? e : Promise.reject(e))),
    listChartTeams({ ctx }),
  ]);
  return (
    <>
      <PageHeader
        title="GPUs"
        description="Pools, nodes and GPUs, read live from the cluster's Node objects; utilization from dcgm-exporter."
      />
      {inventory instanceof AppError ? (
        <p role="alert" className="text-red-700 dark:text-red-400">
          {inventory.message}. Check the cluster connection.
        </p>
      ) : (
        <div className="space-y-6">
          <Card title="Pools">
            <PoolTable pools={inventory.pools} />
          </Card>
          <TelemetryPanel
            pools={inventory.pools.filter((p) => p.gpuCount > 0).map((p) => p.name)}
            teams={teams}
            isAdmin={hasRole(ctx.actor, 'admin')}
          />
          <Card title="Nodes">
            <NodeTable nodes={inventory.nodes} />
          </Card>
        </div>
      )}
    </>
  );
}

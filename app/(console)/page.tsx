import type { Metadata } from 'next';
import { Card, PageHeader, Stat } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { PoolTable } from '@/components/cluster/pool-table';
import { requirePageCtx } from '@/lib/http/session';
import { getOverview } from '@/lib/server/overview/get-overview';

export const metadata: Metadata = { title: 'Overview' };

export default async function OverviewPage() {
  const ctx = await requirePageCtx('viewer');
  const o = await getOverview({ ctx });
  const inv = o.cluster.reachable ? o.cluster.inventory : null;
  const gpus = inv?.pools.reduce((s, p) => s + p.gpuCount, 0) ?? 0;
  const allocatable = inv?.pools.reduce((s, p) => s + p.allocatable, 0) ?? 0;
  const allocated = inv?.pools.reduce((s, p) => s + p.allocated, 0) ?? 0;
  return (
    <>
      <PageHeader title="Overview" description={`Signed in as ${ctx.actor.name} (${ctx.actor.role}).`} />
      <dl className="mb-6 grid grid-cols-2 gap-4 lg:grid-cols-5">
        <Stat
          label="Nodes"
          value={inv ? inv.nodes.length : '—'}
          hint={inv ? `${inv.pools.length} pools` : 'cluster unreachable'}
        />
        <Stat label="Physical GPUs" value={inv ? gpus : '—'} />
        <Stat
          label="GPU units in use"
          value={inv ? `${allocated} / ${allocatable}` : '—'}
          hint="GPUs, MIG instances and time-sliced replicas"
        />
        <Stat label="Users" value={o.users} />
        <Stat label="Teams" value={o.teams} />
      </dl>
      <div className="space-y-6">
        <Card title="Cluster">
          {o.cluster.reachable ? (
            <PoolTable pools={o.cluster.inventory.pools} />
          ) : (
            <p role="alert" className="text-sm text-red-700 dark:text-red-400">
              {o.cluster.detail}. Check KUBECONFIG, or start without it to use the simulated cluster.
            </p>
          )}
          {o.heartbeat && (
            <p className="mt-3 text-xs text-slate-500 dark:text-slate-400">
              Worker last checked the cluster at {o.heartbeat.at.replace('T', ' ').slice(0, 19)} UTC:{' '}
              {o.heartbeat.ok
                ? `answered (${o.heartbeat.version}, ${o.heartbeat.ms} ms)`
                : `no answer (${o.heartbeat.error})`}
            </p>
          )}
        </Card>
        <EmptyState title="No jobs have run yet">
          Once researchers submit jobs, this page shows the queue, running work and GPU use per team.
        </EmptyState>
      </div>
    </>
  );
}

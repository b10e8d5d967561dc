import { listNodes } from '@/lib/cluster/nodes';
import { buildInventory, type NodeObject } from '@/lib/domain/telemetry/inventory';
import { requireRole, type Ctx } from '../context';
import { unavailable } from '../errors';

export interface GpuKindView {
  id: string;
  description: string;
  sharing: string;
  pools: string[];
  capacity: number;
  allocatable: number;
}

/** The GPU kinds jobs can ask for (ids used in a job's `gpu.kind`), with the cluster's capacity. */
export async function listGpuKinds({ ctx }: { ctx: Ctx }): Promise<GpuKindView[]> {
  requireRole(ctx, 'viewer');
  let nodes;
  try {
    nodes = await listNodes();
  } catch (error) {
    throw unavailable('The cluster API did not answer', error);
  }
  const kinds = new Map<string, GpuKindView>();
  for (const node of buildInventory(nodes as unknown as NodeObject[]).nodes) {
    for (const r of node.gpuResources) {
      const k = kinds.get(r.kind.id) ?? {
        id: r.kind.id,
        description: r.kind.description,
        sharing: r.kind.sharing,
        pools: [],
        capacity: 0,
        allocatable: 0,
      };
      k.capacity += r.capacity;
      k.allocatable += r.allocatable;
      if (!k.pools.includes(node.pool)) k.pools.push(node.pool);
      kinds.set(k.id, k);
    }
  }
  return [...kinds.values()].sort((a, b) => a.id.localeCompare(b.id));
}

import { listNodes } from '@/lib/cluster/nodes';
import { listPods } from '@/lib/cluster/pods';
import {
  buildInventory,
  summarizeNode,
  type ClusterInventory,
  type ClusterNodeSummary,
  type NodeObject,
  type PodObject,
} from '@/lib/domain/telemetry/inventory';
import { requireRole, type Ctx } from '../context';
import { unavailable } from '../errors';

export interface ClusterInventoryView {
  pools: ClusterInventory['pools'];
  nodes: ClusterNodeSummary[];
}

/** Pools, nodes and GPUs with free/used, read live from the Kubernetes API (real or simulated). */
export async function getClusterInventory({ ctx }: { ctx: Ctx }): Promise<ClusterInventoryView> {
  requireRole(ctx, 'viewer');
  try {
    const [nodes, pods] = await Promise.all([listNodes(), listPods()]);
    const inventory = buildInventory(nodes as unknown as NodeObject[], pods as unknown as PodObject[]);
    return { pools: inventory.pools, nodes: inventory.nodes.map(summarizeNode) };
  } catch (error) {
    throw unavailable('The cluster API did not answer', error);
  }
}

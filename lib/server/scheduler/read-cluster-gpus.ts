// The cluster as the scheduler needs it: GPUs per node and kind, free net of pods Gantry did not
// start (Gantry's own jobs are counted from the database), and what a Workflow needs to land on a
// node (its taints, the device-plugin resource name of each kind).
import { listNodes } from '@/lib/cluster/nodes';
import { listPods } from '@/lib/cluster/pods';
import type { GpuNode } from '@/lib/domain/scheduler';
import { buildInventory, type NodeObject, type PodObject } from '@/lib/domain/telemetry/inventory';
import { unavailable } from '../errors';

export interface NodeDetail {
  name: string;
  pool: string;
  gpuProduct: string | null;
  taints: Array<{ key: string; value: string | null; effect: string }>;
  /** GPU kind id -> device-plugin resource (`nvidia.com/gpu`, `nvidia.com/mig-1g.10gb`). */
  resources: Record<string, string>;
}

export interface ClusterGpus {
  nodes: GpuNode[];
  details: Map<string, NodeDetail>;
}

export async function readClusterGpus(): Promise<ClusterGpus> {
  let rawNodes, rawPods;
  try {
    [rawNodes, rawPods] = await Promise.all([listNodes(), listPods()]);
  } catch (error) {
    throw unavailable('The cluster API did not answer', error);
  }
  const inventory = buildInventory(rawNodes as unknown as NodeObject[], rawPods as unknown as PodObject[]);
  const nodes: GpuNode[] = [];
  const details = new Map<string, NodeDetail>();
  for (const n of inventory.nodes) {
    if (n.gpuResources.length === 0) continue;
    const gpus: GpuNode['gpus'] = {};
    const resources: Record<string, string> = {};
    for (const r of n.gpuResources) {
      const outside = n.holders
        .filter((h) => h.resource === r.resource && h.jobId === null)
        .reduce((s, h) => s + h.count, 0);
      const capacity = n.unschedulable ? 0 : Math.round(r.allocatable);
      gpus[r.kind.id] = { capacity, free: Math.max(0, capacity - outside) };
      resources[r.kind.id] = r.resource;
    }
    nodes.push({ name: n.name, pool: n.pool, gpus });
    details.set(n.name, { name: n.name, pool: n.pool, gpuProduct: n.gpuProduct, taints: n.taints, resources });
  }
  return { nodes, details };
}

/** The GPU kind ids the cluster advertises (those of GET /api/cluster/gpu-kinds). */
export async function readGpuKindIds(): Promise<string[]> {
  let rawNodes;
  try {
    rawNodes = await listNodes();
  } catch (error) {
    throw unavailable('The cluster API did not answer', error);
  }
  const ids = new Set<string>();
  for (const n of buildInventory(rawNodes as unknown as NodeObject[]).nodes)
    for (const r of n.gpuResources) ids.add(r.kind.id);
  return [...ids].sort();
}

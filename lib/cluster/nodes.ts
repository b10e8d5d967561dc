// Nodes carry the GPU inventory: capacity/allocatable `nvidia.com/gpu` or `nvidia.com/mig-*`, and
// the gpu-feature-discovery labels that tell pools apart.
import type { V1Node } from '@kubernetes/client-node';
import { call } from './errors';
import { cluster } from './kube';

export async function listNodes(opts: { labelSelector?: string } = {}): Promise<V1Node[]> {
  const list = await call(() => cluster().core.listNode({ labelSelector: opts.labelSelector }));
  return list.items;
}

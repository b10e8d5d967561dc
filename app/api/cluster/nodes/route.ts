// GET /api/cluster/nodes - pools and nodes with GPU product, count, MIG instances, replicas, allocatable, allocated
import { route } from '@/lib/http/route';
import { getClusterInventory } from '@/lib/server/cluster/get-cluster-inventory';

export const GET = route({ auth: 'user', role: 'viewer' }, ({ ctx }) => getClusterInventory({ ctx }));

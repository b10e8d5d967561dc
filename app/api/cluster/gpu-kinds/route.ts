// GET /api/cluster/gpu-kinds - GPU kind ids with description and capacity
import { route } from '@/lib/http/route';
import { listGpuKinds } from '@/lib/server/cluster/list-gpu-kinds';

export const GET = route({ auth: 'user', role: 'viewer' }, ({ ctx }) => listGpuKinds({ ctx }));

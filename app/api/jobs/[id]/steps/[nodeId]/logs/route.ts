// GET /api/jobs/:id/steps/:nodeId/logs?tailLines=500 - a step's log, live from its pod or the stored copy
import { route } from '@/lib/http/route';
import { getStepLog } from '@/lib/server/workflows/get-step-log';

export const GET = route<{ id: string; nodeId: string }>({ role: 'viewer' }, ({ ctx, params, query }) =>
  getStepLog({ ctx, input: { id: params.id, nodeId: params.nodeId, tailLines: query.get('tailLines') ?? undefined } }),
);

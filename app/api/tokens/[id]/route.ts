// DELETE /api/tokens/:id - revoke one of my tokens
import { route } from '@/lib/http/route';
import { revokeToken } from '@/lib/server/tokens/revoke-token';

export const DELETE = route<{ id: string }>({ role: 'viewer' }, ({ ctx, params }) =>
  revokeToken({ ctx, input: { id: params.id } }),
);

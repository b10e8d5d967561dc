// DELETE /api/shares/:id - revoke a share link
import { route } from '@/lib/http/route';
import { revokeShare } from '@/lib/server/shares/revoke-share';

export const DELETE = route<{ id: string }>({ role: 'viewer' }, ({ ctx, params }) =>
  revokeShare({ ctx, input: { id: params.id } }),
);

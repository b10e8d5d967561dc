// DELETE /api/shares/:id - revoke a share link
import { pathParams } from '@/lib/http/request-input';
import { route } from '@/lib/http/route';
import { revokeShare } from '@/lib/server/shares/revoke-share';

export const DELETE = route(
  { auth: 'user', role: 'viewer', schemas: { params: pathParams('id') } },
  ({ ctx, params }) => revokeShare({ ctx, input: { id: params.id } }),
);

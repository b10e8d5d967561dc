// DELETE /api/tokens/:id - revoke one of my tokens
import { pathParams } from '@/lib/http/request-input';
import { route } from '@/lib/http/route';
import { revokeToken } from '@/lib/server/tokens/revoke-token';

export const DELETE = route(
  { auth: 'user', role: 'viewer', schemas: { params: pathParams('id') } },
  ({ ctx, params }) => revokeToken({ ctx, input: { id: params.id } }),
);

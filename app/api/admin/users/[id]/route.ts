// PATCH /api/admin/users/:id - change role, name, password, teams or disable
import { JsonFields, pathParams } from '@/lib/http/request-input';
import { route } from '@/lib/http/route';
import { updateUser } from '@/lib/server/users/update-user';

export const PATCH = route(
  { auth: 'user', role: 'admin', schemas: { params: pathParams('id'), body: JsonFields } },
  ({ ctx, params, body }) => updateUser({ ctx, input: { ...body, id: params.id } }),
);

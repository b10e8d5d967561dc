// PATCH /api/admin/users/:id - change role, name, password, teams or disable
import { route } from '@/lib/http/route';
import { updateUser } from '@/lib/server/users/update-user';

export const PATCH = route<{ id: string }>({ role: 'admin' }, ({ ctx, params, body }) =>
  updateUser({ ctx, input: { ...(body as object), id: params.id } }),
);

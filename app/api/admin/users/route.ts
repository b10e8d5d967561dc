// GET /api/admin/users - all users; POST /api/admin/users - create a user
import { JsonBody } from '@/lib/http/request-input';
import { route } from '@/lib/http/route';
import { createUser } from '@/lib/server/users/create-user';
import { listUsers } from '@/lib/server/users/list-users';

export const GET = route({ auth: 'user', role: 'admin' }, ({ ctx }) => listUsers({ ctx }));
export const POST = route({ auth: 'user', role: 'admin', status: 201, schemas: { body: JsonBody } }, ({ ctx, body }) =>
  createUser({ ctx, input: body }),
);

// GET /api/admin/users - all users; POST /api/admin/users - create a user
import { route } from '@/lib/http/route';
import { createUser } from '@/lib/server/users/create-user';
import { listUsers } from '@/lib/server/users/list-users';

export const GET = route({ role: 'admin' }, ({ ctx }) => listUsers({ ctx }));
export const POST = route({ role: 'admin', status: 201 }, ({ ctx, body }) => createUser({ ctx, input: body }));

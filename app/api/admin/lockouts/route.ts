// GET /api/admin/lockouts - accounts and client addresses locked out by failed sign-ins or invalid
// API tokens; DELETE /api/admin/lockouts?scope=account&key=ada@x - clears one (audited)
import { queryParams } from '@/lib/http/request-input';
import { route } from '@/lib/http/route';
import { clearLockout } from '@/lib/server/auth/clear-lockout';
import { listLockouts } from '@/lib/server/auth/list-lockouts';

export const GET = route({ auth: 'user', role: 'admin' }, ({ ctx }) => listLockouts({ ctx }));
export const DELETE = route(
  { auth: 'user', role: 'admin', schemas: { query: queryParams('scope', 'key') } },
  ({ ctx, query }) => clearLockout({ ctx, input: query }),
);

// GET /api/admin/users/:id/identities - a user's sign-in identities (issuer, subject)
// POST /api/admin/users/:id/identities - link an identity {issuer, subject} to the user
// DELETE /api/admin/users/:id/identities?issuer=&subject= - unlink one
import { route } from '@/lib/http/route';
import { linkUserIdentity } from '@/lib/server/users/link-user-identity';
import { listUserIdentities } from '@/lib/server/users/list-user-identities';
import { unlinkUserIdentity } from '@/lib/server/users/unlink-user-identity';

export const GET = route<{ id: string }>({ role: 'admin' }, ({ ctx, params }) =>
  listUserIdentities({ ctx, input: { userId: params.id } }),
);

export const POST = route<{ id: string }>({ role: 'admin' }, ({ ctx, params, body }) =>
  linkUserIdentity({ ctx, input: { ...(body as object), userId: params.id } }),
);

export const DELETE = route<{ id: string }>({ role: 'admin' }, ({ ctx, params, query }) =>
  unlinkUserIdentity({ ctx, input: { userId: params.id, issuer: query.get('issuer'), subject: query.get('subject') } }),
);

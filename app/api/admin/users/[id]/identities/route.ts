// GET /api/admin/users/:id/identities - a user's sign-in identities (issuer, subject)
// POST /api/admin/users/:id/identities - link an identity {issuer, subject} to the user
// DELETE /api/admin/users/:id/identities?issuer=&subject= - unlink one
import { JsonFields, pathParams, queryParams } from '@/lib/http/request-input';
import { route } from '@/lib/http/route';
import { linkUserIdentity } from '@/lib/server/users/link-user-identity';
import { listUserIdentities } from '@/lib/server/users/list-user-identities';
import { unlinkUserIdentity } from '@/lib/server/users/unlink-user-identity';

const UserParams = pathParams('id');

export const GET = route({ auth: 'user', role: 'admin', schemas: { params: UserParams } }, ({ ctx, params }) =>
  listUserIdentities({ ctx, input: { userId: params.id } }),
);

export const POST = route(
  { auth: 'user', role: 'admin', schemas: { params: UserParams, body: JsonFields } },
  ({ ctx, params, body }) => linkUserIdentity({ ctx, input: { ...body, userId: params.id } }),
);

export const DELETE = route(
  { auth: 'user', role: 'admin', schemas: { params: UserParams, query: queryParams('issuer', 'subject') } },
  ({ ctx, params, query }) => unlinkUserIdentity({ ctx, input: { ...query, userId: params.id } }),
);

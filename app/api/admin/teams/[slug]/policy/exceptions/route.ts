// POST /api/admin/teams/:slug/policy/exceptions - grant the team an exception to one rule (audited)
import { JsonFields, pathParams } from '@/lib/http/request-input';
import { route } from '@/lib/http/route';
import { grantPolicyException } from '@/lib/server/teams/grant-policy-exception';

export const POST = route(
  { auth: 'user', role: 'admin', status: 201, schemas: { params: pathParams('slug'), body: JsonFields } },
  ({ ctx, params, body }) => grantPolicyException({ ctx, input: { ...body, slug: params.slug } }),
);

// GET /api/admin/teams/:slug/policy - the team's workload policy: level, allowed Secrets, exceptions
// PATCH /api/admin/teams/:slug/policy - set the Pod Security level or the allowed Secrets (audited)
import { JsonFields, pathParams } from '@/lib/http/request-input';
import { route } from '@/lib/http/route';
import { getTeamPolicy } from '@/lib/server/teams/get-team-policy';
import { setTeamPolicy } from '@/lib/server/teams/set-team-policy';

export const GET = route({ auth: 'user', role: 'admin', schemas: { params: pathParams('slug') } }, ({ ctx, params }) =>
  getTeamPolicy({ ctx, input: { slug: params.slug } }),
);

export const PATCH = route(
  { auth: 'user', role: 'admin', schemas: { params: pathParams('slug'), body: JsonFields } },
  ({ ctx, params, body }) => setTeamPolicy({ ctx, input: { ...body, slug: params.slug } }),
);

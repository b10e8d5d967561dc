// DELETE /api/admin/teams/:slug/policy/exceptions/:rule - revoke the team's exception (audited)
import { pathParams } from '@/lib/http/request-input';
import { route } from '@/lib/http/route';
import { revokePolicyException } from '@/lib/server/teams/revoke-policy-exception';

export const DELETE = route(
  { auth: 'user', role: 'admin', schemas: { params: pathParams('slug', 'rule') } },
  ({ ctx, params }) => revokePolicyException({ ctx, input: { slug: params.slug, rule: params.rule } }),
);

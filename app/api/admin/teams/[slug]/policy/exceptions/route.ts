// POST /api/admin/teams/:slug/policy/exceptions - grant the team an exception to one rule (audited)
import { route } from '@/lib/http/route';
import { grantPolicyException } from '@/lib/server/teams/grant-policy-exception';

export const POST = route<{ slug: string }>({ role: 'admin', status: 201 }, ({ ctx, params, body }) =>
  grantPolicyException({ ctx, input: { ...(body as object), slug: params.slug } }),
);

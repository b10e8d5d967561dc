// DELETE /api/admin/teams/:slug/policy/exceptions/:rule - revoke the team's exception (audited)
import { route } from '@/lib/http/route';
import { revokePolicyException } from '@/lib/server/teams/revoke-policy-exception';

export const DELETE = route<{ slug: string; rule: string }>({ role: 'admin' }, ({ ctx, params }) =>
  revokePolicyException({ ctx, input: { slug: params.slug, rule: params.rule } }),
);

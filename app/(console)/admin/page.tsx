import type { Metadata } from 'next';
import { LockoutsPanel } from '@/components/admin/lockouts-panel';
import { QuotasPanel } from '@/components/admin/quotas-panel';
import { TeamsPanel } from '@/components/admin/teams-panel';
import { UsersPanel } from '@/components/admin/users-panel';
import { TeamWebhooks } from '@/components/notifications/team-webhooks';
import { PageHeader } from '@/components/ui/card';
import { requirePageCtx } from '@/lib/http/session';
import { oidcEnabled } from '@/lib/auth';
import { env } from '@/lib/env';

export const metadata: Metadata = { title: 'Admin' };

export default async function AdminPage() {
  const { actor } = await requirePageCtx('admin');
  return (
    <>
      <PageHeader
        title="Admin"
        description="Users, roles, teams and quotas. Every change is recorded in the audit log."
      />
      <div className="space-y-6">
        <UsersPanel selfId={actor.id} oidcIssuer={oidcEnabled() ? (env().OIDC_ISSUER ?? null) : null} />
        <TeamsPanel />
        <QuotasPanel />
        <LockoutsPanel />
        <TeamWebhooks />
      </div>
    </>
  );
}

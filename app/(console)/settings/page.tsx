import type { Metadata } from 'next';
import { Card, PageHeader } from '@/components/ui/card';
import { PreferencesPanel } from '@/components/notifications/preferences-panel';
import { WebhooksPanel } from '@/components/notifications/webhooks-panel';
import { TokensPanel } from '@/components/tokens/tokens-panel';
import { requirePageCtx } from '@/lib/http/session';
import { getMe } from '@/lib/server/users/get-me';

export const metadata: Metadata = { title: 'Your account' };

export default async function SettingsPage() {
  const ctx = await requirePageCtx('viewer');
  const me = await getMe({ ctx });
  return (
    <>
      <PageHeader
        title="Your account"
        description="Who you are in Gantry, what you hear about, and tokens for scripts."
      />
      <div className="space-y-6">
        <Card title="Profile">
          <dl className="grid grid-cols-1 gap-3 text-sm sm:grid-cols-3">
            <div>
              <dt className="text-slate-500">Email</dt>
              <dd>{me.email}</dd>
            </div>
            <div>
              <dt className="text-slate-500">Role</dt>
              <dd>{me.role}</dd>
            </div>
            <div>
              <dt className="text-slate-500">Teams</dt>
              <dd>{me.teams.map((t) => t.name).join(', ') || 'none'}</dd>
            </div>
          </dl>
        </Card>
        <PreferencesPanel />
        {me.role !== 'viewer' && <WebhooksPanel />}
        <TokensPanel />
      </div>
    </>
  );
}

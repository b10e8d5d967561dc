'use client';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { apiFetch } from '@/components/api';
import { teamKeys } from '@/components/query-keys';
import { Card } from '@/components/ui/card';
import { SelectField } from '@/components/ui/field';
import { WebhooksPanel } from './webhooks-panel';

/** Admins set each team's channels: pick a team, then its webhooks (every event of the team's jobs). */
export function TeamWebhooks() {
  const teams = useQuery({
    queryKey: teamKeys.list(),
    queryFn: () => apiFetch<Array<{ slug: string; name: string }>>('/api/teams'),
  });
  const [slug, setSlug] = useState('');
  return (
    <div className="space-y-3">
      <Card title="Team notifications">
        <div className="max-w-xs">
          <SelectField label="Team" value={slug} onChange={(e) => setSlug(e.target.value)}>
            <option value="">Choose a team…</option>
            {teams.data?.map((t) => (
              <option key={t.slug} value={t.slug}>
                {t.name} ({t.slug})
              </option>
            ))}
          </SelectField>
        </div>
      </Card>
      {slug && (
        <WebhooksPanel
          key={slug}
          base={`/api/admin/teams/${encodeURIComponent(slug)}/webhooks`}
          title={`Webhooks of ${slug}`}
        />
      )}
    </div>
  );
}

'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { apiFetch } from '@/components/api';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { notificationKeys } from './keys';
import { WebhookDeliveries } from './webhook-deliveries';
import { WebhookForm, type NewWebhook } from './webhook-form';
import type { WebhookView } from '@/lib/server/notifications/webhook-scope';

interface TestResult {
  ok: boolean;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
}

/** Webhooks of the caller (`/api/me/webhooks`) or of a team (`/api/admin/teams/:slug/webhooks`). */
export function WebhooksPanel({
  base = '/api/me/webhooks',
  title = 'Webhooks',
  canEdit = true,
}: {
  base?: string;
  title?: string;
  canEdit?: boolean;
}) {
  const qc = useQueryClient();
  const key = [...notificationKeys.webhooks(), base];
  const hooks = useQuery({ queryKey: key, queryFn: () => apiFetch<WebhookView[]>(base) });
  const [open, setOpen] = useState<string | null>(null);
  const [tested, setTested] = useState<Record<string, TestResult>>({});
  const create = useMutation({
    mutationFn: (w: NewWebhook) => apiFetch<WebhookView>(base, { method: 'POST', json: w }),
    onSuccess: () => qc.invalidateQueries({ queryKey: key }),
  });
  const remove = useMutation({
    mutationFn: (id: string) => apiFetch(`${base}/${id}`, { method: 'DELETE' }),
    onSuccess: () => qc.invalidateQueries({ queryKey: key }),
  });
  const test = useMutation({
    mutationFn: (id: string) => apiFetch<TestResult>(`${base}/${id}/test`, { method: 'POST' }),
    onSuccess: (result, id) => {
      setTested((t) => ({ ...t, [id]: result }));
      void qc.invalidateQueries({ queryKey: notificationKeys.deliveries(id) });
    },
  });
  return (
    <Card title={title}>
      <p className="mb-4 text-sm text-slate-600 dark:text-slate-400">
        Gantry POSTs each event (JSON, or a Slack incoming-webhook message) with{' '}
        <code className="font-mono">X-Gantry-Event</code>, <code className="font-mono">X-Gantry-Delivery</code> (the
        same on every retry) and, with a secret, <code className="font-mono">X-Gantry-Signature: sha256=…</code>. Failed
        deliveries are retried for 24 hours; bursts arrive as one digest a minute.
      </p>
      {canEdit && (
        <WebhookForm
          onCreate={(w, done) => create.mutate(w, { onSuccess: done })}
          pending={create.isPending}
          error={create.error}
        />
      )}
      {hooks.isPending && <p className="text-sm">Loading webhooks…</p>}
      {hooks.isError && (
        <p role="alert" className="text-sm text-red-700">
          Could not load webhooks: {hooks.error.message}
        </p>
      )}
      {hooks.data?.length === 0 && <p className="text-sm text-slate-600 dark:text-slate-400">No webhooks yet.</p>}
      <ul className="divide-y divide-slate-200 dark:divide-slate-800">
        {hooks.data?.map((h) => (
          <li key={h.id} className="py-3">
            <div className="flex flex-wrap items-center gap-3">
              <div className="min-w-0 flex-1">
                <p className="text-sm font-medium">
                  {h.name}{' '}
                  <span className="font-normal text-slate-500">
                    ({h.format}
                    {h.signed ? ', signed' : ''})
                  </span>
                </p>
                <p className="truncate font-mono text-xs text-slate-600 dark:text-slate-400">{h.url}</p>
                <p className="text-xs text-slate-500">{h.events.join(', ')}</p>
              </div>
              {canEdit && (
                <Button variant="secondary" disabled={test.isPending} onClick={() => test.mutate(h.id)}>
                  Send test
                </Button>
              )}
              <Button
                variant="ghost"
                onClick={() => setOpen(open === h.id ? null : h.id)}
                aria-expanded={open === h.id}
              >
                Deliveries
              </Button>
              {canEdit && (
                <Button variant="danger" disabled={remove.isPending} onClick={() => remove.mutate(h.id)}>
                  Delete
                </Button>
              )}
            </div>
            {tested[h.id] && (
              <p role="status" className={`mt-1 text-sm ${tested[h.id].ok ? 'text-green-700' : 'text-red-700'}`}>
                Test {tested[h.id].ok ? 'delivered' : 'failed'}
                {tested[h.id].statusCode ? ` (HTTP ${tested[h.id].statusCode})` : ''}
                {tested[h.id].error ? `: ${tested[h.id].error}` : ''}
              </p>
            )}
            {open === h.id && (
              <div className="mt-3">
                <WebhookDeliveries base={base} id={h.id} />
              </div>
            )}
          </li>
        ))}
      </ul>
    </Card>
  );
}

'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { apiFetch, ApiError } from '@/components/api';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { TextField } from '@/components/ui/field';
import { EVENT_LABELS, EVENT_TYPES, type EventType } from '@/lib/domain/notifications/events';
import { notificationKeys } from './keys';

interface Preferences {
  consoleEvents: EventType[];
  emailEvents: EventType[];
  longJobMinutes: number;
  waitingMinutes: number | null;
  emailEnabled: boolean;
  email: string;
}

/** Which events reach me in the console and by e-mail (a checkbox per event and channel). */
export function PreferencesPanel() {
  const qc = useQueryClient();
  const prefs = useQuery({
    queryKey: notificationKeys.preferences(),
    queryFn: () => apiFetch<Preferences>('/api/me/notifications/preferences'),
  });
  const save = useMutation({
    mutationFn: (input: Omit<Preferences, 'emailEnabled' | 'email'>) =>
      apiFetch<Preferences>('/api/me/notifications/preferences', { method: 'PUT', json: input }),
    onSuccess: (data) => qc.setQueryData(notificationKeys.preferences(), data),
  });

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const waiting = String(form.get('waitingMinutes') ?? '').trim();
    save.mutate({
      consoleEvents: EVENT_TYPES.filter((t) => form.get(`console:${t}`) === 'on'),
      emailEvents: EVENT_TYPES.filter((t) => form.get(`email:${t}`) === 'on'),
      longJobMinutes: Number(form.get('longJobMinutes') ?? 60),
      waitingMinutes: waiting ? Number(waiting) : null,
    });
  }

  const fieldError = (f: string) => (save.error instanceof ApiError ? save.error.fieldMessage(f) : undefined);
  const p = prefs.data;
  return (
    <Card title="Notifications">
      <div id="notifications" className="scroll-mt-20" />
      {prefs.isPending && <p className="text-sm">Loading preferences…</p>}
      {prefs.isError && (
        <p role="alert" className="text-sm text-red-700">
          Could not load preferences: {prefs.error.message}
        </p>
      )}
      {p && (
        <form onSubmit={onSubmit} className="space-y-4" aria-label="Notification preferences">
          {!p.emailEnabled && (
            <p className="rounded-md bg-amber-50 p-3 text-sm text-amber-900 dark:bg-amber-950 dark:text-amber-200">
              E-mail is off: this Gantry has no SMTP server (SMTP_URL). Your e-mail choices apply once an admin sets
              one.
            </p>
          )}
          <table className="text-sm">
            <caption className="sr-only">Events per channel</caption>
            <thead>
              <tr className="text-left text-slate-500">
                <th className="py-1 pr-6 font-medium">Event</th>
                <th className="px-3 py-1 font-medium">Console</th>
                <th className="px-3 py-1 font-medium">E-mail ({p.email})</th>
              </tr>
            </thead>
            <tbody>
              {EVENT_TYPES.map((t) => (
                <tr key={t}>
                  <th scope="row" className="py-1 pr-6 text-left font-normal">
                    {EVENT_LABELS[t]}
                  </th>
                  <td className="px-3 py-1 text-center">
                    <input
                      type="checkbox"
                      name={`console:${t}`}
                      defaultChecked={p.consoleEvents.includes(t)}
                      aria-label={`${EVENT_LABELS[t]} in the console`}
                    />
                  </td>
                  <td className="px-3 py-1 text-center">
                    <input
                      type="checkbox"
                      name={`email:${t}`}
                      defaultChecked={p.emailEvents.includes(t)}
                      aria-label={`${EVENT_LABELS[t]} by e-mail`}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="grid max-w-xl grid-cols-1 gap-3 sm:grid-cols-2">
            <TextField
              label="Successes only for jobs running at least (minutes)"
              name="longJobMinutes"
              type="number"
              min={0}
              defaultValue={p.longJobMinutes}
              error={fieldError('longJobMinutes')}
            />
            <TextField
              label="Tell me when a job waits longer than (minutes; empty: never)"
              name="waitingMinutes"
              type="number"
              min={1}
              defaultValue={p.waitingMinutes ?? ''}
              error={fieldError('waitingMinutes')}
            />
          </div>
          <p className="text-xs text-slate-500">
            A waiting threshold reaches the channels ticked for &ldquo;{EVENT_LABELS['job.waiting']}&rdquo; above.
          </p>
          <div className="flex items-center gap-3">
            <Button type="submit" disabled={save.isPending}>
              {save.isPending ? 'Saving…' : 'Save notification settings'}
            </Button>
            {save.isSuccess && (
              <p role="status" className="text-sm text-green-700">
                Saved.
              </p>
            )}
            {save.isError && !(save.error instanceof ApiError && save.error.fields.length) && (
              <p role="alert" className="text-sm text-red-700">
                {save.error.message}
              </p>
            )}
          </div>
        </form>
      )}
    </Card>
  );
}

'use client';
import type { FormEvent } from 'react';
import { ApiError } from '@/components/api';
import { Button } from '@/components/ui/button';
import { SelectField, TextField } from '@/components/ui/field';
import { DEFAULT_EVENTS, EVENT_LABELS, EVENT_TYPES } from '@/lib/domain/notifications/events';

export interface NewWebhook {
  name: string;
  url: string;
  format: 'json' | 'slack';
  events: string[];
  secret?: string;
}

/** Adds a webhook; the server's field errors show next to their fields. */
export function WebhookForm({
  onCreate,
  pending,
  error,
}: {
  onCreate: (w: NewWebhook, done: () => void) => void;
  pending: boolean;
  error: Error | null;
}) {
  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    const secret = String(data.get('secret') ?? '');
    onCreate(
      {
        name: String(data.get('name') ?? ''),
        url: String(data.get('url') ?? ''),
        format: data.get('format') === 'slack' ? 'slack' : 'json',
        events: EVENT_TYPES.filter((t) => data.get(`event:${t}`) === 'on'),
        ...(secret ? { secret } : {}),
      },
      () => form.reset(),
    );
  }
  const fieldError = (f: string) =>
    error instanceof ApiError
      ? error.fields.find((x) => x.field === f || x.field.startsWith(`${f}[`))?.message
      : undefined;
  return (
    <form onSubmit={onSubmit} className="mb-6 space-y-3" aria-label="Add a webhook">
      <div className="grid grid-cols-1 gap-3 md:grid-cols-4">
        <TextField label="Name" name="name" maxLength={80} error={fieldError('name')} />
        <div className="md:col-span-2">
          <TextField
            label="URL"
            name="url"
            placeholder="https://hooks.slack.com/services/…"
            error={fieldError('url')}
          />
        </div>
        <SelectField label="Format" name="format" defaultValue="json" error={fieldError('format')}>
          <option value="json">JSON</option>
          <option value="slack">Slack</option>
        </SelectField>
      </div>
      <fieldset>
        <legend className="text-sm font-medium text-slate-700 dark:text-slate-300">Events</legend>
        <div className="mt-1 flex flex-wrap gap-x-4 gap-y-1 text-sm">
          {EVENT_TYPES.map((t) => (
            <label key={t} className="inline-flex items-center gap-1">
              <input type="checkbox" name={`event:${t}`} defaultChecked={DEFAULT_EVENTS.includes(t)} />{' '}
              {EVENT_LABELS[t]}
            </label>
          ))}
        </div>
        {fieldError('events') && (
          <p role="alert" className="mt-1 text-sm text-red-700">
            {fieldError('events')}
          </p>
        )}
      </fieldset>
      <div className="flex flex-wrap items-end gap-3">
        <div className="min-w-64 flex-1">
          <TextField
            label="Signing secret (optional, at least 16 characters; never shown again)"
            name="secret"
            type="password"
            autoComplete="off"
            error={fieldError('secret')}
          />
        </div>
        <Button type="submit" disabled={pending}>
          {pending ? 'Adding…' : 'Add webhook'}
        </Button>
      </div>
      {error && !(error instanceof ApiError && error.fields.length) && (
        <p role="alert" className="text-sm text-red-700">
          {error.message}
        </p>
      )}
    </form>
  );
}

'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { apiFetch, ApiError } from '@/components/api';
import { telemetryKeys } from '@/components/query-keys';
import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';

interface Settings {
  idleThresholdPercent: number;
  idleWindowMinutes: number;
  prices: Record<string, number>;
  updatedAt: string | null;
}

// Named as the API's fields: one key reads the saved value, the field's error and the form's entry.
const IDLE_FIELDS = [
  { name: 'idleThresholdPercent', label: 'Idle threshold (%)', step: '0.1' },
  { name: 'idleWindowMinutes', label: 'Idle window (minutes)', step: '1' },
] as const;

/** `h100-80gb=4.5, t4=0.6` <-> { 'h100-80gb': 4.5, t4: 0.6 }; a bad pair is left for the server to name. */
function parsePrices(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of text
    .split(/[,\n]/)
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [kind, price] = part.split('=').map((s) => s.trim());
    out[kind] = price === undefined || price === '' ? Number.NaN : Number(price);
  }
  return out;
}

/** Admins: idle threshold and window, and the price per GPU-hour per kind. */
export function TelemetrySettingsForm() {
  const qc = useQueryClient();
  const settings = useQuery({
    queryKey: telemetryKeys.settings(),
    queryFn: () => apiFetch<Settings>('/api/admin/telemetry-settings'),
  });
  const save = useMutation({
    mutationFn: (json: unknown) => apiFetch<Settings>('/api/admin/telemetry-settings', { method: 'PUT', json }),
    onSuccess: () => qc.invalidateQueries({ queryKey: telemetryKeys.all }),
  });
  if (settings.isPending) return <p className="text-sm text-slate-500">Loading settings…</p>;
  if (settings.isError)
    return (
      <p role="alert" className="text-sm text-red-700 dark:text-red-400">
        {settings.error.message}
      </p>
    );
  const s = settings.data;

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    save.mutate({
      idleThresholdPercent: Number(f.get('idleThresholdPercent')),
      idleWindowMinutes: Number(f.get('idleWindowMinutes')),
      prices: parsePrices(String(f.get('prices') ?? '')),
    });
  }
  const err = save.error instanceof ApiError ? save.error : null;
  const pricesError = err?.fields.find((x) => x.field.startsWith('prices'))?.message;
  return (
    <form
      key={s.updatedAt ?? 'default'}
      onSubmit={onSubmit}
      aria-label="Telemetry settings"
      className="grid gap-4 sm:grid-cols-3"
    >
      {IDLE_FIELDS.map(({ name, ...field }) => (
        <TextField
          key={name}
          name={name}
          type="number"
          {...field}
          defaultValue={s[name]}
          error={err?.fieldMessage(name)}
        />
      ))}
      <TextField
        label="Price per GPU-hour (kind=price, …)"
        name="prices"
        defaultValue={Object.entries(s.prices)
          .map(([k, v]) => `${k}=${v}`)
          .join(', ')}
        placeholder="h100-80gb=4.5, t4=0.6"
        error={pricesError}
      />
      <div className="sm:col-span-3">
        <Button type="submit" disabled={save.isPending}>
          {save.isPending ? 'Saving…' : 'Save settings'}
        </Button>
        {save.isSuccess && <span className="ml-3 text-sm text-emerald-700 dark:text-emerald-400">Saved.</span>}
        {err && !err.fields.length && (
          <span role="alert" className="ml-3 text-sm text-red-700">
            {err.message}
          </span>
        )}
      </div>
    </form>
  );
}

'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent } from 'react';
import { apiFetch, ApiError } from '@/components/api';
import { gpuKindKeys, quotaKeys, teamKeys } from '@/components/query-keys';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { SelectField, TextField } from '@/components/ui/field';
import { Table, Td } from '@/components/ui/table';
import type { QuotaView } from '@/components/jobs/types';

// What an admin sets per team and GPU kind; weekly GPU-hours left empty means no limit.
const LIMITS = [
  { name: 'guaranteed', label: 'Guaranteed GPUs', defaultValue: '0' },
  { name: 'borrowingLimit', label: 'Borrowing limit', defaultValue: '0' },
  { name: 'weeklyGpuHours', label: 'Weekly GPU-hours', placeholder: 'no limit' },
] as const;

/** Admins set each team's quota per GPU kind; saving an existing team and kind replaces it. */
export function QuotasPanel() {
  const qc = useQueryClient();
  const quotas = useQuery({
    queryKey: quotaKeys.admin(),
    queryFn: () => apiFetch<QuotaView[]>('/api/admin/quotas'),
    refetchInterval: 5_000,
  });
  const teams = useQuery({ queryKey: teamKeys.list(), queryFn: () => apiFetch<Array<{ slug: string }>>('/api/teams') });
  const kinds = useQuery({
    queryKey: gpuKindKeys.list(),
    queryFn: () => apiFetch<Array<{ id: string }>>('/api/cluster/gpu-kinds'),
  });
  const save = useMutation({
    mutationFn: (input: Record<string, unknown>) =>
      apiFetch<QuotaView>('/api/admin/quotas', { method: 'PUT', json: input }),
    onSuccess: () => qc.invalidateQueries({ queryKey: quotaKeys.all }),
  });
  const err = (f: string) => (save.error instanceof ApiError ? save.error.fieldMessage(f) : undefined);

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const n = (k: string) => (String(f.get(k) ?? '').trim() === '' ? undefined : Number(f.get(k)));
    const weekly = n('weeklyGpuHours');
    save.mutate({
      team: f.get('team'),
      gpuKind: f.get('gpuKind'),
      guaranteed: n('guaranteed'),
      borrowingLimit: n('borrowingLimit') ?? 0,
      weeklyGpuHours: weekly ?? null,
    });
  }

  return (
    <Card title="Quotas">
      <form
        onSubmit={onSubmit}
        className="mb-6 grid grid-cols-1 gap-3 sm:grid-cols-6"
        aria-label="Set quota"
        noValidate
      >
        <SelectField label="Team" name="team" error={err('team')}>
          {(teams.data ?? []).map((t) => (
            <option key={t.slug}>{t.slug}</option>
          ))}
        </SelectField>
        <SelectField label="GPU kind" name="gpuKind" error={err('gpuKind')}>
          {(kinds.data ?? []).map((k) => (
            <option key={k.id}>{k.id}</option>
          ))}
        </SelectField>
        {LIMITS.map(({ name, ...field }) => (
          <TextField key={name} name={name} type="number" min={0} {...field} error={err(name)} />
        ))}
        <div className="flex items-end">
          <Button type="submit" disabled={save.isPending} className="w-full">
            Save quota
          </Button>
        </div>
        {save.isSuccess && (
          <p role="status" className="text-sm text-emerald-700 sm:col-span-6">
            Saved {save.data.team} / {save.data.gpuKind}.
          </p>
        )}
      </form>
      {quotas.data && quotas.data.length === 0 && (
        <p className="text-sm">No quotas yet: without one a team’s jobs never run.</p>
      )}
      {quotas.data && quotas.data.length > 0 && (
        <Table
          caption="Quotas"
          head={[
            'Team',
            'GPU kind',
            'Guaranteed',
            'Borrowing limit',
            'Weekly GPU-hours',
            'In use',
            'Borrowed',
            'Used this week',
          ]}
        >
          {quotas.data.map((q) => (
            <tr key={`${q.team}/${q.gpuKind}`} data-quota={`${q.team}/${q.gpuKind}`}>
              <Td className="font-mono text-xs">{q.team}</Td>
              <Td className="font-mono text-xs">{q.gpuKind}</Td>
              <Td className="tabular-nums">{q.guaranteed}</Td>
              <Td className="tabular-nums">{q.borrowingLimit}</Td>
              <Td className="tabular-nums">{q.weeklyGpuHours ?? '—'}</Td>
              <Td className="tabular-nums">{q.inUse}</Td>
              <Td className="tabular-nums">{q.borrowed}</Td>
              <Td className="tabular-nums">{q.usedGpuHoursThisWeek}</Td>
            </tr>
          ))}
        </Table>
      )}
    </Card>
  );
}

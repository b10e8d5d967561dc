'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { apiFetch, ApiError } from '@/components/api';
import { teamKeys } from '@/components/query-keys';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { TextField } from '@/components/ui/field';
import { Table, Td } from '@/components/ui/table';
import { TeamPolicy } from './team-policy';

interface TeamRow {
  id: string;
  slug: string;
  name: string;
  cohort: string | null;
  members: number;
}

export function TeamsPanel() {
  const qc = useQueryClient();
  const teams = useQuery({ queryKey: teamKeys.list(), queryFn: () => apiFetch<TeamRow[]>('/api/teams') });
  const create = useMutation({
    mutationFn: (input: Record<string, unknown>) => apiFetch('/api/admin/teams', { method: 'POST', json: input }),
    onSuccess: () => qc.invalidateQueries({ queryKey: teamKeys.all }),
  });
  const err = (f: string) => (create.error instanceof ApiError ? create.error.fieldMessage(f) : undefined);
  const [policyOf, setPolicyOf] = useState<string | null>(null);

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    const cohort = String(f.get('cohort') ?? '').trim();
    create.mutate(
      { slug: f.get('slug'), name: f.get('name'), ...(cohort ? { cohort } : {}) },
      { onSuccess: () => form.reset() },
    );
  }

  return (
    <Card title="Teams">
      <form
        onSubmit={onSubmit}
        className="mb-6 grid grid-cols-1 gap-3 sm:grid-cols-4"
        aria-label="Create team"
        noValidate
      >
        <TextField label="Slug" name="slug" placeholder="vision" error={err('slug')} />
        <TextField label="Name" name="name" placeholder="Vision" error={err('name')} />
        <TextField label="Cohort (department)" name="cohort" placeholder="research" error={err('cohort')} />
        <div className="flex items-end">
          <Button type="submit" disabled={create.isPending} className="w-full">
            Add team
          </Button>
        </div>
        {create.isError && create.error instanceof ApiError && create.error.fields.length === 0 && (
          <p role="alert" className="text-sm text-red-700 sm:col-span-4">
            {create.error.message}
          </p>
        )}
      </form>
      {teams.data && teams.data.length === 0 && <p className="text-sm">No teams yet. Add the first one above.</p>}
      {teams.data && teams.data.length > 0 && (
        <Table caption="Teams" head={['Slug', 'Name', 'Cohort', 'Members', 'Workload policy']}>
          {teams.data.map((t) => (
            <tr key={t.id}>
              <Td className="font-mono">{t.slug}</Td>
              <Td>{t.name}</Td>
              <Td>{t.cohort ?? '—'}</Td>
              <Td className="tabular-nums">{t.members}</Td>
              <Td>
                <Button
                  variant="ghost"
                  aria-expanded={policyOf === t.slug}
                  onClick={() => setPolicyOf(policyOf === t.slug ? null : t.slug)}
                >
                  {policyOf === t.slug ? 'Hide policy' : 'Policy'}
                </Button>
              </Td>
            </tr>
          ))}
        </Table>
      )}
      {policyOf && <TeamPolicy slug={policyOf} />}
    </Card>
  );
}

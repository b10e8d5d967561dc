'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { apiFetch, ApiError } from '@/components/api';
import { tokenKeys } from '@/components/query-keys';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { TextField } from '@/components/ui/field';
import { NewTokenNotice } from './new-token-notice';
import { TokenTable, type TokenRow } from './token-table';

export function TokensPanel() {
  const qc = useQueryClient();
  const tokens = useQuery({ queryKey: tokenKeys.list(), queryFn: () => apiFetch<TokenRow[]>('/api/tokens') });
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);

  const create = useMutation({
    mutationFn: (name: string) =>
      apiFetch<TokenRow & { token: string }>('/api/tokens', { method: 'POST', json: { name } }),
    onSuccess: (row) => {
      setCreated({ name: row.name, token: row.token });
      void qc.invalidateQueries({ queryKey: tokenKeys.all });
    },
  });
  const revoke = useMutation({
    mutationFn: (id: string) => apiFetch<TokenRow>(`/api/tokens/${id}`, { method: 'DELETE' }),
    onSuccess: () => qc.invalidateQueries({ queryKey: tokenKeys.all }),
  });

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    create.mutate(String(new FormData(form).get('name') ?? ''), { onSuccess: () => form.reset() });
  }

  const nameError =
    create.error instanceof ApiError ? (create.error.fieldMessage('name') ?? create.error.message) : undefined;
  return (
    <Card title="API tokens">
      <p className="mb-4 text-sm text-slate-600 dark:text-slate-400">
        Scripts call Gantry&apos;s API with <code className="font-mono">Authorization: Bearer &lt;token&gt;</code>. A
        token acts as you, with your role. It is shown once; Gantry keeps only its hash.
      </p>
      <form onSubmit={onSubmit} className="mb-6 flex flex-wrap items-end gap-3">
        <div className="min-w-64 flex-1">
          <TextField label="Token name" name="name" placeholder="e.g. ci-submit" error={nameError} maxLength={80} />
        </div>
        <Button type="submit" disabled={create.isPending}>
          {create.isPending ? 'Creating…' : 'Create token'}
        </Button>
      </form>
      {created && <NewTokenNotice {...created} onDismiss={() => setCreated(null)} />}
      {tokens.isPending && <p className="text-sm">Loading tokens…</p>}
      {tokens.isError && (
        <p role="alert" className="text-sm text-red-700">
          Could not load tokens: {tokens.error.message}
        </p>
      )}
      {tokens.data && (
        <TokenTable
          tokens={tokens.data}
          onRevoke={(id) => revoke.mutate(id)}
          revoking={revoke.isPending ? revoke.variables : undefined}
        />
      )}
    </Card>
  );
}

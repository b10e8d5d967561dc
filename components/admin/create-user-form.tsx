'use client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent } from 'react';
import { apiFetch, ApiError } from '@/components/api';
import { userKeys, teamKeys } from '@/components/query-keys';
import { Button } from '@/components/ui/button';
import { SelectField, TextField } from '@/components/ui/field';

export function CreateUserForm() {
  const qc = useQueryClient();
  const create = useMutation({
    mutationFn: (input: Record<string, unknown>) => apiFetch('/api/admin/users', { method: 'POST', json: input }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: userKeys.all });
      void qc.invalidateQueries({ queryKey: teamKeys.all });
    },
  });
  const err = (f: string) => (create.error instanceof ApiError ? create.error.fieldMessage(f) : undefined);

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    const teams = String(f.get('teams') ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    create.mutate(
      { email: f.get('email'), name: f.get('name'), role: f.get('role'), password: f.get('password'), teams },
      { onSuccess: () => form.reset() },
    );
  }

  return (
    <form
      onSubmit={onSubmit}
      className="mb-6 grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-6"
      aria-label="Create user"
      noValidate
    >
      <TextField label="Name" name="name" error={err('name')} />
      <TextField label="Email" name="email" type="email" error={err('email')} />
      <TextField
        label="Initial password"
        name="password"
        type="password"
        autoComplete="new-password"
        error={err('password')}
      />
      <SelectField label="Role" name="role" defaultValue="researcher" error={err('role')}>
        <option value="researcher">researcher</option>
        <option value="viewer">viewer</option>
        <option value="admin">admin</option>
      </SelectField>
      <TextField label="Teams (comma-separated)" name="teams" placeholder="vision, nlp" error={err('teams')} />
      <div className="flex items-end">
        <Button type="submit" disabled={create.isPending} className="w-full">
          Add user
        </Button>
      </div>
      {create.isError && !create.error.message.includes('invalid fields') && (
        <p role="alert" className="text-sm text-red-700 sm:col-span-2 lg:col-span-6 dark:text-red-400">
          {create.error.message}
        </p>
      )}
    </form>
  );
}

'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiFetch } from '@/components/api';
import { userKeys } from '@/components/query-keys';
import { Card } from '@/components/ui/card';
import { Table, Td } from '@/components/ui/table';
import { CreateUserForm } from './create-user-form';

export interface UserRow {
  id: string;
  email: string;
  name: string;
  role: 'admin' | 'researcher' | 'viewer';
  teams: { slug: string; name: string }[];
  disabled: boolean;
}

export function UsersPanel({ selfId }: { selfId: string }) {
  const qc = useQueryClient();
  const users = useQuery({ queryKey: userKeys.list(), queryFn: () => apiFetch<UserRow[]>('/api/admin/users') });
  const update = useMutation({
    mutationFn: ({ id, ...patch }: { id: string; role?: string; disabled?: boolean }) =>
      apiFetch<UserRow>(`/api/admin/users/${id}`, { method: 'PATCH', json: patch }),
    onSettled: () => qc.invalidateQueries({ queryKey: userKeys.all }),
  });

  return (
    <Card title="Users">
      <CreateUserForm />
      {update.isError && (
        <p role="alert" className="mb-3 text-sm text-red-700 dark:text-red-400">
          {update.error.message}
        </p>
      )}
      {users.isPending && <p className="text-sm">Loading users…</p>}
      {users.isError && <p role="alert" className="text-sm text-red-700">Could not load users: {users.error.message}</p>}
      {users.data && (
        <Table caption="Users" head={['Name', 'Email', 'Teams', 'Role', 'Status']}>
          {users.data.map((u) => (
            <tr key={u.id} data-testid="user-row">
              <Td className="font-medium">{u.name}</Td>
              <Td>{u.email}</Td>
              <Td>{u.teams.map((t) => t.slug).join(', ') || '—'}</Td>
              <Td>
                <label className="sr-only" htmlFor={`role-${u.id}`}>Role of {u.email}</label>
                <select
                  id={`role-${u.id}`}
                  value={u.role}
                  className="rounded border border-slate-300 bg-white px-2 py-1 dark:border-slate-600 dark:bg-slate-900"
                  onChange={(e) => update.mutate({ id: u.id, role: e.target.value })}
                >
                  <option value="admin">admin</option>
                  <option value="researcher">researcher</option>
                  <option value="viewer">viewer</option>
                </select>
              </Td>
              <Td>
                <button
                  type="button"
                  disabled={u.id === selfId}
                  className="text-sm underline disabled:no-underline disabled:opacity-50"
                  onClick={() => update.mutate({ id: u.id, disabled: !u.disabled })}
                  aria-label={`${u.disabled ? 'Enable' : 'Disable'} ${u.email}`}
                >
                  {u.disabled ? 'disabled · enable' : 'active · disable'}
                </button>
              </Td>
            </tr>
          ))}
        </Table>
      )}
    </Card>
  );
}

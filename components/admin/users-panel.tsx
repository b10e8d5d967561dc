'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Fragment, useState } from 'react';
import { apiFetch } from '@/components/api';
import { userKeys } from '@/components/query-keys';
import { Card } from '@/components/ui/card';
import { Table, Td } from '@/components/ui/table';
import { CreateUserForm } from './create-user-form';
import { UserIdentities } from './user-identities';
import { UserTeams } from './user-teams';

export interface UserRow {
  id: string;
  email: string;
  name: string;
  role: 'admin' | 'researcher' | 'viewer';
  teams: { slug: string; name: string; source: 'manual' | 'oidc' }[];
  disabled: boolean;
}

/** `oidcIssuer`: the configured provider, offered when linking an identity (null without SSO). */
export function UsersPanel({ selfId, oidcIssuer = null }: { selfId: string; oidcIssuer?: string | null }) {
  const qc = useQueryClient();
  const [identitiesOf, setIdentitiesOf] = useState<string | null>(null);
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
      {users.isError && (
        <p role="alert" className="text-sm text-red-700">
          Could not load users: {users.error.message}
        </p>
      )}
      {users.data && (
        <Table caption="Users" head={['Name', 'Email', 'Teams', 'Role', 'Status', 'Sign-in']}>
          {users.data.map((u) => (
            <Fragment key={u.id}>
              <tr data-testid="user-row">
                <Td className="font-medium">{u.name}</Td>
                <Td>{u.email}</Td>
                <Td>
                  <UserTeams teams={u.teams} />
                </Td>
                <Td>
                  <label className="sr-only" htmlFor={`role-${u.id}`}>
                    Role of {u.email}
                  </label>
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
                <Td>
                  <button
                    type="button"
                    className="text-sm underline"
                    aria-expanded={identitiesOf === u.id}
                    aria-label={`Identities of ${u.email}`}
                    onClick={() => setIdentitiesOf(identitiesOf === u.id ? null : u.id)}
                  >
                    identities
                  </button>
                </Td>
              </tr>
              {identitiesOf === u.id && (
                <tr>
                  <td colSpan={6} className="px-3">
                    <UserIdentities userId={u.id} email={u.email} issuer={oidcIssuer} />
                  </td>
                </tr>
              )}
            </Fragment>
          ))}
        </Table>
      )}
    </Card>
  );
}

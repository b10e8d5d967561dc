'use client';
// Accounts and client addresses locked out by failed sign-ins or invalid API tokens
// (lib/server/auth/throttle.ts); clearing one lets it sign in again at once, and is audited.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiFetch, ApiError } from '@/components/api';
import { lockoutKeys } from '@/components/query-keys';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { Table, Td } from '@/components/ui/table';

interface LockoutRow {
  scope: 'account' | 'address' | 'token-address';
  key: string;
  failures: number;
  lastFailureAt: string;
  lockedUntil: string;
  retryAfterSeconds: number;
}

const SCOPE_LABEL: Record<LockoutRow['scope'], string> = {
  account: 'Account (sign-in)',
  address: 'Address (sign-in)',
  'token-address': 'Address (API tokens)',
};

export function LockoutsPanel() {
  const qc = useQueryClient();
  const lockouts = useQuery({
    queryKey: lockoutKeys.list(),
    queryFn: () => apiFetch<LockoutRow[]>('/api/admin/lockouts'),
  });
  const clear = useMutation({
    mutationFn: (row: Pick<LockoutRow, 'scope' | 'key'>) =>
      apiFetch(`/api/admin/lockouts?${new URLSearchParams({ scope: row.scope, key: row.key })}`, { method: 'DELETE' }),
    onSuccess: () => qc.invalidateQueries({ queryKey: lockoutKeys.all }),
  });

  return (
    <Card title="Sign-in lockouts">
      {clear.isError && clear.error instanceof ApiError && (
        <p role="alert" className="mb-3 text-sm text-red-700">
          {clear.error.message}
        </p>
      )}
      {lockouts.isError && (
        <p role="alert" className="text-sm text-red-700">
          Could not load lockouts.
        </p>
      )}
      {lockouts.data && lockouts.data.length === 0 && <p className="text-sm">Nobody is locked out.</p>}
      {lockouts.data && lockouts.data.length > 0 && (
        <Table
          caption="Locked-out accounts and addresses"
          head={['Kind', 'Account or address', 'Failures', 'Locked until', '']}
        >
          {lockouts.data.map((l) => (
            <tr key={`${l.scope}:${l.key}`}>
              <Td>{SCOPE_LABEL[l.scope]}</Td>
              <Td className="font-mono">{l.key}</Td>
              <Td className="tabular-nums">{l.failures}</Td>
              <Td>
                <time dateTime={l.lockedUntil}>{new Date(l.lockedUntil).toLocaleString()}</time>
              </Td>
              <Td>
                <Button
                  variant="secondary"
                  disabled={clear.isPending}
                  onClick={() => clear.mutate(l)}
                  aria-label={`Clear lockout of ${l.key}`}
                >
                  Clear
                </Button>
              </Td>
            </tr>
          ))}
        </Table>
      )}
    </Card>
  );
}

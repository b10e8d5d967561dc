'use client';
import { Button } from '@/components/ui/button';
import { Table, Td } from '@/components/ui/table';
import { formatDate } from '@/components/format';
import type { TokenView as TokenRow } from '@/lib/server/tokens/token-view';

export type { TokenRow };

export function TokenTable({
  tokens,
  onRevoke,
  revoking,
}: {
  tokens: TokenRow[];
  onRevoke: (id: string) => void;
  revoking?: string;
}) {
  if (tokens.length === 0) {
    return (
      <p className="text-sm text-slate-600 dark:text-slate-400">
        You have no tokens yet. Create one above to use the API from scripts.
      </p>
    );
  }
  return (
    <Table caption="Your API tokens" head={['Name', 'Token', 'Created', 'Last used', 'Status', '']}>
      {tokens.map((t) => (
        <tr key={t.id} data-testid="token-row">
          <Td className="font-medium">{t.name}</Td>
          <Td className="font-mono text-xs">{t.prefix}…</Td>
          <Td>{formatDate(t.createdAt)}</Td>
          <Td>{t.lastUsedAt ? formatDate(t.lastUsedAt) : 'never'}</Td>
          <Td>
            {t.revokedAt ? (
              <span className="text-slate-500">revoked</span>
            ) : (
              <span className="text-emerald-700 dark:text-emerald-400">active</span>
            )}
          </Td>
          <Td className="text-right">
            {!t.revokedAt && (
              <Button
                variant="danger"
                type="button"
                onClick={() => onRevoke(t.id)}
                disabled={revoking === t.id}
                aria-label={`Revoke token ${t.name}`}
              >
                Revoke
              </Button>
            )}
          </Td>
        </tr>
      ))}
    </Table>
  );
}

'use client';
import { useQuery } from '@tanstack/react-query';
import { apiFetch } from '@/components/api';
import { formatDate } from '@/components/format';
import { Table, Td } from '@/components/ui/table';
import type { DeliveryView } from '@/lib/server/notifications/list-deliveries';
import { notificationKeys } from './keys';

/** A webhook's latest deliveries: what was sent, how the receiver answered, what is retried. */
export function WebhookDeliveries({ base, id }: { base: string; id: string }) {
  const list = useQuery({
    queryKey: [...notificationKeys.deliveries(id), base],
    queryFn: () => apiFetch<DeliveryView[]>(`${base}/${id}/deliveries`),
    refetchInterval: 10_000,
  });
  if (list.isPending) return <p className="text-sm">Loading deliveries…</p>;
  if (list.isError)
    return (
      <p role="alert" className="text-sm text-red-700">
        Could not load deliveries: {list.error.message}
      </p>
    );
  if (!list.data.length) return <p className="text-sm text-slate-600 dark:text-slate-400">No deliveries yet.</p>;
  return (
    <Table caption="Deliveries" head={['When', 'Event', 'Status', 'HTTP', 'Attempts', 'Time', 'Last error']}>
      {list.data.map((d) => (
        <tr key={d.id}>
          <Td>{formatDate(d.createdAt)}</Td>
          <Td>
            {d.event}
            {d.events > 1 ? ` (${d.events})` : ''}
          </Td>
          <Td>
            {d.status}
            {d.nextAttemptAt ? `, next ${formatDate(d.nextAttemptAt)}` : ''}
          </Td>
          <Td>{d.statusCode ?? '–'}</Td>
          <Td>{d.attempts}</Td>
          <Td>{d.durationMs === null ? '–' : `${d.durationMs} ms`}</Td>
          <Td className="max-w-xs truncate">{d.lastError ?? ''}</Td>
        </tr>
      ))}
    </Table>
  );
}

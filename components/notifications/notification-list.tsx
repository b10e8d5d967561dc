'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { apiFetch } from '@/components/api';
import { formatDate } from '@/components/format';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { EVENT_LABELS, type EventType } from '@/lib/domain/notifications/events';
import { localHref, notificationKeys, type NotificationList } from './keys';

export function NotificationsList() {
  const qc = useQueryClient();
  const list = useQuery({
    queryKey: notificationKeys.list(),
    queryFn: () => apiFetch<NotificationList>('/api/me/notifications?limit=100'),
    refetchInterval: 15_000,
  });
  const mark = useMutation({
    mutationFn: (input: { id: number } | { all: true }) =>
      apiFetch<{ marked: number }>('/api/me/notifications/read', { method: 'POST', json: input }),
    onSuccess: () => qc.invalidateQueries({ queryKey: notificationKeys.all }),
  });
  const data = list.data;
  return (
    <Card
      title={data ? `${data.unread} unread` : 'Notifications'}
      actions={
        <Button
          variant="secondary"
          disabled={!data?.unread || mark.isPending}
          onClick={() => mark.mutate({ all: true })}
        >
          Mark all read
        </Button>
      }
    >
      {list.isPending && <p className="text-sm">Loading notifications…</p>}
      {list.isError && (
        <p role="alert" className="text-sm text-red-700">
          Could not load notifications: {list.error.message}
        </p>
      )}
      {data && data.items.length === 0 && (
        <p className="text-sm text-slate-600 dark:text-slate-400">
          Nothing yet. Choose what you hear about under{' '}
          <Link className="underline" href="/settings#notifications">
            Your account
          </Link>
          .
        </p>
      )}
      {data && data.items.length > 0 && (
        <ul className="divide-y divide-slate-200 dark:divide-slate-800" aria-label="Notifications">
          {data.items.map((n) => (
            <li
              key={n.id}
              className={`flex items-start gap-3 py-3 ${n.read ? 'opacity-70' : ''}`}
              data-testid="notification"
            >
              <span
                aria-hidden="true"
                className={`mt-1.5 h-2 w-2 shrink-0 rounded-full ${n.read ? 'bg-transparent' : 'bg-indigo-600'}`}
              />
              <div className="min-w-0 flex-1">
                <p className="text-sm font-medium">
                  <Link
                    href={localHref(n.url)}
                    className="hover:underline"
                    onClick={() => !n.read && mark.mutate({ id: n.id })}
                  >
                    {EVENT_LABELS[n.event as EventType] ?? n.event}
                  </Link>
                  {!n.read && <span className="sr-only"> (unread)</span>}
                </p>
                <p className="text-sm text-slate-700 dark:text-slate-300">{n.message}</p>
                <p className="text-xs text-slate-500">{formatDate(n.createdAt)}</p>
              </div>
              {!n.read && (
                <Button
                  variant="ghost"
                  onClick={() => mark.mutate({ id: n.id })}
                  aria-label={`Mark read: ${n.message}`}
                >
                  Mark read
                </Button>
              )}
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

'use client';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { apiFetch } from '@/components/api';
import { notificationKeys, type NotificationList } from './keys';

/** The header's bell: unread count, refreshed every 15 s and whenever the page marks some read. */
export function NotificationBell() {
  const list = useQuery({
    queryKey: notificationKeys.list({ unread: true }),
    queryFn: () => apiFetch<NotificationList>('/api/me/notifications?unread=1&limit=1'),
    refetchInterval: 15_000,
  });
  const unread = list.data?.unread ?? 0;
  const label = unread ? `Notifications, ${unread} unread` : 'Notifications';
  return (
    <Link
      href="/notifications"
      aria-label={label}
      title={label}
      className="relative rounded-md p-2 text-slate-700 hover:bg-slate-100 dark:text-slate-200 dark:hover:bg-slate-800"
    >
      <svg aria-hidden="true" viewBox="0 0 24 24" className="h-5 w-5" fill="none" stroke="currentColor" strokeWidth="2">
        <path d="M18 8a6 6 0 0 0-12 0c0 7-3 9-3 9h18s-3-2-3-9" />
        <path d="M13.7 21a2 2 0 0 1-3.4 0" />
      </svg>
      {unread > 0 && (
        <span
          data-testid="bell-count"
          className="absolute -right-1 -top-1 min-w-5 rounded-full bg-red-600 px-1 text-center text-xs font-semibold text-white"
        >
          {unread > 99 ? '99+' : unread}
        </span>
      )}
    </Link>
  );
}

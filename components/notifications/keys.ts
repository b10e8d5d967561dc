// Query keys for notifications, one factory (STYLE.md): the bell, the page and the settings share them.
import type { NotificationView } from '@/lib/server/notifications/list-notifications';

export const notificationKeys = {
  all: ['notifications'] as const,
  list: (filter: { unread?: boolean } = {}) => [...notificationKeys.all, 'list', filter] as const,
  preferences: () => [...notificationKeys.all, 'preferences'] as const,
  webhooks: () => [...notificationKeys.all, 'webhooks'] as const,
  deliveries: (id: string) => [...notificationKeys.all, 'deliveries', id] as const,
};

export interface NotificationList {
  unread: number;
  items: NotificationView[];
}

/** The console link of a notification: its path, so it opens on whatever host serves the console. */
export function localHref(url: string): string {
  try {
    const u = new URL(url);
    return `${u.pathname}${u.search}`;
  } catch {
    return url;
  }
}

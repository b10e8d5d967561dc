import type { Metadata } from 'next';
import Link from 'next/link';
import { NotificationsList } from '@/components/notifications/notification-list';
import { PageHeader } from '@/components/ui/card';
import { requirePageCtx } from '@/lib/http/session';

export const metadata: Metadata = { title: 'Notifications' };

export default async function NotificationsPage() {
  await requirePageCtx('viewer');
  return (
    <>
      <PageHeader
        title="Notifications"
        description="What happened to your jobs, GPUs and team budgets, newest first."
        actions={
          <Link
            href="/settings#notifications"
            className="text-sm font-medium text-indigo-700 hover:underline dark:text-indigo-300"
          >
            Choose what you hear about
          </Link>
        }
      />
      <NotificationsList />
    </>
  );
}

import type { Metadata } from 'next';
import Link from 'next/link';
import { QueueView } from '@/components/jobs/queue-view';
import { QuotaSummary } from '@/components/jobs/quota-summary';
import { PageHeader } from '@/components/ui/card';
import { requirePageCtx } from '@/lib/http/session';

export const metadata: Metadata = { title: 'Queue' };

export default async function QueuePage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const { actor } = await requirePageCtx('viewer');
  const sp = await searchParams;
  const canSubmit = actor.role !== 'viewer';
  return (
    <>
      <PageHeader
        title="Queue"
        description="Jobs waiting for GPUs, with their position, ETA and the reason they wait. Updates every two seconds."
        actions={
          canSubmit ? (
            <Link
              href="/jobs/new"
              className="rounded-md bg-indigo-600 px-3 py-2 text-sm font-medium text-white hover:bg-indigo-500"
            >
              Submit a job
            </Link>
          ) : (
            <p className="text-sm text-slate-600 dark:text-slate-400">
              Viewers follow the queue; submitting needs the researcher role.
            </p>
          )
        }
      />
      <div className="space-y-6">
        <QueueView
          isAdmin={actor.role === 'admin'}
          canHaveJobs={canSubmit}
          initial={{
            ...(sp.mine ? { user: 'me' } : {}),
            ...(sp.team ? { team: sp.team } : {}),
            ...(sp.state !== undefined ? { state: sp.state } : {}),
          }}
        />
        <QuotaSummary />
      </div>
    </>
  );
}

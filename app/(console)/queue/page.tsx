import type { Metadata } from 'next';
import { JobListHeader } from '@/components/jobs/job-list-header';
import { QueueView } from '@/components/jobs/queue-view';
import { QuotaSummary } from '@/components/jobs/quota-summary';
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
      <JobListHeader
        title="Queue"
        description="Jobs waiting for GPUs, with their position, ETA and the reason they wait. Updates every two seconds."
        canSubmit={canSubmit}
        viewerNote="Viewers follow the queue; submitting needs the researcher role."
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

import type { Metadata } from 'next';
import { JobListHeader } from '@/components/jobs/job-list-header';
import { QueueView } from '@/components/jobs/queue-view';
import { requirePageCtx } from '@/lib/http/session';

export const metadata: Metadata = { title: 'Jobs' };

export default async function JobsPage() {
  const { actor } = await requirePageCtx('viewer');
  const canSubmit = actor.role !== 'viewer';
  return (
    <>
      <JobListHeader
        title="Jobs"
        description="Your teams’ jobs (every team’s for admins) with their state and history. Scripts submit through POST /api/jobs with a personal token."
        canSubmit={canSubmit}
      />
      <QueueView
        isAdmin={actor.role === 'admin'}
        canHaveJobs={canSubmit}
        initial={{ state: '', ...(canSubmit ? { user: 'me' } : {}) }}
      />
    </>
  );
}

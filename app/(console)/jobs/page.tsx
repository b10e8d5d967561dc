import type { Metadata } from 'next';
import Link from 'next/link';
import { QueueView } from '@/components/jobs/queue-view';
import { PageHeader } from '@/components/ui/card';
import { requirePageCtx } from '@/lib/http/session';

export const metadata: Metadata = { title: 'Jobs' };

export default async function JobsPage() {
  const { actor } = await requirePageCtx('viewer');
  const canSubmit = actor.role !== 'viewer';
  return (
    <>
      <PageHeader
        title="Jobs"
        description="Your teams’ jobs (every team’s for admins) with their state and history. Scripts submit through POST /api/jobs with a personal token."
        actions={
          canSubmit ? (
            <Link
              href="/jobs/new"
              className="rounded-md bg-indigo-600 px-3 py-2 text-sm font-medium text-white hover:bg-indigo-500"
            >
              Submit a job
            </Link>
          ) : undefined
        }
      />
      <QueueView
        isAdmin={actor.role === 'admin'}
        canHaveJobs={canSubmit}
        initial={{ state: '', ...(canSubmit ? { user: 'me' } : {}) }}
      />
    </>
  );
}

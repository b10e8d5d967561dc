import Link from 'next/link';
import { PageHeader } from '@/components/ui/card';

/** The header of the Jobs and Queue pages: what the page lists, and "Submit a job" for those who may. */
export function JobListHeader({
  title,
  description,
  canSubmit,
  viewerNote,
}: {
  title: string;
  description: string;
  canSubmit: boolean;
  /** Shown instead of the link to those who may not submit. */
  viewerNote?: string;
}) {
  return (
    <PageHeader
      title={title}
      description={description}
      actions={
        canSubmit ? (
          <Link
            href="/jobs/new"
            className="rounded-md bg-indigo-600 px-3 py-2 text-sm font-medium text-white hover:bg-indigo-500"
          >
            Submit a job
          </Link>
        ) : (
          viewerNote && <p className="text-sm text-slate-600 dark:text-slate-400">{viewerNote}</p>
        )
      }
    />
  );
}

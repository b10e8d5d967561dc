import type { Metadata } from 'next';
import Link from 'next/link';
import { PageHeader } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { requirePageCtx } from '@/lib/http/session';

export const metadata: Metadata = { title: 'Workflows' };

export default async function WorkflowsPage() {
  await requirePageCtx('viewer');
  return (
    <>
      <PageHeader
        title="Workflows"
        description="The Argo Workflows Gantry created, with their live DAG and logs."
        actions={
          <Link
            href="/workflows/preview"
            className="inline-flex rounded-md border border-slate-300 bg-white px-3 py-2 text-sm font-medium text-slate-800 hover:bg-slate-50 dark:border-slate-600 dark:bg-slate-800 dark:text-slate-100 dark:hover:bg-slate-700"
          >
            Preview a workflow
          </Link>
        }
      />
      <EmptyState title="No workflows yet">
        When a job is admitted, Gantry creates its Argo Workflow (named gantry-&lt;job id&gt;) and follows it here step
        by step.
      </EmptyState>
    </>
  );
}

import type { Metadata } from 'next';
import { PageHeader } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { requirePageCtx } from '@/lib/http/session';

export const metadata: Metadata = { title: 'Workflows' };

export default async function WorkflowsPage() {
  await requirePageCtx('viewer');
  return (
    <>
      <PageHeader title="Workflows" description="The Argo Workflows Gantry created, with their live DAG and logs." />
      <EmptyState title="No workflows yet">
        When a job is admitted, Gantry creates its Argo Workflow (named gantry-&lt;job id&gt;) and follows it here
        step by step.
      </EmptyState>
    </>
  );
}

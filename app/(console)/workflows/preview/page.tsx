import type { Metadata } from 'next';
import { PageHeader } from '@/components/ui/card';
import { requirePageCtx } from '@/lib/http/session';
import { WorkflowPreviewClient } from './client';

export const metadata: Metadata = { title: 'Preview a workflow' };

export default async function WorkflowPreviewPage() {
  await requirePageCtx('viewer');
  return (
    <>
      <PageHeader
        title="Preview a workflow"
        description="Paste an Argo Workflow to see its DAG and every validation problem before you submit it."
      />
      <WorkflowPreviewClient />
    </>
  );
}

import type { Metadata } from 'next';
import { PageHeader } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { requirePageCtx } from '@/lib/http/session';

export const metadata: Metadata = { title: 'Jobs' };

export default async function JobsPage() {
  await requirePageCtx('viewer');
  return (
    <>
      <PageHeader title="Jobs" description="Every job with its state, timeline and GPU use." />
      <EmptyState title="No jobs yet" action={{ href: '/settings', label: 'Create an API token' }}>
        Training runs, embedding pipelines, benchmark sweeps and raw Argo workflows you submit show up here with
        their history. Scripts submit through the API with a personal token.
      </EmptyState>
    </>
  );
}

import type { Metadata } from 'next';
import { PageHeader } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { requirePageCtx } from '@/lib/http/session';

export const metadata: Metadata = { title: 'Queue' };

export default async function QueuePage() {
  const { actor } = await requirePageCtx('viewer');
  return (
    <>
      <PageHeader title="Queue" description="Jobs waiting for GPUs, with their position, ETA and the reason they wait." />
      <EmptyState title="The queue is empty">
        No job is waiting for GPUs. {actor.role === 'viewer'
          ? 'Viewers can follow the queue here; submitting needs the researcher role.'
          : 'Jobs you submit through the API or the submit form appear here with their position and ETA.'}
      </EmptyState>
    </>
  );
}

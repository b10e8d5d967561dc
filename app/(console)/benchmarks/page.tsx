import type { Metadata } from 'next';
import { PageHeader } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { requirePageCtx } from '@/lib/http/session';

export const metadata: Metadata = { title: 'Benchmarks' };

export default async function BenchmarksPage() {
  await requirePageCtx('viewer');
  return (
    <>
      <PageHeader title="Benchmarks" description="Inference benchmark sweeps, rankings and shareable results." />
      <EmptyState title="No benchmark sweeps yet">
        Define a sweep over models, engines, quantizations and GPUs, run it through the queue, then rank the
        configurations with your own weights and share the result with a link.
      </EmptyState>
    </>
  );
}

import type { Metadata } from 'next';
import { DatasetList } from '@/components/benchmarks/dataset-list';
import { PageHeader } from '@/components/ui/card';
import { requirePageCtx } from '@/lib/http/session';
import { hasRole } from '@/lib/server/context';
import { listDatasets } from '@/lib/server/benchmarks/list-datasets';

export const metadata: Metadata = { title: 'Benchmarks' };

export default async function BenchmarksPage() {
  const ctx = await requirePageCtx('viewer');
  const datasets = await listDatasets({ ctx });
  return (
    <>
      <PageHeader
        title="Benchmarks"
        description="Inference benchmark results, rankings with your own weights, and shareable links."
      />
      <DatasetList initialData={datasets} canImport={hasRole(ctx.actor, 'researcher')} />
    </>
  );
}

import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { CompareWithSelect } from '@/components/benchmarks/compare-with-select';
import { DeleteDatasetButton } from '@/components/benchmarks/delete-dataset-button';
import { SweepRunPanel } from '@/components/benchmarks/sweep-run-panel';
import { DatasetWorkbench } from '@/components/benchmarks/workbench';
import { PageHeader } from '@/components/ui/card';
import { requirePageCtx } from '@/lib/http/session';
import { getDataset } from '@/lib/server/benchmarks/get-dataset';
import { listDatasets } from '@/lib/server/benchmarks/list-datasets';
import { hasRole } from '@/lib/server/context';
import { AppError } from '@/lib/server/errors';

export const metadata: Metadata = { title: 'Benchmark dataset' };

export default async function DatasetPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<{ runError?: string | string[] }>;
}) {
  const ctx = await requirePageCtx('viewer');
  const { id } = await params;
  const { runError } = await searchParams;
  const dataset = await getDataset({ ctx, input: { id } }).catch((e) => {
    if (e instanceof AppError && (e.code === 'NOT_FOUND' || e.code === 'INVALID')) notFound();
    throw e;
  });
  const datasets = await listDatasets({ ctx });
  const canManage =
    hasRole(ctx.actor, 'admin') || (hasRole(ctx.actor, 'researcher') && dataset.createdBy?.id === ctx.actor.id);
  return (
    <>
      <PageHeader
        title={dataset.name}
        description={`${dataset.resultCount.toLocaleString('en-US')} results · ${dataset.origin ?? dataset.source}${dataset.team ? ` · team ${dataset.team.name}` : ''}`}
        actions={
          <div className="flex flex-wrap items-center gap-4">
            <CompareWithSelect datasetId={dataset.id} datasets={datasets.map((d) => ({ id: d.id, name: d.name }))} />
            <Link href="/benchmarks" className="text-sm text-indigo-700 hover:underline dark:text-indigo-300">
              ← All datasets
            </Link>
            {canManage && (
              <DeleteDatasetButton datasetId={dataset.id} name={dataset.name} resultCount={dataset.resultCount} />
            )}
          </div>
        }
      />
      {canManage && dataset.source === 'sweep' && (
        <div className="mb-6 max-w-xl">
          <SweepRunPanel
            dataset={dataset}
            initialError={typeof runError === 'string' ? runError.slice(0, 500) : undefined}
          />
        </div>
      )}
      <DatasetWorkbench dataset={dataset} canShare={hasRole(ctx.actor, 'researcher')} />
    </>
  );
}

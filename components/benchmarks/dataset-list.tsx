'use client';
import Link from 'next/link';
import { formatDate } from '@/components/format';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { Table, Td } from '@/components/ui/table';
import { DemoImportButtons } from './demo-import-buttons';
import { useDatasets } from './hooks/use-datasets';
import type { DatasetRow } from './types';
import { SweepForm } from './sweep-form';
import { UploadForm } from './upload-form';

export function DatasetList({ initialData, canImport }: { initialData: DatasetRow[]; canImport: boolean }) {
  const datasets = useDatasets(initialData);
  const rows = datasets.data ?? [];
  if (rows.length === 0) {
    return (
      <EmptyState title="No benchmark datasets yet">
        <p>
          Import a published benchmark table to explore rankings, or upload your own results. Then weigh throughput
          against latency and cost, and share the ranking with a link.
        </p>
        {canImport ? (
          <div className="mt-6 space-y-6 text-left">
            <DemoImportButtons />
            <SweepForm />
          </div>
        ) : (
          <p className="mt-4">Ask a researcher to import data: viewers can look but not import.</p>
        )}
      </EmptyState>
    );
  }
  return (
    <div className="space-y-6">
      <Card title="Datasets">
        <Table caption="Benchmark datasets" head={['Name', 'Source', 'Results', 'Team', 'Created by', 'Created']}>
          {rows.map((d) => (
            <tr key={d.id} data-testid="dataset-row">
              <Td className="font-medium">
                <Link className="text-indigo-700 hover:underline dark:text-indigo-300" href={`/benchmarks/${d.id}`}>
                  {d.name}
                </Link>
              </Td>
              <Td>{d.origin ? `${d.source} · ${d.origin}` : d.source}</Td>
              <Td className="tabular-nums">{d.resultCount.toLocaleString('en-US')}</Td>
              <Td>{d.team?.name ?? '—'}</Td>
              <Td>{d.createdBy?.name ?? '—'}</Td>
              <Td>{formatDate(d.createdAt)}</Td>
            </tr>
          ))}
        </Table>
      </Card>
      {canImport && (
        <Card title="Add data">
          <div className="space-y-6">
            <DemoImportButtons />
            <UploadForm />
          </div>
        </Card>
      )}
      {canImport && (
        <Card title="New sweep">
          <SweepForm />
        </Card>
      )}
    </div>
  );
}

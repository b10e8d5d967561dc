'use client';
import { useRouter } from 'next/navigation';
import type { DatasetRow } from './types';

/** On the dataset page: pick another dataset to open the comparison (this one is A, the pick is B). */
export function CompareWithSelect({
  datasetId,
  datasets,
}: {
  datasetId: string;
  datasets: Pick<DatasetRow, 'id' | 'name'>[];
}) {
  const router = useRouter();
  const others = datasets.filter((d) => d.id !== datasetId);
  if (others.length === 0) return null;
  return (
    <label className="flex items-center gap-2 text-sm">
      <span>Compare with…</span>
      <select
        aria-label="Compare with"
        className="rounded-md border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-600 dark:bg-slate-900"
        value=""
        onChange={(e) => e.target.value && router.push(`/benchmarks/compare?a=${datasetId}&b=${e.target.value}`)}
      >
        <option value="">choose a dataset</option>
        {others.map((d) => (
          <option key={d.id} value={d.id}>
            {d.name}
          </option>
        ))}
      </select>
    </label>
  );
}

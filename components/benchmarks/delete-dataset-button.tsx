'use client';
import { useRouter } from 'next/navigation';
import { Button } from '@/components/ui/button';
import { useDeleteDataset } from './hooks/use-sweep-jobs';

/** Deletes the dataset and its results after a confirm; share links keep their frozen snapshot. */
export function DeleteDatasetButton({
  datasetId,
  name,
  resultCount,
}: {
  datasetId: string;
  name: string;
  resultCount: number;
}) {
  const router = useRouter();
  const remove = useDeleteDataset();
  function onClick() {
    const sure = window.confirm(
      `Delete "${name}" and its ${resultCount.toLocaleString('en-US')} results? Share links keep showing their snapshot until you revoke them.`,
    );
    if (!sure) return;
    remove.mutate(datasetId, { onSuccess: () => router.push('/benchmarks') });
  }
  return (
    <span className="inline-flex items-center gap-2">
      <Button type="button" variant="danger" disabled={remove.isPending} onClick={onClick}>
        {remove.isPending ? 'Deleting…' : 'Delete dataset'}
      </Button>
      {remove.isError && (
        <span role="alert" className="text-sm text-red-700 dark:text-red-400">
          {remove.error.message}
        </span>
      )}
    </span>
  );
}

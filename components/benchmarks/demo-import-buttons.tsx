'use client';
import { useRouter } from 'next/navigation';
import { Button } from '@/components/ui/button';
import { useImportDemo } from './hooks/use-datasets';
import { DEMO_SOURCES } from './types';

/** One button per published reference table; a successful import opens the dataset. */
export function DemoImportButtons() {
  const router = useRouter();
  const importDemo = useImportDemo();
  return (
    <div>
      <div className="flex flex-wrap justify-center gap-3">
        {DEMO_SOURCES.map((d) => (
          <Button
            key={d.source}
            type="button"
            variant="secondary"
            disabled={importDemo.isPending}
            title={d.hint}
            onClick={() =>
              importDemo.mutate(d.source, { onSuccess: (dataset) => router.push(`/benchmarks/${dataset.id}`) })
            }
          >
            {importDemo.isPending && importDemo.variables === d.source ? 'Importing…' : `Import demo data: ${d.label}`}
          </Button>
        ))}
      </div>
      {importDemo.isError && (
        <p role="alert" className="mt-3 text-sm text-red-700 dark:text-red-400">
          {importDemo.error.message}
        </p>
      )}
    </div>
  );
}

import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { CompareView } from '@/components/benchmarks/compare-view';
import { PageHeader } from '@/components/ui/card';
import { requirePageCtx } from '@/lib/http/session';
import { getDataset } from '@/lib/server/benchmarks/get-dataset';
import { AppError } from '@/lib/server/errors';

export const metadata: Metadata = { title: 'Compare benchmark datasets' };

export default async function ComparePage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const ctx = await requirePageCtx('viewer');
  const params = await searchParams;
  const ids = [params.a, params.b];
  if (!ids.every((id): id is string => typeof id === 'string' && id.length > 0)) notFound();
  const [a, b] = await Promise.all(
    ids.map((id) =>
      getDataset({ ctx, input: { id } }).catch((e) => {
        if (e instanceof AppError && (e.code === 'NOT_FOUND' || e.code === 'INVALID')) notFound();
        throw e;
      }),
    ),
  );
  return (
    <>
      <PageHeader
        title={`Compare ${a.name} with ${b.name}`}
        description="Matched by configuration; B worse than A beyond the threshold is a regression (red), better is an improvement (green)."
        actions={
          <Link href={`/benchmarks/${a.id}`} className="text-sm text-indigo-700 hover:underline dark:text-indigo-300">
            ← {a.name}
          </Link>
        }
      />
      <CompareView a={{ id: a.id, name: a.name }} b={{ id: b.id, name: b.name }} />
    </>
  );
}

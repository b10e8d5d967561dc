'use client';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { apiFetch } from '@/components/api';
import { teamKeys } from '@/components/query-keys';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { QueueFilters, type QueueFilter } from './queue-filters';
import { QueueTable } from './queue-table';
import { useGpuKinds, useJobPage } from './use-jobs';

export function QueueView({
  isAdmin,
  canHaveJobs,
  initial,
}: {
  isAdmin: boolean;
  canHaveJobs: boolean;
  initial: Partial<QueueFilter>;
}) {
  const [filter, setFilter] = useState<QueueFilter>({
    team: '',
    user: '',
    state: 'queued,admitted,submitted,running',
    gpuKind: '',
    page: '1',
    ...initial,
  });
  const jobs = useJobPage({ ...filter, pageSize: '50' });
  const teams = useQuery({ queryKey: teamKeys.list(), queryFn: () => apiFetch<Array<{ slug: string }>>('/api/teams') });
  const kinds = useGpuKinds();
  // Ages and ETAs are shown against the time the rows were fetched: it moves on with each refetch,
  // and the server's render (no rows yet) and the client's first one agree on it.
  const now = jobs.dataUpdatedAt;
  const page = Number(filter.page);
  const pages = jobs.data ? Math.max(1, Math.ceil(jobs.data.total / jobs.data.pageSize)) : 1;
  return (
    <Card>
      <QueueFilters
        filter={filter}
        onChange={setFilter}
        teams={(teams.data ?? []).map((t) => t.slug)}
        kinds={kinds.data ?? []}
        canHaveJobs={canHaveJobs}
      />
      {jobs.isError && (
        <p role="alert" className="text-sm text-red-700">
          Could not load the queue: {jobs.error.message}
        </p>
      )}
      {jobs.data && jobs.data.items.length === 0 && (
        <p className="py-6 text-center text-sm text-slate-600 dark:text-slate-400">No jobs match these filters.</p>
      )}
      {jobs.data && jobs.data.items.length > 0 && <QueueTable jobs={jobs.data.items} isAdmin={isAdmin} now={now} />}
      {jobs.data && (
        <div className="mt-4 flex items-center justify-between text-sm">
          <span className="tabular-nums" aria-live="polite">
            {jobs.data.total} job{jobs.data.total === 1 ? '' : 's'} · page {page} of {pages}
          </span>
          <div className="flex gap-2">
            <Button
              variant="secondary"
              disabled={page <= 1}
              onClick={() => setFilter({ ...filter, page: String(page - 1) })}
            >
              Previous
            </Button>
            <Button
              variant="secondary"
              disabled={page >= pages}
              onClick={() => setFilter({ ...filter, page: String(page + 1) })}
            >
              Next
            </Button>
          </div>
        </div>
      )}
    </Card>
  );
}

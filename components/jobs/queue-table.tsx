'use client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { apiFetch } from '@/components/api';
import { jobKeys } from '@/components/query-keys';
import { Table, Td } from '@/components/ui/table';
import { PRIORITY_CLASSES } from '@/lib/domain/terms';
import type { JobView } from './types';
import { formatEta, formatSpan } from './format';
import { StateBadge } from './state-badge';

export function QueueTable({ jobs, isAdmin, now }: { jobs: JobView[]; isAdmin: boolean; now: number }) {
  return (
    <Table caption="Jobs" head={['Job', 'Team', 'User', 'State', 'Priority', 'GPUs', 'Position', 'ETA', 'Why', 'Age']}>
      {jobs.map((j) => (
        <tr key={j.id} data-job-id={j.id}>
          <Td>
            <Link href={`/jobs/${j.id}`} className="font-medium text-indigo-700 hover:underline dark:text-indigo-300">
              {j.name}
            </Link>
            <span className="ml-1 text-xs text-slate-500">#{j.id}</span>
          </Td>
          <Td className="font-mono text-xs">{j.team}</Td>
          <Td className="text-xs">{j.user.email}</Td>
          <Td>
            <StateBadge state={j.state} />
          </Td>
          <Td>{isAdmin ? <PrioritySelect job={j} /> : j.priority}</Td>
          <Td className="whitespace-nowrap tabular-nums">
            {j.gpu.count} × <span className="font-mono text-xs">{j.gpu.kind}</span>
          </Td>
          <Td className="tabular-nums">{j.position ?? '—'}</Td>
          <Td className="whitespace-nowrap">{formatEta(j.eta, now)}</Td>
          <Td className="max-w-md text-xs text-slate-700 dark:text-slate-300">{j.message ?? '—'}</Td>
          <Td className="whitespace-nowrap tabular-nums">{formatSpan(now - new Date(j.submittedAt).getTime())}</Td>
        </tr>
      ))}
    </Table>
  );
}

function PrioritySelect({ job }: { job: JobView }) {
  const qc = useQueryClient();
  const change = useMutation({
    mutationFn: (priority: string) => apiFetch(`/api/jobs/${job.id}`, { method: 'PATCH', json: { priority } }),
    onSuccess: () => qc.invalidateQueries({ queryKey: jobKeys.all }),
  });
  return (
    <select
      aria-label={`Priority of job ${job.id}`}
      className="rounded border border-slate-300 bg-white px-1 py-0.5 text-xs dark:border-slate-600 dark:bg-slate-900"
      value={job.priority}
      disabled={change.isPending}
      onChange={(e) => change.mutate(e.target.value)}
    >
      {PRIORITY_CLASSES.map((p) => (
        <option key={p}>{p}</option>
      ))}
    </select>
  );
}

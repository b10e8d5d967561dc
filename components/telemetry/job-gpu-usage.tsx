'use client';
import { Table, Td } from '@/components/ui/table';
import { formatValue } from './format';
import { useJobGpuUsage } from './hooks/use-telemetry';

/** For a job's page: an "idle GPU" badge when the admin's idle rule flags one of its GPUs. */
export function IdleGpuBadge({ jobId }: { jobId: string }) {
  const usage = useJobGpuUsage(jobId);
  const idle = usage.data?.idle.length ?? 0;
  if (!idle) return null;
  return (
    <span
      data-testid="idle-gpu-badge"
      className="rounded-full bg-amber-100 px-2 py-0.5 text-xs font-medium text-amber-800 dark:bg-amber-900 dark:text-amber-200"
    >
      {idle} idle GPU{idle === 1 ? '' : 's'}
    </span>
  );
}

/** For a job's page: the GPUs the job held and how hard it used each (mean over its hold). */
export function JobGpuUsage({ jobId }: { jobId: string }) {
  const usage = useJobGpuUsage(jobId);
  if (usage.isPending) return <p className="text-sm text-slate-500">Loading GPU usage…</p>;
  if (usage.isError) return <p className="text-sm text-slate-500">No GPU telemetry for this job.</p>;
  if (usage.data.gpus.length === 0) return <p className="text-sm text-slate-500">No GPU telemetry for this job yet.</p>;
  const idle = new Set(usage.data.idle.map((g) => g.deviceKey));
  const timeSliced = usage.data.gpus.some((g) => g.sharing === 'time-slicing' || g.sharing === 'mps');
  return (
    <>
      <Table
        caption="GPUs used by this job"
        head={['GPU', 'Node', 'Kind', 'Sharing', 'Mean util', 'Peak util', 'Memory', 'Power']}
      >
        {usage.data.gpus.map((g) => (
          <tr key={`${g.deviceKey}|${g.pod}`} data-testid="job-gpu-row">
            <Td className="font-mono text-xs">
              {g.deviceKey.split('/').slice(1).join('/')}
              {idle.has(g.deviceKey) && (
                <span className="ml-2 rounded bg-amber-100 px-1 text-amber-800 dark:bg-amber-900 dark:text-amber-200">
                  idle
                </span>
              )}
            </Td>
            <Td className="font-mono text-xs">{g.node}</Td>
            <Td className="font-mono text-xs">{g.kind ?? '—'}</Td>
            <Td className="text-xs">{SHARING[g.sharing](g.coTenants)}</Td>
            <Td className="tabular-nums">{formatValue(g.avgUtilization, 'util')}</Td>
            <Td className="tabular-nums">{formatValue(g.maxUtilization, 'util')}</Td>
            <Td className="tabular-nums">{formatValue(g.avgFbMiB, 'fb')}</Td>
            <Td className="tabular-nums">{formatValue(g.avgPowerW, 'power')}</Td>
          </tr>
        ))}
      </Table>
      {timeSliced && (
        <p className="mt-2 text-xs text-slate-500">
          On a time-sliced GPU, DCGM measures only the physical GPU: utilization, memory and power are the whole
          GPU&apos;s, shared with the other pods on it, and cannot be split per pod. Idle detection judges such a GPU as
          a whole.
        </p>
      )}
    </>
  );
}

const SHARING: Record<'exclusive' | 'time-slicing' | 'mps' | 'mig', (others: number) => string> = {
  exclusive: () => 'whole GPU',
  mig: () => 'MIG instance',
  'time-slicing': (n) => (n ? `time-sliced, with ${n} other pod${n === 1 ? '' : 's'}` : 'time-sliced, alone'),
  mps: (n) => (n ? `MPS, with ${n} other pod${n === 1 ? '' : 's'}` : 'MPS, alone'),
};

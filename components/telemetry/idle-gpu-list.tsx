'use client';
import { Table, Td } from '@/components/ui/table';
import { useIdleGpus } from './hooks/use-telemetry';

/** Admins: GPUs a job holds but leaves idle, by the thresholds in the telemetry settings. */
export function IdleGpuList() {
  const idle = useIdleGpus(true);
  if (idle.isPending) return <p className="text-sm text-slate-500">Loading idle GPUs…</p>;
  if (idle.isError)
    return (
      <p role="alert" className="text-sm text-red-700 dark:text-red-400">
        {idle.error.message}
      </p>
    );
  const { gpus, thresholdPercent, windowMinutes } = idle.data;
  return (
    <div data-testid="idle-gpus">
      <p className="mb-3 text-sm text-slate-600 dark:text-slate-400">
        Held by a job and under {thresholdPercent} % utilization for {windowMinutes} minutes.
      </p>
      {gpus.length === 0 ? (
        <p className="text-sm text-slate-500">No idle GPUs right now.</p>
      ) : (
        <Table caption="Idle GPUs" head={['GPU', 'Pool', 'Job', 'Owner', 'Team', 'Mean util', 'Idle since']}>
          {gpus.map((g) => (
            <tr key={g.deviceKey} data-testid="idle-gpu-row" title={g.note}>
              <Td className="font-mono text-xs">{g.deviceKey}</Td>
              <Td>{g.pool ?? '—'}</Td>
              <Td className="font-mono text-xs">
                {g.jobIds.join(', ') || '—'}
                {g.attribution === 'shared' ? ' (shared GPU)' : ''}
              </Td>
              <Td>{g.owners.join(', ') || '—'}</Td>
              <Td>{g.teams.join(', ') || '—'}</Td>
              <Td className="tabular-nums">{g.avgUtilization.toFixed(1)} %</Td>
              <Td className="text-xs">{new Date(g.idleSince).toISOString().replace('T', ' ').slice(0, 16)} UTC</Td>
            </tr>
          ))}
        </Table>
      )}
    </div>
  );
}

'use client';
import { useState } from 'react';
import { InlineSelect } from '@/components/ui/field';
import { Table, Td } from '@/components/ui/table';
import { useUsage } from './hooks/use-telemetry';

/** GPU-hours allocated vs used per team (or user, for admins) per day or week, with cost and CSV. */
export function UsageTable({ isAdmin }: { isAdmin: boolean }) {
  const [period, setPeriod] = useState<'day' | 'week'>('day');
  const [groupBy, setGroupBy] = useState<'team' | 'user'>('team');
  const usage = useUsage(period, groupBy);
  const csvHref = `/api/telemetry/usage?${new URLSearchParams({ period, groupBy, format: 'csv' })}`;
  const money = (v: number | null) => (v === null ? '—' : v.toFixed(2));
  return (
    <div data-testid="usage">
      <div className="mb-3 flex flex-wrap items-center gap-3 text-sm">
        <InlineSelect label="Period" value={period} options={['day', 'week']} onChange={setPeriod} />
        {isAdmin && <InlineSelect label="By" value={groupBy} options={['team', 'user']} onChange={setGroupBy} />}
        <a href={csvHref} download className="ml-auto text-indigo-600 hover:underline dark:text-indigo-400">
          Download CSV
        </a>
      </div>
      {usage.isPending && <p className="text-sm text-slate-500">Loading usage…</p>}
      {usage.isError && (
        <p role="alert" className="text-sm text-red-700 dark:text-red-400">
          {usage.error.message}
        </p>
      )}
      {usage.data && usage.data.rows.length === 0 && (
        <p className="text-sm text-slate-500">No GPU was held by a pod in the last 30 days.</p>
      )}
      {usage.data && usage.data.rows.length > 0 && (
        <div className="max-h-96 overflow-y-auto">
          <Table
            caption="GPU usage"
            head={[
              period === 'day' ? 'Day' : 'Week of',
              'Team',
              ...(groupBy === 'user' ? ['User'] : []),
              'GPU kind',
              'Allocated GPU-h',
              'Used GPU-h',
              'Utilization',
              'Cost',
            ]}
          >
            {usage.data.rows.map((r) => (
              <tr key={`${r.periodStart}|${r.team}|${r.user ?? ''}|${r.gpuKind}`} data-testid="usage-row">
                <Td className="tabular-nums">{r.periodStart}</Td>
                <Td>{r.team}</Td>
                {groupBy === 'user' && <Td>{r.user}</Td>}
                <Td className="font-mono text-xs">{r.gpuKind}</Td>
                <Td className="tabular-nums">{r.allocatedGpuHours.toFixed(2)}</Td>
                <Td className="tabular-nums">{r.usedGpuHours.toFixed(2)}</Td>
                <Td className="tabular-nums">
                  {r.utilization === null ? '—' : `${(r.utilization * 100).toFixed(0)} %`}
                </Td>
                <Td className="tabular-nums">{money(r.cost)}</Td>
              </tr>
            ))}
          </Table>
        </div>
      )}
    </div>
  );
}

'use client';
import { Card } from '@/components/ui/card';
import { Table, Td } from '@/components/ui/table';
import { useMyQuotas } from './use-jobs';

/** The signed-in user's teams: quota, use now, borrowed GPUs and what is left of the weekly budget. */
export function QuotaSummary() {
  const quotas = useMyQuotas();
  if (!quotas.data) return null;
  return (
    <Card title="Your team’s quota">
      {quotas.data.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">
          Your teams have no GPU quota yet; an admin sets quotas under Admin.
        </p>
      ) : (
        <Table
          caption="Your team’s quota"
          head={[
            'Team',
            'GPU kind',
            'In use',
            'Guaranteed',
            'Borrowing limit',
            'Borrowed',
            'Waiting',
            'Weekly GPU-hours left',
          ]}
        >
          {quotas.data.map((q) => (
            <tr key={`${q.team}/${q.gpuKind}`}>
              <Td className="font-mono text-xs">{q.team}</Td>
              <Td className="font-mono text-xs">{q.gpuKind}</Td>
              <Td className="tabular-nums">{q.inUse}</Td>
              <Td className="tabular-nums">{q.guaranteed}</Td>
              <Td className="tabular-nums">{q.borrowingLimit}</Td>
              <Td className="tabular-nums">{q.borrowed}</Td>
              <Td className="tabular-nums">{q.queued}</Td>
              <Td className="tabular-nums">
                {q.remainingGpuHours === null ? 'no weekly limit' : `${q.remainingGpuHours} of ${q.weeklyGpuHours}`}
              </Td>
            </tr>
          ))}
        </Table>
      )}
    </Card>
  );
}

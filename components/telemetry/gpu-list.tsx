'use client';
import { Table, Td } from '@/components/ui/table';
import { formatValue } from './format';
import { useGpuDevices } from './hooks/use-telemetry';
import type { ChartTarget } from './types';

/** The pool's GPUs with their latest reading; a node or GPU name opens its chart. */
export function GpuList({
  pool,
  selected,
  onSelect,
}: {
  pool: string;
  selected: ChartTarget;
  onSelect: (t: ChartTarget) => void;
}) {
  const gpus = useGpuDevices(pool);
  if (gpus.isPending) return <p className="text-sm text-slate-500">Loading GPUs…</p>;
  if (gpus.isError)
    return (
      <p role="alert" className="text-sm text-red-700 dark:text-red-400">
        {gpus.error.message}
      </p>
    );
  if (gpus.data.length === 0)
    return <p className="text-sm text-slate-500">No GPU of this pool has reported telemetry yet.</p>;
  const pick = (t: ChartTarget) => () => onSelect(t);
  const isSel = (scope: string, id: string) => selected.scope === scope && selected.id === id;
  return (
    <div className="max-h-80 overflow-y-auto">
      <Table caption={`GPUs of pool ${pool}`} head={['Node', 'GPU', 'Kind', 'Util', 'Memory', 'Power']}>
        {gpus.data.map((g) => (
          <tr key={g.key} data-testid="gpu-row">
            <Td>
              <button
                type="button"
                onClick={pick({ scope: 'node', id: g.node, label: `Node ${g.node}` })}
                className={`font-mono text-xs hover:underline ${isSel('node', g.node) ? 'font-bold text-indigo-600' : ''}`}
              >
                {g.node}
              </button>
            </Td>
            <Td>
              <button
                type="button"
                onClick={pick({ scope: 'gpu', id: g.key, label: `GPU ${g.key}` })}
                className={`font-mono text-xs hover:underline ${isSel('gpu', g.key) ? 'font-bold text-indigo-600' : ''}`}
              >
                {g.key.split('/').slice(1).join('/').slice(0, 24)}
              </button>
            </Td>
            <Td className="font-mono text-xs">{g.kind ?? '—'}</Td>
            <Td className="tabular-nums">{formatValue(g.last?.util, 'util')}</Td>
            <Td className="tabular-nums">{formatValue(g.last?.fbMiB, 'fb')}</Td>
            <Td className="tabular-nums">{formatValue(g.last?.powerW, 'power')}</Td>
          </tr>
        ))}
      </Table>
    </div>
  );
}

import { Table, Td } from '@/components/ui/table';

interface PoolRow {
  name: string;
  nodes: string[];
  gpuKinds: string[];
  gpuCount: number;
  allocatable: number;
  allocated: number;
}

export function PoolTable({ pools }: { pools: PoolRow[] }) {
  return (
    <Table caption="GPU pools" head={['Pool', 'Nodes', 'GPU kinds', 'Physical GPUs', 'Units used / allocatable']}>
      {pools.map((p) => (
        <tr key={p.name} data-testid="pool-row">
          <Td className="font-medium">{p.name}</Td>
          <Td className="tabular-nums">{p.nodes.length}</Td>
          <Td className="font-mono text-xs">{p.gpuKinds.join(', ') || '—'}</Td>
          <Td className="tabular-nums">{p.gpuCount}</Td>
          <Td className="tabular-nums">
            {p.allocated} / {p.allocatable}
          </Td>
        </tr>
      ))}
    </Table>
  );
}

import { Table, Td } from '@/components/ui/table';

interface NodeRow {
  name: string;
  pool: string;
  gpuProduct: string | null;
  gpuCount: number;
  migInstances: Record<string, number>;
  replicas: number;
  allocatable: number;
  allocated: number;
  taints: string[];
}

export function NodeTable({ nodes }: { nodes: NodeRow[] }) {
  return (
    <Table caption="Nodes" head={['Node', 'Pool', 'GPU', 'GPUs', 'Sharing', 'Used / allocatable', 'Taints']}>
      {nodes.map((n) => (
        <tr key={n.name} data-testid="node-row">
          <Td className="font-mono text-xs">{n.name}</Td>
          <Td>{n.pool}</Td>
          <Td>{n.gpuProduct ?? '—'}</Td>
          <Td className="tabular-nums">{n.gpuCount}</Td>
          <Td className="text-xs">
            {Object.keys(n.migInstances).length
              ? `MIG ${Object.entries(n.migInstances)
                  .map(([p, c]) => `${c}×${p}`)
                  .join(', ')}`
              : n.replicas > 1
                ? `time-sliced ×${n.replicas}`
                : n.gpuCount
                  ? 'exclusive'
                  : '—'}
          </Td>
          <Td className="tabular-nums">
            {n.allocated} / {n.allocatable}
          </Td>
          <Td className="font-mono text-xs">{n.taints.join(' ') || '—'}</Td>
        </tr>
      ))}
    </Table>
  );
}

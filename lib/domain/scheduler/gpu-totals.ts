// GPUs per kind as one scheduler pass leaves them: what the nodes can hold, and what is held (by
// pods Gantry did not start, by Gantry's jobs, and by the jobs the pass just admitted). Gantry's
// own metrics report it (gantry_cluster_gpus), so "queue growing while capacity is free" can be told
// apart from "queue growing because the cluster is full".
import type { AdmitDecision } from './decisions';
import type { Snapshot } from './schema';

export interface GpuTotals {
  gpuKind: string;
  allocatable: number;
  allocated: number;
}

export function gpuTotals(
  snapshot: Pick<Snapshot, 'nodes' | 'running'>,
  admitted: ReadonlyArray<Pick<AdmitDecision, 'gpuKind' | 'placements'>> = [],
): GpuTotals[] {
  const totals = new Map<string, GpuTotals>();
  const of = (kind: string) => {
    let t = totals.get(kind);
    if (!t) totals.set(kind, (t = { gpuKind: kind, allocatable: 0, allocated: 0 }));
    return t;
  };
  for (const node of snapshot.nodes) {
    for (const [kind, g] of Object.entries(node.gpus)) {
      const t = of(kind);
      t.allocatable += g.capacity;
      t.allocated += g.capacity - g.free;
    }
  }
  for (const job of [
    ...snapshot.running.map((r) => ({ gpuKind: r.gpu.kind, placements: r.placements })),
    ...admitted,
  ]) {
    of(job.gpuKind).allocated += job.placements.reduce((sum, p) => sum + p.count, 0);
  }
  return [...totals.values()].sort((a, b) => a.gpuKind.localeCompare(b.gpuKind));
}

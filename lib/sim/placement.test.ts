import { describe, expect, it } from 'vitest';
import { Placement, parseQuantity } from './placement';
import { buildSimNodes, gpuCapacity, nodeObject, POOLS, type Taint } from './pools';

function setup() {
  const nodes = buildSimNodes(7);
  const objs = new Map(nodes.map((n, i) => [n.name, nodeObject(n, 7, 0, i)]));
  const p = new Placement(
    nodes,
    (n) => objs.get(n)!.metadata.labels!,
    (n) => (objs.get(n)!.spec as { taints?: Taint[] }).taints ?? [],
  );
  return { nodes, p };
}

describe('pod placement on the simulated pools', () => {
  it('advertises device-plugin capacity per pool (time-slicing replicas, MIG profiles)', () => {
    const a100 = POOLS.find((x) => x.name === 'a100')!;
    expect(gpuCapacity(a100)).toEqual({ 'nvidia.com/gpu': 32 });
    expect(gpuCapacity(POOLS.find((x) => x.name === 'a100-mig')!)).toEqual({
      'nvidia.com/mig-1g.10gb': 16,
      'nvidia.com/mig-2g.20gb': 8,
      'nvidia.com/mig-3g.40gb': 8,
    });
  });

  it('places a GPU pod only where it tolerates the taint and matches the selector', () => {
    const { p } = setup();
    const r = p.place({
      key: 'ns/a',
      requests: { 'nvidia.com/gpu': 2 },
      nodeSelector: { 'nvidia.com/gpu.product': 'Tesla-T4' },
      tolerations: [{ key: 'gpu', operator: 'Equal', value: 'true', effect: 'NoSchedule' }],
    });
    expect(r.ok && r.node.startsWith('t4-node-')).toBe(true);
    if (r.ok) expect(new Set(r.slots.map((s) => s.gpu)).size).toBe(2);
  });

  it('explains why a pod stays pending, like kube-scheduler', () => {
    const { p } = setup();
    const r = p.place({ key: 'ns/b', requests: { 'nvidia.com/gpu': 1 } });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.message).toMatch(/^0\/14 nodes are available: /);
      expect(r.message).toContain('2 Insufficient nvidia.com/gpu');
      expect(r.message).toContain('node(s) had untolerated taint {gpu: true}');
    }
  });

  it('fills MIG instances and reports Insufficient when they are used up, then frees them', () => {
    const { p } = setup();
    const demand = (i: number) => ({
      key: `ns/m${i}`,
      requests: { 'nvidia.com/mig-3g.40gb': 1 },
      tolerations: [{ key: 'gpu', operator: 'Exists' as const }],
    });
    for (let i = 0; i < 16; i++) expect(p.place(demand(i)).ok).toBe(true);
    const full = p.place(demand(99));
    expect(full.ok).toBe(false);
    if (!full.ok) expect(full.message).toContain('Insufficient nvidia.com/mig-3g.40gb');
    p.release('ns/m3');
    expect(p.place(demand(99)).ok).toBe(true);
  });

  it('parses quantities', () => {
    expect(parseQuantity('500m')).toBe(0.5);
    expect(parseQuantity('4Gi')).toBe(4 * 1024 ** 3);
    expect(parseQuantity('2')).toBe(2);
    expect(parseQuantity(3)).toBe(3);
  });
});

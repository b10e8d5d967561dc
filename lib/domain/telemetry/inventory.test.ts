import { describe, expect, it } from 'vitest';
import { describeWithReference, readReference } from '@/lib/testing/reference';
import { buildInventory, describeNode, summarizeNode, type NodeObject, type PodObject } from './inventory';
import { parseQuantity } from './quantity';

const pod = (
  name: string,
  nodeName: string,
  requests: Record<string, string>,
  extra: { jobId?: string; phase?: string; limitsOnly?: boolean } = {},
): PodObject => ({
  metadata: { name, namespace: 'gantry-jobs', labels: extra.jobId ? { 'gantry.dev/job-id': extra.jobId } : {} },
  spec: {
    nodeName,
    containers: [{ name: 'main', resources: extra.limitsOnly ? { limits: requests } : { requests, limits: requests } }],
  },
  status: { phase: extra.phase ?? 'Running' },
});

describeWithReference('inventory from the reference nodes and label sets', () => {
  const labels = (file: string): Record<string, string> =>
    JSON.parse(readReference('gpu', 'nvidia-cloud-native-docs', file));

  it('reads the real GPU node (edgexr, A16 vGPU): pool, kind, count, allocatable, holder', () => {
    const list = JSON.parse(
      readReference('k8s-nodes', 'edgexr__cluster_test__gpuNodesSampleOutput.kubectl-get-nodes.json'),
    );
    const inv = buildInventory(list.items, [
      pod('train-0', 'nori', { 'nvidia.com/gpu': '1', cpu: '500m', memory: '1Gi' }, { jobId: '42' }),
    ]);
    expect(inv.nodes).toHaveLength(1);
    const n = inv.nodes[0];
    expect(n).toMatchObject({
      name: 'nori',
      pool: 'a16',
      gpuProduct: 'NVIDIA-A16-4Q',
      gpuCount: 1,
      migStrategy: 'single',
      replicas: 1,
      sharing: 'exclusive',
      allocatable: 1,
      allocated: 1,
      cpu: { allocatable: 2, requested: 0.5 },
    });
    expect(n.memoryBytes).toEqual({ allocatable: 16367668 * 1024, requested: 2 ** 30 });
    expect(n.holders).toEqual([
      { jobId: '42', pod: 'train-0', namespace: 'gantry-jobs', resource: 'nvidia.com/gpu', kindId: 'a16', count: 1 },
    ]);
    expect(summarizeNode(n)).toEqual({
      name: 'nori',
      pool: 'a16',
      gpuProduct: 'NVIDIA-A16-4Q',
      gpuKinds: ['a16'],
      gpuCount: 1,
      migInstances: {},
      replicas: 1,
      allocatable: 1,
      allocated: 1,
      taints: [],
    });
  });

  it('reads the real CPU-only AKS nodes: pool from the agentpool label, no GPUs', () => {
    const list = JSON.parse(
      readReference('k8s-nodes', 'edgexr__cluster_test__getNodesSampleOutput.kubectl-get-nodes.json'),
    );
    const inv = buildInventory(list.items);
    expect(inv.nodes).toHaveLength(list.items.length);
    expect(inv.pools).toEqual([
      {
        name: 'agentpool',
        nodes: list.items.map((i: NodeObject) => i.metadata.name),
        gpuKinds: [],
        gpuCount: 0,
        allocatable: 0,
        allocated: 0,
      },
    ]);
    expect(inv.nodes[0].cpu.allocatable).toBeCloseTo(1.9);
    expect(inv.nodes[0].memoryBytes.allocatable).toBe(5497568 * 1024);
  });

  it('expands the volcano simulator templates into pools of 8-GPU nodes', () => {
    const templates: {
      name: string;
      count: number;
      capacity: Record<string, string>;
      allocatable: Record<string, string>;
      labels: Record<string, string>;
    }[] = JSON.parse(readReference('k8s-nodes', 'volcano__example_simulator_create-cluster-config.json'));
    const nodes: NodeObject[] = templates.flatMap((t) =>
      Array.from({ length: t.count }, (_, i) => ({
        metadata: { name: `${t.name}-${i}`, labels: t.labels },
        status: { capacity: t.capacity, allocatable: t.allocatable },
      })),
    );
    const inv = buildInventory(nodes, [pod('p', 'gpu-node-1', { 'nvidia.com/gpu': '3' })], {
      poolLabels: ['topology.kubernetes.io/zone'],
    });
    expect(inv.pools.map((p) => [p.name, p.nodes.length, p.gpuCount, p.allocatable, p.allocated])).toEqual([
      ['zone-a', 3, 0, 0, 0],
      ['zone-b', 3, 24, 24, 3],
    ]);
  });

  it('MIG mixed H100 (real labels + documented capacity): instances per profile, one resource each', () => {
    const node: NodeObject = {
      metadata: {
        name: 'h100-mig-0',
        labels: { ...labels('output_mig-mixed-node-labels.json'), 'workload-type': 'inference' },
      },
      spec: { taints: [{ key: 'gpu', value: 'mig', effect: 'NoSchedule' }] },
      status: {
        capacity: {
          'nvidia.com/mig-1g.10gb': '2',
          'nvidia.com/mig-2g.20gb': '1',
          'nvidia.com/mig-3g.40gb': '1',
          'nvidia.com/gpu': '0',
        },
      },
    };
    const status = node.status!;
    status.allocatable = status.capacity;
    const n = describeNode(node, [
      pod('a', 'h100-mig-0', { 'nvidia.com/mig-1g.10gb': '1' }, { jobId: '7' }),
      pod('b', 'h100-mig-0', { 'nvidia.com/mig-3g.40gb': '1' }, { jobId: '8', limitsOnly: true }),
      pod('done', 'h100-mig-0', { 'nvidia.com/mig-2g.20gb': '1' }, { phase: 'Succeeded' }),
    ]);
    expect(n).toMatchObject({
      pool: 'inference',
      gpuCount: 1,
      migStrategy: 'mixed',
      migInstances: { '1g.10gb': 2, '2g.20gb': 1, '3g.40gb': 1 },
      sharing: 'mig',
      allocatable: 4,
      allocated: 2,
    });
    expect(n.gpuResources.map((g) => [g.resource, g.kind.id, g.allocatable, g.allocated])).toEqual([
      ['nvidia.com/mig-1g.10gb', 'h100-80gb-mig-1g.10gb', 2, 1],
      ['nvidia.com/mig-2g.20gb', 'h100-80gb-mig-2g.20gb', 1, 0],
      ['nvidia.com/mig-3g.40gb', 'h100-80gb-mig-3g.40gb', 1, 1],
    ]);
    expect(n.holders.map((h) => [h.jobId, h.kindId])).toEqual([
      ['7', 'h100-80gb-mig-1g.10gb'],
      ['8', 'h100-80gb-mig-3g.40gb'],
    ]);
    expect(summarizeNode(n).taints).toEqual(['gpu=mig:NoSchedule']);
    // The label set alone (no status) yields the same resources.
    const labelsOnly = describeNode({ metadata: node.metadata });
    expect(labelsOnly.gpuResources.map((g) => [g.resource, g.allocatable])).toEqual(
      n.gpuResources.map((g) => [g.resource, g.allocatable]),
    );
  });

  it('MIG single-strategy H100 with MIG disabled (real labels): one whole GPU', () => {
    const n = describeNode({ metadata: { name: 'h100-0', labels: labels('output_mig-node-labels.json') } });
    expect(n).toMatchObject({
      pool: 'h100-80gb',
      gpuCount: 1,
      migStrategy: 'single',
      migInstances: {},
      sharing: 'exclusive',
      allocatable: 1,
    });
    expect(n.gpuResources[0].kind.id).toBe('h100-80gb');
  });
});

describe('inventory: time-slicing as the gpu-sharing doc shows it', () => {
  const t4Labels = {
    'nvidia.com/gpu.count': '4',
    'nvidia.com/gpu.product': 'Tesla-T4-SHARED',
    'nvidia.com/gpu.replicas': '4',
  };

  it('renameByDefault=false: nvidia.com/gpu 16 = 4 GPUs x 4 replicas, kind t4-shared', () => {
    const n = describeNode(
      {
        metadata: { name: 't4-0', labels: t4Labels },
        status: { capacity: { 'nvidia.com/gpu': '16' }, allocatable: { 'nvidia.com/gpu': '16' } },
      },
      [
        pod('x', 't4-0', { 'nvidia.com/gpu': '1' }, { jobId: '1' }),
        pod('y', 't4-0', { 'nvidia.com/gpu': '1' }, { jobId: '2' }),
        pod('z', 'other', { 'nvidia.com/gpu': '1' }),
      ],
    );
    expect(n).toMatchObject({ gpuCount: 4, replicas: 4, sharing: 'time-slicing', allocatable: 16, allocated: 2 });
    expect(n.gpuResources.map((g) => g.kind.id)).toEqual(['t4-shared']);
  });

  it('renameByDefault=true: nvidia.com/gpu 0 is hidden, nvidia.com/gpu.shared carries the replicas', () => {
    const n = describeNode({
      metadata: { name: 't4-1', labels: { ...t4Labels, 'nvidia.com/gpu.product': 'Tesla-T4' } },
      status: {
        capacity: { 'nvidia.com/gpu': '0', 'nvidia.com/gpu.shared': '16' },
        allocatable: { 'nvidia.com/gpu': '0', 'nvidia.com/gpu.shared': '16' },
      },
    });
    expect(n.gpuResources.map((g) => [g.resource, g.kind.id, g.allocatable])).toEqual([
      ['nvidia.com/gpu.shared', 't4-shared', 16],
    ]);
    expect(n.gpuCount).toBe(4);
  });

  it('counts init containers as the scheduler does: max(sum of containers, largest init)', () => {
    const p: PodObject = {
      metadata: { name: 'p', namespace: 'ns' },
      spec: {
        nodeName: 'n',
        containers: [
          { name: 'a', resources: { requests: { cpu: '1' } } },
          { name: 'b', resources: { requests: { cpu: '500m' } } },
        ],
        initContainers: [{ name: 'i', resources: { requests: { cpu: '2' } } }],
      },
    };
    const n = describeNode({ metadata: { name: 'n' }, status: { allocatable: { cpu: '8' } } }, [p]);
    expect(n.cpu).toEqual({ allocatable: 8, requested: 2 });
    expect(n.pool).toBe('cpu');
  });
});

describe('parseQuantity', () => {
  it.each([
    ['1900m', 1.9],
    ['8152800Ki', 8152800 * 1024],
    ['256Gi', 256 * 2 ** 30],
    ['119716326407', 119716326407],
    ['1e3', 1000],
    ['2k', 2000],
    ['1.5', 1.5],
  ])('%s', (q, v) => {
    expect(parseQuantity(q)).toBeCloseTo(v);
  });
  it('rejects garbage', () => {
    expect(() => parseQuantity('12 apples')).toThrow(/invalid Kubernetes quantity/);
  });
});

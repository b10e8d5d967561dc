import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeWithReference, readReference, referencePath } from '@/lib/testing/reference';
import { GpuKindId } from '../terms';
import { deriveGpuKind, identifyModel, splitProduct } from './gpu-kinds';
import { parseQueryGpuCsv } from './nvidia-smi';

describeWithReference('GPU kinds from the reference label sets', () => {
  const labels = (file: string): Record<string, string> =>
    JSON.parse(readReference('gpu', 'nvidia-cloud-native-docs', file));

  it('MIG single-strategy node with MIG disabled (replicas=1, sharing none) is a whole h100-80gb', () => {
    const l = labels('output_mig-node-labels.json');
    const kind = deriveGpuKind({
      product: l['nvidia.com/gpu.product'],
      replicas: Number(l['nvidia.com/gpu.replicas']),
      sharingStrategy: l['nvidia.com/gpu.sharing-strategy'],
      memoryMiB: Number(l['nvidia.com/gpu.memory']),
    });
    expect(kind).toMatchObject({ id: 'h100-80gb', sharing: 'exclusive', migProfile: null, replicas: 1 });
  });

  it('MIG mixed node: one kind per advertised mig resource, named from the per-profile product label', () => {
    const l = labels('output_mig-mixed-node-labels.json');
    const profiles = Object.keys(l)
      .map((k) => /^nvidia\.com\/mig-(.+)\.count$/.exec(k)?.[1])
      .filter((p): p is string => !!p);
    expect(profiles.sort()).toEqual(['1g.10gb', '2g.20gb', '3g.40gb']);
    for (const p of profiles) {
      const fromResource = deriveGpuKind({ product: l['nvidia.com/gpu.product'], resourceName: `nvidia.com/mig-${p}` });
      const fromProfileLabel = deriveGpuKind({
        product: l[`nvidia.com/mig-${p}.product`],
        replicas: Number(l[`nvidia.com/mig-${p}.replicas`]),
        sharingStrategy: l[`nvidia.com/mig-${p}.sharing-strategy`],
      });
      expect(fromResource).toMatchObject({ id: `h100-80gb-mig-${p}`, sharing: 'mig', migProfile: p });
      expect(fromProfileLabel.id).toBe(fromResource.id);
    }
  });

  it('the real vGPU node (NVIDIA-A16-4Q) gets a kind of its own', () => {
    const nodes = JSON.parse(
      readReference('k8s-nodes', 'edgexr__cluster_test__gpuNodesSampleOutput.kubectl-get-nodes.json'),
    );
    const l = nodes.items[0].metadata.labels;
    expect(deriveGpuKind({ product: l['nvidia.com/gpu.product'], replicas: 1, sharingStrategy: 'none' }).id).toBe(
      'a16',
    );
  });

  it('the time-slicing doc examples: -SHARED product, `.shared` resource, MIG + SHARED', () => {
    const doc = readReference('gpu', 'nvidia-cloud-native-docs', 'excerpt_gpu-sharing.rst.txt');
    expect(doc).toContain('nvidia.com/gpu.product=Tesla-T4-SHARED');
    expect(deriveGpuKind({ product: 'Tesla-T4-SHARED', replicas: 4 })).toMatchObject({
      id: 't4-shared',
      sharing: 'time-slicing',
      replicas: 4,
    });
    expect(deriveGpuKind({ product: 'Tesla-T4', resourceName: 'nvidia.com/gpu.shared', replicas: 4 }).id).toBe(
      't4-shared',
    );
    expect(doc).toContain('A100-SXM4-40GB-MIG-1g.5gb-SHARED');
    expect(deriveGpuKind({ product: 'A100-SXM4-40GB-MIG-1g.5gb-SHARED', replicas: 2 })).toMatchObject({
      id: 'a100-40gb-mig-1g.5gb-shared',
      sharing: 'time-slicing',
      migProfile: '1g.5gb',
    });
  });

  it('names every nvidia-smi capture model', () => {
    const dir = referencePath('gpu', 'nvidia-smi', 'query-gpu-csv');
    const ids = new Set(
      fs
        .readdirSync(dir)
        .filter((f) => f.endsWith('__query-gpu.csv'))
        .flatMap((f) => parseQueryGpuCsv(fs.readFileSync(path.join(dir, f), 'utf8')))
        .map((g) => identifyModel(g.name, g.memoryTotalMiB ?? undefined).baseId),
    );
    expect([...ids].sort()).toEqual(['geforce-rtx-4080-super', 'h100-80gb', 'h200-141gb', 'l40s']);
  });
});

describe('deriveGpuKind', () => {
  it.each([
    ['Tesla-T4', 't4'],
    ['NVIDIA-A100-SXM4-80GB', 'a100-80gb'],
    ['NVIDIA-A100-80GB-PCIe', 'a100-80gb'],
    ['A100-SXM4-40GB', 'a100-40gb'],
    ['NVIDIA-H100-80GB-HBM3', 'h100-80gb'],
    ['NVIDIA-H100-NVL', 'h100-80gb'],
    ['NVIDIA-L4', 'l4'],
    ['NVIDIA-A10G', 'a10g'],
    ['Tesla T4', 't4'],
  ])('%s -> %s', (product, id) => {
    expect(deriveGpuKind({ product }).id).toBe(id);
  });

  it('names a model it does not know by a valid GPU kind id', () => {
    expect(deriveGpuKind({ product: 'NVIDIA RTX PRO 6000 Blackwell' }).id).toBe('rtx-pro-6000-blackwell');
    for (const product of ['Acme GPU v1.-2.', '.X..Y-', 'NVIDIA-?'])
      expect(GpuKindId.safeParse(deriveGpuKind({ product }).id).success).toBe(true);
  });

  it('uses gpu.memory to tell A100 sizes apart when the product does not say', () => {
    expect(deriveGpuKind({ product: 'NVIDIA-A100', memoryMiB: 81920 }).id).toBe('a100-80gb');
    expect(deriveGpuKind({ product: 'NVIDIA-A100', memoryMiB: 40960 }).id).toBe('a100-40gb');
    expect(deriveGpuKind({ product: 'NVIDIA-H100-NVL', memoryMiB: 95830 }).id).toBe('h100-94gb');
  });

  it('time-slicing by replicas or strategy, MPS separately, MIG from the resource', () => {
    expect(
      deriveGpuKind({ product: 'NVIDIA-A100-SXM4-80GB', replicas: 4, sharingStrategy: 'time-slicing' }),
    ).toMatchObject({
      id: 'a100-80gb-shared',
      description: 'NVIDIA A100 80GB, time-sliced x4',
    });
    expect(deriveGpuKind({ product: 'NVIDIA-A100-SXM4-80GB', replicas: 2, sharingStrategy: 'mps' }).id).toBe(
      'a100-80gb-mps',
    );
    expect(deriveGpuKind({ product: 'NVIDIA-A100-SXM4-80GB', resourceName: 'nvidia.com/mig-1g.10gb' })).toMatchObject({
      id: 'a100-80gb-mig-1g.10gb',
      description: 'NVIDIA A100 80GB MIG 1g.10gb',
    });
    // replicas=0 is what GFD writes on mixed-strategy nodes: not sharing.
    expect(deriveGpuKind({ product: 'NVIDIA-H100-80GB-HBM3', replicas: 0 }).sharing).toBe('exclusive');
  });

  it('splits products', () => {
    expect(splitProduct('A100-SXM4-40GB-MIG-1g.5gb-SHARED')).toEqual({
      model: 'A100-SXM4-40GB',
      migProfile: '1g.5gb',
      shared: true,
    });
  });
});

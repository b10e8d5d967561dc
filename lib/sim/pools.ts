// The simulated cluster's node pools: one data structure shared by the Node objects, the pod
// scheduler and the dcgm-exporter generator. Labels follow gpu-feature-discovery's real label sets
// (../shared/reference/gpu/nvidia-cloud-native-docs/output_mig-*-node-labels.json, GFD
// expected-output*.txt); time-sliced products carry the `-SHARED` suffix as with renameByDefault=false.
import { LABEL_POOL } from '@/lib/domain/terms';
import { stableUuid } from './rand';
import type { KObject } from './store';
import { timestamp } from './time';

export type Taint = { key: string; value?: string; effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute' };

type GpuModel = {
  product: string; // nvidia.com/gpu.product (before any -SHARED suffix)
  modelName: string; // dcgm-exporter modelName label
  memoryMiB: number;
  family: string;
  computeMajor: number;
  computeMinor: number;
  idlePowerW: number;
  maxPowerW: number;
  maxSmClockMHz: number;
  memClockMHz: number;
};

type GpuSharing =
  | { strategy: 'none' }
  | { strategy: 'time-slicing'; replicas: number }
  /** MIG "mixed": every GPU is cut into the same instances, profile -> count per GPU. */
  | {
      strategy: 'mig';
      layout: Record<string, { count: number; memoryMiB: number; multiprocessors: number; slices: number }>;
    };

export type PoolSpec = {
  name: string;
  nodeCount: number;
  instanceType: string;
  cpu: number;
  memoryGi: number;
  maxPods: number;
  labels: Record<string, string>;
  taints: Taint[];
  gpu?: { model: GpuModel; count: number; sharing: GpuSharing; machine: string };
};

const GPU_MODELS = {
  T4: {
    product: 'Tesla-T4',
    modelName: 'Tesla T4',
    memoryMiB: 15360,
    family: 'turing',
    computeMajor: 7,
    computeMinor: 5,
    idlePowerW: 9,
    maxPowerW: 70,
    maxSmClockMHz: 1590,
    memClockMHz: 5000,
  },
  A100: {
    product: 'NVIDIA-A100-SXM4-80GB',
    modelName: 'NVIDIA A100-SXM4-80GB',
    memoryMiB: 81920,
    family: 'ampere',
    computeMajor: 8,
    computeMinor: 0,
    idlePowerW: 62,
    maxPowerW: 400,
    maxSmClockMHz: 1410,
    memClockMHz: 1593,
  },
  H100: {
    product: 'NVIDIA-H100-80GB-HBM3',
    modelName: 'NVIDIA H100 80GB HBM3',
    memoryMiB: 81559,
    family: 'hopper',
    computeMajor: 9,
    computeMinor: 0,
    idlePowerW: 72,
    maxPowerW: 700,
    maxSmClockMHz: 1980,
    memClockMHz: 2619,
  },
} satisfies Record<string, GpuModel>;

/** A100-80GB MIG profiles (mig-parted `all-balanced`: 2x1g.10gb + 1x2g.20gb + 1x3g.40gb per GPU). */
const A100_MIG_BALANCED = {
  '1g.10gb': { count: 2, memoryMiB: 9728, multiprocessors: 14, slices: 1 },
  '2g.20gb': { count: 1, memoryMiB: 19968, multiprocessors: 28, slices: 2 },
  '3g.40gb': { count: 1, memoryMiB: 40192, multiprocessors: 42, slices: 3 },
};

/** A GPU pool: 110 pods a node, tainted `gpu=<taint>:NoSchedule`, its machine type as the instance type. */
function gpuPool(p: {
  name: string;
  nodeCount: number;
  machine: string;
  cpu: number;
  memoryGi: number;
  workload: string;
  taint: string;
  gpu: Omit<NonNullable<PoolSpec['gpu']>, 'machine'>;
}): PoolSpec {
  return {
    name: p.name,
    nodeCount: p.nodeCount,
    instanceType: p.machine,
    cpu: p.cpu,
    memoryGi: p.memoryGi,
    maxPods: 110,
    labels: { 'workload-type': p.workload },
    taints: [{ key: 'gpu', value: p.taint, effect: 'NoSchedule' }],
    gpu: { ...p.gpu, machine: p.machine },
  };
}

export const POOLS: PoolSpec[] = [
  {
    name: 'cpu',
    nodeCount: 2,
    instanceType: 'm6i.8xlarge',
    cpu: 32,
    memoryGi: 128,
    maxPods: 110,
    labels: { 'workload-type': 'control', 'node-role.kubernetes.io/worker': '' },
    taints: [],
  },
  gpuPool({
    name: 't4',
    nodeCount: 4,
    machine: 'g4dn.12xlarge',
    cpu: 48,
    memoryGi: 192,
    workload: 'batch-embedding',
    taint: 'true',
    gpu: { model: GPU_MODELS.T4, count: 4, sharing: { strategy: 'none' } },
  }),
  gpuPool({
    name: 'a100',
    nodeCount: 4,
    machine: 'p4de.24xlarge',
    cpu: 96,
    memoryGi: 1152,
    workload: 'training',
    taint: 'true',
    gpu: { model: GPU_MODELS.A100, count: 8, sharing: { strategy: 'time-slicing', replicas: 4 } },
  }),
  gpuPool({
    name: 'a100-mig',
    nodeCount: 2,
    machine: 'p4de.24xlarge',
    cpu: 96,
    memoryGi: 1152,
    workload: 'inference',
    taint: 'mig',
    gpu: { model: GPU_MODELS.A100, count: 8, sharing: { strategy: 'mig', layout: A100_MIG_BALANCED } },
  }),
  gpuPool({
    name: 'h100',
    nodeCount: 2,
    machine: 'p5.48xlarge',
    cpu: 192,
    memoryGi: 2048,
    workload: 'large-training',
    taint: 'h100',
    gpu: { model: GPU_MODELS.H100, count: 8, sharing: { strategy: 'time-slicing', replicas: 2 } },
  }),
];

const nodeName = (pool: PoolSpec, i: number) => `${pool.name}-node-${i}`;

/** One schedulable GPU resource unit: a time-slice replica, a whole GPU or a MIG instance. */
export type GpuSlot = { resource: string; gpu: number; instanceId?: number; profile?: string };

type GpuDevice = { index: number; uuid: string; instances: Array<{ id: number; profile: string; memoryMiB: number }> };

export type SimNode = {
  name: string;
  pool: PoolSpec;
  devices: GpuDevice[];
  slots: GpuSlot[];
  capacity: Record<string, string>;
};

/** Extended resources a pool advertises, as the NVIDIA device plugin would. */
export function gpuCapacity(pool: PoolSpec): Record<string, number> {
  const g = pool.gpu;
  if (!g) return {};
  if (g.sharing.strategy === 'mig') {
    return Object.fromEntries(
      Object.entries(g.sharing.layout).map(([p, l]) => [`nvidia.com/mig-${p}`, l.count * g.count]),
    );
  }
  return { 'nvidia.com/gpu': g.count * (g.sharing.strategy === 'time-slicing' ? g.sharing.replicas : 1) };
}

export function buildSimNodes(seed: number, pools: PoolSpec[] = POOLS): SimNode[] {
  const out: SimNode[] = [];
  for (const pool of pools) {
    for (let i = 0; i < pool.nodeCount; i++) {
      const name = nodeName(pool, i);
      const devices: GpuDevice[] = [];
      const slots: GpuSlot[] = [];
      const g = pool.gpu;
      for (let d = 0; g && d < g.count; d++) {
        const dev: GpuDevice = { index: d, uuid: `GPU-${stableUuid(seed, `gpu:${name}:${d}`)}`, instances: [] };
        if (g.sharing.strategy === 'mig') {
          // GPU instance ids as nvidia-smi numbers them for this layout (largest profile first)
          let gi = 1;
          for (const [profile, l] of Object.entries(g.sharing.layout).reverse()) {
            for (let c = 0; c < l.count; c++) {
              const id = gi++;
              dev.instances.push({ id, profile, memoryMiB: l.memoryMiB });
              slots.push({ resource: `nvidia.com/mig-${profile}`, gpu: d, instanceId: id, profile });
            }
          }
        } else {
          const replicas = g.sharing.strategy === 'time-slicing' ? g.sharing.replicas : 1;
          for (let r = 0; r < replicas; r++) slots.push({ resource: 'nvidia.com/gpu', gpu: d });
        }
        devices.push(dev);
      }
      const capacity: Record<string, string> = {
        cpu: String(pool.cpu),
        'ephemeral-storage': '507930276Ki',
        'hugepages-1Gi': '0',
        'hugepages-2Mi': '0',
        memory: `${pool.memoryGi * 1024 * 1024}Ki`,
        pods: String(pool.maxPods),
        ...Object.fromEntries(Object.entries(gpuCapacity(pool)).map(([k, v]) => [k, String(v)])),
      };
      out.push({ name, pool, devices, slots, capacity });
    }
  }
  return out;
}

function gpuLabels(pool: PoolSpec): Record<string, string> {
  const g = pool.gpu;
  if (!g) return {};
  const sharing = g.sharing;
  const shared = sharing.strategy === 'time-slicing';
  const labels: Record<string, string> = {
    'feature.node.kubernetes.io/pci-10de.present': 'true',
    'nvidia.com/cuda.driver-version.full': '550.54.15',
    'nvidia.com/cuda.driver-version.major': '550',
    'nvidia.com/cuda.driver-version.minor': '54',
    'nvidia.com/cuda.driver-version.revision': '15',
    'nvidia.com/cuda.driver.major': '550',
    'nvidia.com/cuda.driver.minor': '54',
    'nvidia.com/cuda.driver.rev': '15',
    'nvidia.com/cuda.runtime-version.full': '12.4',
    'nvidia.com/cuda.runtime-version.major': '12',
    'nvidia.com/cuda.runtime-version.minor': '4',
    'nvidia.com/cuda.runtime.major': '12',
    'nvidia.com/cuda.runtime.minor': '4',
    'nvidia.com/gfd.timestamp': '1715709242',
    'nvidia.com/gpu-driver-upgrade-state': 'upgrade-done',
    'nvidia.com/gpu.compute.major': String(g.model.computeMajor),
    'nvidia.com/gpu.compute.minor': String(g.model.computeMinor),
    'nvidia.com/gpu.count': String(g.count),
    'nvidia.com/gpu.deploy.container-toolkit': 'true',
    'nvidia.com/gpu.deploy.dcgm': 'true',
    'nvidia.com/gpu.deploy.dcgm-exporter': 'true',
    'nvidia.com/gpu.deploy.device-plugin': 'true',
    'nvidia.com/gpu.deploy.driver': 'true',
    'nvidia.com/gpu.deploy.gpu-feature-discovery': 'true',
    'nvidia.com/gpu.deploy.mig-manager': g.sharing.strategy === 'mig' ? 'true' : 'false',
    'nvidia.com/gpu.deploy.operator-validator': 'true',
    'nvidia.com/gpu.family': g.model.family,
    'nvidia.com/gpu.machine': g.machine,
    'nvidia.com/gpu.memory': String(g.model.memoryMiB),
    'nvidia.com/gpu.present': 'true',
    'nvidia.com/gpu.product': shared ? `${g.model.product}-SHARED` : g.model.product,
    'nvidia.com/gpu.replicas': String(
      sharing.strategy === 'time-slicing' ? sharing.replicas : sharing.strategy === 'mig' ? 0 : 1,
    ),
    'nvidia.com/gpu.sharing-strategy': shared ? 'time-slicing' : 'none',
    'nvidia.com/mig.capable': String(
      g.model.computeMajor >= 8 && g.model.family !== 'turing' && g.model.memoryMiB > 40000,
    ),
    'nvidia.com/mig.strategy': g.sharing.strategy === 'mig' ? 'mixed' : 'single',
    'nvidia.com/mps.capable': 'false',
  };
  if (g.sharing.strategy === 'mig') {
    labels['nvidia.com/mig.config'] = 'all-balanced';
    labels['nvidia.com/mig.config.state'] = 'success';
    for (const [p, l] of Object.entries(g.sharing.layout)) {
      const pre = `nvidia.com/mig-${p}`;
      Object.assign(labels, {
        [`${pre}.count`]: String(l.count * g.count),
        [`${pre}.engines.copy`]: String(l.slices),
        [`${pre}.engines.decoder`]: String(Math.max(0, l.slices - (l.slices === 1 ? 0 : 1))),
        [`${pre}.engines.encoder`]: '0',
        [`${pre}.engines.jpeg`]: String(l.slices === 1 ? 0 : 1),
        [`${pre}.engines.ofa`]: String(l.slices === 1 ? 0 : 1),
        [`${pre}.memory`]: String(l.memoryMiB),
        [`${pre}.multiprocessors`]: String(l.multiprocessors),
        [`${pre}.product`]: `${g.model.product}-MIG-${p}`,
        [`${pre}.replicas`]: '1',
        [`${pre}.sharing-strategy`]: 'none',
        [`${pre}.slices.ci`]: String(l.slices),
        [`${pre}.slices.gi`]: String(l.slices),
      });
    }
  }
  return labels;
}

/** A Node object shaped like `kubectl get node -o json` (../shared/reference/k8s-nodes). */
export function nodeObject(n: SimNode, seed: number, bootMs: number, index: number): KObject {
  const { pool } = n;
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: n.name,
      creationTimestamp: timestamp(bootMs),
      annotations: {
        'node.alpha.kubernetes.io/ttl': '0',
        'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
      },
      labels: {
        'beta.kubernetes.io/arch': 'amd64',
        'beta.kubernetes.io/instance-type': pool.instanceType,
        'beta.kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/hostname': n.name,
        'kubernetes.io/os': 'linux',
        'node.kubernetes.io/instance-type': pool.instanceType,
        'topology.kubernetes.io/region': 'sim-region-1',
        'topology.kubernetes.io/zone': `sim-region-1${'abc'[index % 3]}`,
        [LABEL_POOL]: pool.name,
        ...pool.labels,
        ...gpuLabels(pool),
      },
    },
    spec: {
      podCIDR: `10.42.${index}.0/24`,
      podCIDRs: [`10.42.${index}.0/24`],
      providerID: `sim://${n.name}`,
      ...(pool.taints.length ? { taints: pool.taints } : {}),
    },
    status: {
      addresses: [
        { address: `10.0.${Math.floor(index / 250)}.${(index % 250) + 10}`, type: 'InternalIP' },
        { address: n.name, type: 'Hostname' },
      ],
      allocatable: { ...n.capacity, cpu: `${pool.cpu * 1000 - 200}m` },
      capacity: n.capacity,
      conditions: [
        ['MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'],
        ['DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'],
        ['PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'],
        ['Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'],
      ].map(([type, status, reason, message]) => ({
        type,
        status,
        reason,
        message,
        lastHeartbeatTime: timestamp(bootMs),
        lastTransitionTime: timestamp(bootMs),
      })),
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        architecture: 'amd64',
        bootID: stableUuid(seed, `boot:${n.name}`),
        containerRuntimeVersion: 'containerd://1.7.27',
        kernelVersion: '5.15.0-102-generic',
        kubeProxyVersion: 'v1.31.6',
        kubeletVersion: 'v1.31.6',
        machineID: stableUuid(seed, `machine:${n.name}`).replace(/-/g, ''),
        operatingSystem: 'linux',
        osImage: 'Ubuntu 22.04.5 LTS',
        systemUUID: stableUuid(seed, `system:${n.name}`),
      },
    },
  };
}

// dcgm-exporter's /metrics for the simulated GPUs, in its real text format
// (../shared/reference/gpu/dcgm-exporter: HELP/TYPE per field, labels gpu, UUID, device, modelName,
// Hostname, DCGM_FI_DRIVER_VERSION, then container/namespace/pod of the pod holding the GPU, and
// GPU_I_PROFILE/GPU_I_ID for MIG instances). Values follow the jobs: a running step makes its GPU
// busy; a pod that holds a GPU without using it ("gpu-idle") shows allocated memory but ~0% util.
// A time-sliced GPU is written as dcgm-exporter does with KUBERNETES_VIRTUAL_GPUS=true
// (NVIDIA/dcgm-exporter#432): one copy of every series per shared replica in use, told apart by a
// `vgpu` label and carrying that replica's pod; the values are the whole GPU's, identical in each.
import { draw } from './rand';
import type { SimNode } from './pools';
import type { Placement } from './placement';
import type { PodRun } from './pod-runs';

type Field = { name: string; type: 'gauge' | 'counter'; help: string };

const gauge = (name: string, help: string): Field => ({ name, type: 'gauge', help });
const counter = (name: string, help: string): Field => ({ name, type: 'counter', help });

const F = {
  SM_CLOCK: gauge('DCGM_FI_DEV_SM_CLOCK', 'SM clock frequency (in MHz).'),
  MEM_CLOCK: gauge('DCGM_FI_DEV_MEM_CLOCK', 'Memory clock frequency (in MHz).'),
  MEMORY_TEMP: gauge('DCGM_FI_DEV_MEMORY_TEMP', 'Memory temperature (in C).'),
  GPU_TEMP: gauge('DCGM_FI_DEV_GPU_TEMP', 'GPU temperature (in C).'),
  POWER_USAGE: gauge('DCGM_FI_DEV_POWER_USAGE', 'Power draw (in W).'),
  TOTAL_ENERGY: counter('DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION', 'Total energy consumption since boot (in mJ).'),
  PCIE_REPLAY: counter('DCGM_FI_DEV_PCIE_REPLAY_COUNTER', 'Total number of PCIe retries.'),
  GPU_UTIL: gauge('DCGM_FI_DEV_GPU_UTIL', 'GPU utilization (in %).'),
  MEM_COPY_UTIL: gauge('DCGM_FI_DEV_MEM_COPY_UTIL', 'Memory utilization (in %).'),
  XID_ERRORS: gauge('DCGM_FI_DEV_XID_ERRORS', 'Value of the last XID error encountered.'),
  FB_FREE: gauge('DCGM_FI_DEV_FB_FREE', 'Framebuffer memory free (in MiB).'),
  FB_USED: gauge('DCGM_FI_DEV_FB_USED', 'Framebuffer memory used (in MiB).'),
  GR_ENGINE_ACTIVE: gauge('DCGM_FI_PROF_GR_ENGINE_ACTIVE', 'Ratio of time the graphics engine is active.'),
  PIPE_TENSOR_ACTIVE: gauge('DCGM_FI_PROF_PIPE_TENSOR_ACTIVE', 'Ratio of cycles the tensor (HMMA) pipe is active.'),
  DRAM_ACTIVE: gauge(
    'DCGM_FI_PROF_DRAM_ACTIVE',
    'Ratio of cycles the device memory interface is active sending or receiving data.',
  ),
};

const DRIVER = '550.54.15';

export type DcgmSource = {
  nodes: SimNode[];
  placement: Placement;
  podRun: (key: string) => PodRun | undefined;
  seed: number;
  bootMs: number;
  now: () => number;
};

type Sample = { field: Field; labels: string; value: string };

/**
 * Usage of one GPU (or MIG instance) right now: 0..1 activity, memory used, and every pod holding one
 * of its slots (with the slot's replica number on a time-sliced GPU). Time-sliced pods take turns on
 * one GPU: it is busy while any of them computes, and each holds its own memory.
 */
function usage(src: DcgmSource, node: SimNode, slotIdx: number[], key: string, memMiB: number) {
  const all = src.placement.holders(node.name);
  const holders: Array<{ pod: PodRun; replica: number }> = [];
  slotIdx.forEach((i, replica) => {
    const k = all[i];
    const pod = k ? src.podRun(k) : undefined;
    if (pod) holders.push({ pod, replica });
  });
  const bucket = Math.floor(src.now() / 5000);
  const noise = draw(src.seed, `${key}:${bucket}`);
  const running = holders.filter((h) => h.pod.phase === 'Running');
  let active = 0;
  let mem = 0.002;
  for (const { pod } of running) {
    active = Math.max(active, pod.plan.gpuIdle ? noise * 0.02 : 0.82 + 0.17 * noise);
    mem +=
      (pod.plan.gpuIdle
        ? 0.35 + 0.3 * draw(src.seed, `${pod.key}:mem`)
        : 0.55 + 0.35 * draw(src.seed, `${pod.key}:mem`)) / Math.max(1, slotIdx.length);
  }
  if (holders.length > running.length) mem += 0.05 / Math.max(1, slotIdx.length); // a container starting: CUDA context only
  const used = Math.round(memMiB * Math.min(0.98, mem));
  return { active, used, free: memMiB - used, holders };
}

function labelText(pairs: Array<[string, string]>): string {
  return pairs.map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',');
}

const energy = new WeakMap<DcgmSource, Map<string, { at: number; mj: number }>>();

type Usage = ReturnType<typeof usage>;
type Device = SimNode['devices'][number];
type Push = (field: Field, value: number | string, labels?: string[]) => void;

const podLabels = (pr: PodRun | undefined): Array<[string, string]> => [
  ['container', pr ? 'main' : ''],
  ['namespace', pr?.ns ?? ''],
  ['pod', pr?.name ?? ''],
];

/** Prometheus text for the GPUs of the given nodes (all GPU nodes when omitted). */
export function renderDcgmMetrics(src: DcgmSource, only?: string): string {
  const samples: Sample[] = [];
  const now = src.now();
  let acc = energy.get(src);
  if (!acc) energy.set(src, (acc = new Map()));
  for (const node of src.nodes) {
    if (!node.pool.gpu || (only && node.name !== only)) continue;
    for (const dev of node.devices) deviceSamples(src, node, dev, { now, energy: acc }, samples);
  }
  return formatSamples(samples);
}

/** The series of one GPU: clocks, temperatures, power and energy, then usage per GPU or per MIG instance. */
function deviceSamples(
  src: DcgmSource,
  node: SimNode,
  dev: Device,
  at: { now: number; energy: Map<string, { at: number; mj: number }> },
  samples: Sample[],
): void {
  const g = node.pool.gpu!;
  const m = g.model;
  const devSlots = node.slots.map((s, i) => (s.gpu === dev.index ? i : -1)).filter((i) => i >= 0);
  const whole = usage(src, node, devSlots, dev.uuid, m.memoryMiB);
  const base: Array<[string, string]> = [
    ['gpu', String(dev.index)],
    ['UUID', dev.uuid],
    ['device', `nvidia${dev.index}`],
    ['modelName', m.modelName],
    ['Hostname', node.name],
    ['DCGM_FI_DRIVER_VERSION', DRIVER],
  ];
  const labelSets = deviceLabelSets(g.sharing.strategy === 'time-slicing', whole, base);
  const power = m.idlePowerW + (m.maxPowerW - m.idlePowerW) * whole.active * 0.9;
  const e = at.energy.get(dev.uuid) ?? { at: src.bootMs, mj: 0 };
  e.mj += power * (at.now - e.at); // W x ms = mJ
  e.at = at.now;
  at.energy.set(dev.uuid, e);
  const temp = Math.round(30 + 45 * whole.active + 3 * draw(src.seed, `${dev.uuid}:t:${Math.floor(at.now / 5000)}`));
  const push: Push = (field, value, labels = labelSets) => {
    for (const l of labels) samples.push({ field, labels: l, value: String(value) });
  };
  push(F.SM_CLOCK, whole.active > 0.05 ? m.maxSmClockMHz : 210);
  push(F.MEM_CLOCK, m.memClockMHz);
  push(F.MEMORY_TEMP, temp + 2);
  push(F.GPU_TEMP, temp);
  push(F.POWER_USAGE, power.toFixed(3));
  push(F.TOTAL_ENERGY, Math.round(e.mj));
  push(F.PCIE_REPLAY, 0);
  push(F.XID_ERRORS, 0);
  if (!dev.instances.length) {
    push(F.GPU_UTIL, Math.round(whole.active * 100));
    push(F.MEM_COPY_UTIL, Math.round(whole.active * 45));
    pushUsage(push, whole);
    return;
  }
  // MIG: DCGM reports profiling and memory per GPU instance; GPU_UTIL is not supported
  for (const inst of dev.instances) {
    const idx = node.slots.findIndex((s) => s.gpu === dev.index && s.instanceId === inst.id);
    const u = usage(src, node, [idx], `${dev.uuid}:${inst.id}`, inst.memoryMiB);
    const instance: Array<[string, string]> = [
      ['GPU_I_PROFILE', inst.profile],
      ['GPU_I_ID', String(inst.id)],
    ];
    pushUsage(push, u, [labelText([...base, ...instance, ...podLabels(u.holders[0]?.pod)])]);
  }
}

/** Time-sliced: one series set per replica in use. Otherwise one, with the (running) holder if any. */
function deviceLabelSets(timeSliced: boolean, whole: Usage, base: Array<[string, string]>): string[] {
  if (timeSliced && whole.holders.length > 0)
    return whole.holders.map((h) => labelText([...base, ['vgpu', String(h.replica)], ...podLabels(h.pod)]));
  const shown = whole.holders.find((h) => h.pod.phase === 'Running') ?? whole.holders[0];
  return [labelText([...base, ...podLabels(shown?.pod)])];
}

/** Memory and profiling series of a whole GPU or of one MIG instance. */
function pushUsage(push: Push, u: Usage, labels?: string[]): void {
  push(F.FB_FREE, u.free, labels);
  push(F.FB_USED, u.used, labels);
  push(F.GR_ENGINE_ACTIVE, u.active.toFixed(6), labels);
  push(F.PIPE_TENSOR_ACTIVE, (u.active * 0.9).toFixed(6), labels);
  push(F.DRAM_ACTIVE, (u.active * 0.6).toFixed(6), labels);
}

/** Grouped by metric with one HELP/TYPE header each, as the exporter writes it. */
function formatSamples(samples: Sample[]): string {
  const byField = new Map<string, Sample[]>();
  for (const s of samples)
    (byField.get(s.field.name) ?? (byField.set(s.field.name, []), byField.get(s.field.name)!)).push(s);
  let out = '';
  for (const field of Object.values(F)) {
    const list = byField.get(field.name);
    if (!list) continue;
    out += `# HELP ${field.name} ${field.help}\n# TYPE ${field.name} ${field.type}\n`;
    for (const s of list) out += `${field.name}{${s.labels}} ${s.value}\n`;
  }
  return out;
}

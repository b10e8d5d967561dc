// The availability rule and the /status document. Pure: a snapshot and thresholds in, JSON out.
// Rule (per GPU): free GPU memory > minFree and utilization < maxGpuUtil, on a node whose
// CPU < maxCpu and memory < maxMem. The node is available when at least one GPU is.
import { z } from 'zod';
import { identifyModel } from '@/lib/domain/telemetry/gpu-kinds';
import type { NvidiaSmiGpu } from '@/lib/domain/telemetry/nvidia-smi';
import type { Thresholds } from './config';
import type { MemInfo } from './proc';

export type Snapshot = {
  collectedAt: number;
  gpus: NvidiaSmiGpu[];
  /** why nvidia-smi gave nothing (missing binary, timeout, unparsable output) */
  gpuError: string | null;
  cpuPercent: number | null;
  memory: MemInfo | null;
  procError: string | null;
};

const GpuStatus = z.object({
  index: z.number(),
  uuid: z.string(),
  name: z.string(),
  kind: z.string(),
  utilizationPercent: z.number().nullable(),
  memoryUsedMiB: z.number().nullable(),
  memoryTotalMiB: z.number().nullable(),
  memoryFreeMiB: z.number().nullable(),
  powerW: z.number().nullable(),
  temperatureC: z.number().nullable(),
  migEnabled: z.boolean().nullable(),
  available: z.boolean(),
  reasons: z.array(z.string()),
});
type GpuStatus = z.infer<typeof GpuStatus>;

export const AgentStatus = z.object({
  node: z.string(),
  collectedAt: z.string(),
  available: z.boolean(),
  reasons: z.array(z.string()),
  thresholds: z.custom<Thresholds>(),
  cpu: z.object({ usagePercent: z.number().nullable() }),
  memory: z.object({
    usagePercent: z.number().nullable(),
    totalBytes: z.number().nullable(),
    availableBytes: z.number().nullable(),
  }),
  gpus: z.array(GpuStatus),
  errors: z.array(z.string()),
});
export type AgentStatus = z.infer<typeof AgentStatus>;

const round = (v: number | null, digits = 1) => (v === null ? null : Number(v.toFixed(digits)));

export function evaluateStatus(snapshot: Snapshot, thresholds: Thresholds, node: string): AgentStatus {
  const nodeReasons: string[] = [];
  const cpu = snapshot.cpuPercent;
  const mem = snapshot.memory?.usedPercent ?? null;
  if (cpu === null) nodeReasons.push('CPU usage unknown');
  else if (cpu >= thresholds.maxCpuPercent)
    nodeReasons.push(`CPU ${cpu.toFixed(1)} % >= ${thresholds.maxCpuPercent} %`);
  if (mem === null) nodeReasons.push('memory usage unknown');
  else if (mem >= thresholds.maxMemoryPercent)
    nodeReasons.push(`memory ${mem.toFixed(1)} % >= ${thresholds.maxMemoryPercent} %`);

  const gpus = snapshot.gpus.map((g): GpuStatus => {
    const reasons: string[] = [];
    const free =
      g.memoryFreeMiB ??
      (g.memoryTotalMiB !== null && g.memoryUsedMiB !== null ? g.memoryTotalMiB - g.memoryUsedMiB : null);
    if (free === null) reasons.push('free GPU memory unknown');
    else if (free <= thresholds.minFreeGpuMemoryMiB)
      reasons.push(`free GPU memory ${free} MiB <= ${thresholds.minFreeGpuMemoryMiB} MiB`);
    // MIG-enabled GPUs report utilization as [N/A]: nvidia-smi cannot see per-instance activity.
    // That does not block availability (memory still does); dcgm's GR_ENGINE_ACTIVE covers it.
    if (g.utilizationPercent !== null && g.utilizationPercent >= thresholds.maxGpuUtilizationPercent) {
      reasons.push(`GPU utilization ${g.utilizationPercent} % >= ${thresholds.maxGpuUtilizationPercent} %`);
    }
    const ownReasons = [...reasons];
    return {
      index: g.index,
      uuid: g.uuid,
      name: g.name,
      kind: identifyModel(g.name, g.memoryTotalMiB ?? undefined).baseId,
      utilizationPercent: g.utilizationPercent,
      memoryUsedMiB: g.memoryUsedMiB,
      memoryTotalMiB: g.memoryTotalMiB,
      memoryFreeMiB: free,
      powerW: g.powerDrawW,
      temperatureC: g.temperatureC,
      migEnabled: g.migEnabled,
      available: ownReasons.length === 0 && nodeReasons.length === 0,
      reasons: ownReasons,
    };
  });
  if (gpus.length === 0) nodeReasons.push('no GPU reported');
  else if (!gpus.some((g) => g.available) && nodeReasons.length === 0) nodeReasons.push('no GPU meets the thresholds');
  const errors = [snapshot.gpuError, snapshot.procError].filter((e): e is string => e !== null);

  return {
    node,
    collectedAt: new Date(snapshot.collectedAt).toISOString(),
    available: gpus.some((g) => g.available),
    reasons: nodeReasons,
    thresholds,
    cpu: { usagePercent: round(cpu) },
    memory: {
      usagePercent: round(mem),
      totalBytes: snapshot.memory?.totalBytes ?? null,
      availableBytes: snapshot.memory?.availableBytes ?? null,
    },
    gpus,
    errors,
  };
}

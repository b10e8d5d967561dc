// Idle allocated GPUs: a device held by a job whose utilization stayed below a threshold
// (default 5 %) for a whole window (default 30 min).
//
// What can be attributed to whom:
// - exclusive GPU: the device's utilization is the job's.
// - MIG: each instance is its own device with its own GR_ENGINE_ACTIVE (dcgm.ts), so an idle
//   instance is flagged alone, named by its GPU_I_PROFILE / GPU_I_ID, with the job holding it.
// - time-slicing (and MPS): DCGM and nvidia-smi measure the physical GPU only; a time-sliced
//   GPU's utilization cannot be split per pod. We flag the GPU only when the whole GPU is idle,
//   and report it with every pod and job sharing it. One busy co-tenant hides idle neighbours:
//   that case is not detectable from utilization and is reported as `attribution: 'shared'`.
import { z } from 'zod';
import type { GpuSample } from './dcgm';
import type { GpuSharing } from './gpu-kinds';

export const IdleSettings = z.object({
  thresholdPercent: z.number().min(0).max(100).default(5),
  windowMs: z
    .number()
    .int()
    .positive()
    .default(30 * 60_000),
  /** a gap between samples longer than this means "no data", which is never called idle */
  maxGapMs: z
    .number()
    .int()
    .positive()
    .default(2 * 60_000),
});
export type IdleSettings = z.infer<typeof IdleSettings>;

export const DeviceAllocation = z.object({
  /** device key as in GpuSample.key: `host/uuid` or `host/uuid/mig-<id>` */
  deviceKey: z.string(),
  jobId: z.string().nullable(),
  pod: z.string(),
  namespace: z.string(),
  sharing: z.custom<GpuSharing>(),
  migProfile: z.string().nullable().default(null),
  /** when the pod got the device; a device held for less than the window is not judged */
  since: z.number(),
});
export type DeviceAllocation = z.input<typeof DeviceAllocation>;

export const IdleFinding = z.object({
  deviceKey: z.string(),
  sharing: z.custom<GpuSharing>(),
  migProfile: z.string().nullable(),
  jobIds: z.array(z.string()),
  pods: z.array(z.object({ pod: z.string(), namespace: z.string() })),
  /** 'device': utilization belongs to the listed job; 'shared': it is the whole GPU's, split unknown */
  attribution: z.enum(['device', 'shared']),
  avgUtilization: z.number(),
  maxUtilization: z.number(),
  /** start of the current below-threshold streak (at most as old as the data given) */
  idleSince: z.number(),
  note: z.string(),
});
export type IdleFinding = z.infer<typeof IdleFinding>;

export type UtilizationPoint = { t: number; v: number | null };

const NOTES: Record<GpuSharing, string> = {
  exclusive: "Whole GPU held by one pod; utilization is that pod's.",
  mig: "MIG instance; utilization is this instance's GR_ENGINE_ACTIVE.",
  'time-slicing':
    "Time-sliced GPU: utilization is the physical GPU's and cannot be split per pod; every pod sharing it is listed.",
  mps: "MPS-shared GPU: utilization is the physical GPU's and cannot be split per client; every pod sharing it is listed.",
};

/**
 * Flags devices whose every reading in [now - window, now] is below the threshold, with data
 * covering the window (no gap over maxGapMs, first reading within maxGapMs of the window start).
 * Unknown readings (null) break coverage: missing data is never evidence of idleness.
 */
export function detectIdleGpus(args: {
  allocations: readonly DeviceAllocation[];
  utilization: ReadonlyMap<string, readonly UtilizationPoint[]>;
  now: number;
  settings?: Partial<IdleSettings>;
}): IdleFinding[] {
  const settings = IdleSettings.parse(args.settings ?? {});
  const windowStart = args.now - settings.windowMs;
  const byDevice = new Map<string, z.infer<typeof DeviceAllocation>[]>();
  for (const a of args.allocations.map((x) => DeviceAllocation.parse(x))) {
    byDevice.set(a.deviceKey, [...(byDevice.get(a.deviceKey) ?? []), a]);
  }
  const findings: IdleFinding[] = [];
  for (const [deviceKey, holders] of byDevice) {
    // On a shared GPU the device has been "held" since its most recent tenant arrived: an idle
    // GPU whose new pod has not had a full window yet is not flagged.
    if (holders.some((h) => h.since > windowStart)) continue;
    const series = [...(args.utilization.get(deviceKey) ?? [])].sort((a, b) => a.t - b.t);
    const inWindow = series.filter((p) => p.t >= windowStart && p.t <= args.now);
    if (!coversWindow(inWindow, windowStart, args.now, settings.maxGapMs)) continue;
    const values = inWindow.map((p) => p.v as number);
    const max = Math.max(...values);
    if (max >= settings.thresholdPercent) continue;

    let idleSince = inWindow[0].t;
    for (let i = series.length - 1; i >= 0; i--) {
      const v = series[i].v;
      if (v === null || v >= settings.thresholdPercent) break;
      if (i < series.length - 1 && series[i + 1].t - series[i].t > settings.maxGapMs) break;
      idleSince = series[i].t;
    }
    const sharing = holders[0].sharing;
    findings.push({
      deviceKey,
      sharing,
      migProfile: holders[0].migProfile,
      jobIds: [...new Set(holders.map((h) => h.jobId).filter((j): j is string => j !== null))],
      pods: holders.map((h) => ({ pod: h.pod, namespace: h.namespace })),
      attribution: sharing === 'time-slicing' || sharing === 'mps' ? 'shared' : 'device',
      avgUtilization: values.reduce((s, v) => s + v, 0) / values.length,
      maxUtilization: max,
      idleSince,
      note: NOTES[sharing],
    });
  }
  return findings.sort((a, b) => a.idleSince - b.idleSince || a.deviceKey.localeCompare(b.deviceKey));
}

function coversWindow(points: readonly UtilizationPoint[], start: number, end: number, maxGapMs: number): boolean {
  if (points.length === 0) return false;
  if (points.some((p) => p.v === null || !Number.isFinite(p.v))) return false;
  if (points[0].t - start > maxGapMs) return false;
  if (end - points[points.length - 1].t > maxGapMs) return false;
  for (let i = 1; i < points.length; i++) if (points[i].t - points[i - 1].t > maxGapMs) return false;
  return true;
}

/**
 * dcgm device samples (their pod labels say who holds each device) -> allocations for
 * detectIdleGpus. MIG instances are 'mig'; whole GPUs take the node's sharing from the inventory.
 * Pods whose start is unknown are skipped: without it the window rule cannot be applied.
 */
export function deriveAllocations(
  samples: readonly GpuSample[],
  lookup: {
    sharingOf: (hostname: string | null) => GpuSharing;
    startedAt: (namespace: string, pod: string) => number | null;
    jobOf: (namespace: string, pod: string) => string | null;
  },
): DeviceAllocation[] {
  return samples.flatMap((s) =>
    s.pods.flatMap((p) => {
      const since = lookup.startedAt(p.namespace, p.pod);
      if (since === null) return [];
      return [
        {
          deviceKey: s.key,
          jobId: lookup.jobOf(p.namespace, p.pod),
          pod: p.pod,
          namespace: p.namespace,
          sharing: s.migInstance !== null ? 'mig' : lookup.sharingOf(s.hostname),
          migProfile: s.migProfile,
          since,
        } satisfies DeviceAllocation,
      ];
    }),
  );
}

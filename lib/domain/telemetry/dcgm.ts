// dcgm-exporter `/metrics` (Prometheus text format) -> typed samples -> one normalised reading per
// GPU or MIG instance. Label names follow dcgm-exporter: gpu, UUID, device, modelName, Hostname,
// GPU_I_PROFILE / GPU_I_ID (MIG), pod / namespace / container (with Kubernetes pod mapping).
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { z } from 'zod';

export const DcgmSample = z.object({
  metric: z.string(),
  gpu: z.string().nullable(),
  uuid: z.string().nullable(),
  device: z.string().nullable(),
  modelName: z.string().nullable(),
  hostname: z.string().nullable(),
  migProfile: z.string().nullable(),
  migInstance: z.string().nullable(),
  pod: z.string().nullable(),
  namespace: z.string().nullable(),
  container: z.string().nullable(),
  /** null when DCGM reported its "blank" sentinel (field not supported / not available) */
  value: z.number().nullable(),
  labels: z.record(z.string(), z.string()),
});
export type DcgmSample = z.infer<typeof DcgmSample>;

const PodRef = z.object({ pod: z.string(), namespace: z.string(), container: z.string().nullable() });
type PodRef = z.infer<typeof PodRef>;

export const GpuSample = z.object({
  /** `hostname/uuid` or `hostname/uuid/mig-<GPU_I_ID>`: one physical GPU or one MIG instance */
  key: z.string(),
  hostname: z.string().nullable(),
  gpu: z.string().nullable(),
  uuid: z.string().nullable(),
  modelName: z.string().nullable(),
  migProfile: z.string().nullable(),
  migInstance: z.string().nullable(),
  /** 0-100; from DCGM_FI_DEV_GPU_UTIL, or DCGM_FI_PROF_GR_ENGINE_ACTIVE x 100 where that is absent (MIG) */
  utilization: z.number().nullable(),
  utilizationSource: z.enum(['GPU_UTIL', 'GR_ENGINE_ACTIVE']).nullable(),
  fbUsedMiB: z.number().nullable(),
  fbFreeMiB: z.number().nullable(),
  powerW: z.number().nullable(),
  tempC: z.number().nullable(),
  /** every pod dcgm-exporter attributed this device to; more than one on a time-sliced GPU */
  pods: z.array(PodRef),
});
export type GpuSample = z.infer<typeof GpuSample>;

// DCGM's "blank" sentinels (dcgm_structs.h: DCGM_INT32_BLANK 0x7ffffff0, DCGM_INT64_BLANK
// 0x7ffffffffffffff0, DCGM_FP64_BLANK 140737488355328.0); dcgm-exporter prints them verbatim,
// e.g. DCGM_FI_DEV_MEMORY_TEMP 9223372036854775794 in its README. The 64-bit blanks (about 2^63,
// which a double cannot hold exactly) lie above FP64_BLANK, so its check covers them.
const INT32_BLANK = 0x7ffffff0;
const FP64_BLANK = 140737488355328.0;

export function isDcgmBlank(v: number): boolean {
  return (v >= INT32_BLANK && v <= 0x7fffffff) || v >= FP64_BLANK;
}

function parseValue(raw: string): number | null {
  const v = Number(raw.trim().replace(/^\+?Inf$/i, 'Infinity'));
  if (Number.isNaN(v) || !Number.isFinite(v) || isDcgmBlank(v)) return null;
  return v;
}

// parse-prometheus-text-format (the maintained-enough npm parser; nothing better exists there) is
// stricter than Prometheus' own parser (expfmt) in three ways real outputs hit, so the input is
// normalised first, line by line, without touching values:
// - `# HELP name` with no text (Datadog's DCGM fixture): a comment, dropped.
// - blanks after a comma between labels (`{gpu="0", UUID=...}`, dcgm-exporter's README): removed
//   where a label name and `="` follow, which a quoted value would have to contain to be hit.
// - a last line without a newline is silently lost by the library: a newline is appended.
const BARE_HELP = /^#\s*HELP\s+\S+\s*$/;
const SPACED_LABEL = /,[ \t]+(?=[A-Za-z_][A-Za-z0-9_]*=")/g;

/** Any Prometheus text exposition -> flat list of (name, labels, raw value). */
export function parsePrometheusText(text: string): { name: string; labels: Record<string, string>; value: string }[] {
  const cleaned =
    text
      .split(/\r?\n/)
      .filter((l) => !BARE_HELP.test(l))
      .map((l) => (l.startsWith('#') ? l : l.replace(SPACED_LABEL, ',')))
      .join('\n') + '\n';
  const out: { name: string; labels: Record<string, string>; value: string }[] = [];
  for (const family of parsePrometheusTextFormat(cleaned)) {
    for (const m of family.metrics) {
      // Gauges/counters/untyped only: DCGM exports nothing else, and the agent's own
      // histograms, if any, are not GPU samples.
      if ('value' in m && typeof m.value === 'string')
        out.push({ name: family.name, labels: m.labels ?? {}, value: m.value });
    }
  }
  return out;
}

const nonEmpty = (v: string | undefined): string | null => (v === undefined || v === '' ? null : v);

/** dcgm-exporter text -> typed samples. Non-DCGM families are kept too (metric name as given). */
export function parseDcgmText(text: string): DcgmSample[] {
  return parsePrometheusText(text).map(({ name, labels, value }) => ({
    metric: name,
    gpu: nonEmpty(labels.gpu),
    uuid: nonEmpty(labels.UUID ?? labels.uuid),
    device: nonEmpty(labels.device),
    modelName: nonEmpty(labels.modelName),
    hostname: nonEmpty(labels.Hostname ?? labels.hostname),
    migProfile: nonEmpty(labels.GPU_I_PROFILE),
    migInstance: nonEmpty(labels.GPU_I_ID),
    pod: nonEmpty(labels.pod ?? labels.exported_pod),
    namespace: nonEmpty(labels.namespace ?? labels.exported_namespace),
    container: nonEmpty(labels.container ?? labels.exported_container),
    value: parseValue(value),
    labels,
  }));
}

/** Identity of the device a sample describes: physical GPU, or one MIG instance of it. */
function deviceKey(s: Pick<DcgmSample, 'hostname' | 'uuid' | 'gpu' | 'migInstance'>): string | null {
  const id = s.uuid ?? (s.gpu !== null ? `gpu-${s.gpu}` : null);
  if (id === null) return null;
  const base = `${s.hostname ?? ''}/${id}`;
  return s.migInstance !== null ? `${base}/mig-${s.migInstance}` : base;
}

/**
 * Typed samples -> one GpuSample per GPU / MIG instance. Samples with no gpu/UUID label (Datadog's
 * dummy lines) cannot be tied to a device and are dropped. On MIG instances DCGM_FI_DEV_GPU_UTIL is
 * not reported; GR_ENGINE_ACTIVE (a 0-1 ratio) is the instance's utilization.
 */
export function toGpuSamples(samples: readonly DcgmSample[]): GpuSample[] {
  const byKey = new Map<string, { s: GpuSample; util: number | null; gr: number | null }>();
  for (const d of samples) {
    const key = d.metric.startsWith('DCGM_') ? deviceKey(d) : null;
    if (key === null) continue;
    let entry = byKey.get(key);
    if (!entry) {
      entry = {
        s: {
          key,
          hostname: d.hostname,
          gpu: d.gpu,
          uuid: d.uuid,
          modelName: d.modelName,
          migProfile: d.migProfile,
          migInstance: d.migInstance,
          utilization: null,
          utilizationSource: null,
          fbUsedMiB: null,
          fbFreeMiB: null,
          powerW: null,
          tempC: null,
          pods: [],
        },
        util: null,
        gr: null,
      };
      byKey.set(key, entry);
    }
    const s = entry.s;
    s.modelName ??= d.modelName;
    s.migProfile ??= d.migProfile;
    if (
      d.pod &&
      d.namespace &&
      !s.pods.some((p) => p.pod === d.pod && p.namespace === d.namespace && p.container === d.container)
    ) {
      s.pods.push({ pod: d.pod, namespace: d.namespace, container: d.container });
    }
    if (d.value === null) continue;
    switch (d.metric) {
      case 'DCGM_FI_DEV_GPU_UTIL':
        entry.util = d.value;
        break;
      case 'DCGM_FI_PROF_GR_ENGINE_ACTIVE':
        entry.gr = d.value;
        break;
      case 'DCGM_FI_DEV_FB_USED':
        s.fbUsedMiB = d.value;
        break;
      case 'DCGM_FI_DEV_FB_FREE':
        s.fbFreeMiB = d.value;
        break;
      case 'DCGM_FI_DEV_POWER_USAGE':
        s.powerW = d.value;
        break;
      case 'DCGM_FI_DEV_GPU_TEMP':
        s.tempC = d.value;
        break;
    }
  }
  return [...byKey.values()].map(({ s, util, gr }) => {
    // A MIG instance's GPU_UTIL (if any exporter ever emitted one) would describe the parent GPU.
    const preferGr = s.migInstance !== null || util === null;
    if (preferGr && gr !== null)
      return { ...s, utilization: clampPercent(gr * 100), utilizationSource: 'GR_ENGINE_ACTIVE' as const };
    if (util !== null) return { ...s, utilization: clampPercent(util), utilizationSource: 'GPU_UTIL' as const };
    return s;
  });
}

function clampPercent(v: number): number {
  return Math.min(100, Math.max(0, v));
}

/** Tags each sample with the Gantry job(s) of its pods, from a `namespace/pod -> jobId` index. */
export function attributeToJobs(
  samples: readonly GpuSample[],
  jobByPod: ReadonlyMap<string, string>,
): (GpuSample & { jobIds: string[] })[] {
  return samples.map((s) => {
    const jobIds = [
      ...new Set(s.pods.map((p) => jobByPod.get(`${p.namespace}/${p.pod}`)).filter((j): j is string => !!j)),
    ];
    return { ...s, jobIds };
  });
}

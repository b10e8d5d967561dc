// GPU kinds as the cluster offers them: one id (a GpuKindId, lib/domain/terms.ts) per thing a job can
// ask for, shared with the scheduler, quotas and pricing.
// Derived from what the NVIDIA stack publishes: the GFD label `nvidia.com/gpu.product`
// (`NVIDIA-H100-80GB-HBM3`, `A100-SXM4-40GB-MIG-1g.5gb-SHARED`), the device-plugin resource name
// (`nvidia.com/gpu`, `nvidia.com/gpu.shared`, `nvidia.com/mig-2g.20gb`) and the sharing labels
// (`nvidia.com/gpu.replicas`, `nvidia.com/gpu.sharing-strategy`). The same function takes
// nvidia-smi / DCGM model names (`NVIDIA H100 80GB HBM3`, `Tesla T4`).
import { z } from 'zod';
import { GpuKindId } from '../terms';

export const GpuSharing = z.enum(['exclusive', 'time-slicing', 'mps', 'mig']);
export type GpuSharing = z.infer<typeof GpuSharing>;

/** What a GPU kind is: its id and how it is shared. */
export const GpuKindSpec = z.object({
  /** e.g. `h100-80gb`, `a100-80gb-mig-1g.10gb`, `a100-80gb-shared`, `t4` */
  id: GpuKindId,
  /** the physical model, without MIG/sharing: `a100-80gb` */
  baseId: GpuKindId,
  description: z.string(),
  sharing: GpuSharing,
  migProfile: z.string().nullable(),
  /** replicas per physical GPU (or per MIG instance) under time-slicing/MPS, else 1 */
  replicas: z.number().int().positive(),
});
export type GpuKindSpec = z.infer<typeof GpuKindSpec>;

export const GpuKindInput = z.object({
  product: z.string(),
  resourceName: z.string().default('nvidia.com/gpu'),
  replicas: z.number().int().nonnegative().optional(),
  sharingStrategy: z.string().optional(),
  /** `nvidia.com/gpu.memory` (MiB); tells A100 40GB from 80GB when the product name does not */
  memoryMiB: z.number().positive().optional(),
});
export type GpuKindInput = z.input<typeof GpuKindInput>;

type Family = { pattern: RegExp; id: string; name: string; sizesGb?: number[]; fixedGb?: number };

// Families sold in several memory sizes carry the size in the id (a100-40gb vs a100-80gb);
// single-size parts do not (t4, l40s), matching the ids the scheduler and quotas use.
const FAMILIES: Family[] = [
  { pattern: /\bGH200\b/, id: 'gh200', name: 'NVIDIA GH200', sizesGb: [96, 144] },
  { pattern: /\bB200\b/, id: 'b200', name: 'NVIDIA B200', sizesGb: [180, 192] },
  { pattern: /\bH200\b/, id: 'h200', name: 'NVIDIA H200', sizesGb: [141] },
  { pattern: /\bH100\b/, id: 'h100', name: 'NVIDIA H100', sizesGb: [80, 94] },
  { pattern: /\bH800\b/, id: 'h800', name: 'NVIDIA H800', sizesGb: [80] },
  { pattern: /\bA100\b/, id: 'a100', name: 'NVIDIA A100', sizesGb: [40, 80] },
  { pattern: /\bA800\b/, id: 'a800', name: 'NVIDIA A800', sizesGb: [40, 80] },
  { pattern: /\bV100S?\b/, id: 'v100', name: 'NVIDIA V100', sizesGb: [16, 32] },
  { pattern: /\bL40S\b/, id: 'l40s', name: 'NVIDIA L40S', fixedGb: 48 },
  { pattern: /\bL40\b/, id: 'l40', name: 'NVIDIA L40', fixedGb: 48 },
  { pattern: /\bL4\b/, id: 'l4', name: 'NVIDIA L4', fixedGb: 24 },
  { pattern: /\bA10G\b/, id: 'a10g', name: 'NVIDIA A10G', fixedGb: 24 },
  { pattern: /\bA10\b/, id: 'a10', name: 'NVIDIA A10', fixedGb: 24 },
  { pattern: /\bA30\b/, id: 'a30', name: 'NVIDIA A30', fixedGb: 24 },
  { pattern: /\bA40\b/, id: 'a40', name: 'NVIDIA A40', fixedGb: 48 },
  { pattern: /\bA16\b/, id: 'a16', name: 'NVIDIA A16', fixedGb: 16 },
  { pattern: /\bT4\b/, id: 't4', name: 'NVIDIA T4', fixedGb: 16 },
];

const MIG_RESOURCE = /^nvidia\.com\/mig-(\d+g\.\d+gb)(\.shared)?$/;
const MIG_IN_PRODUCT = /-MIG-(\d+g\.\d+gb)/i;

/** Splits a product label or model name into the model, its MIG profile and the -SHARED flag. */
export function splitProduct(product: string): { model: string; migProfile: string | null; shared: boolean } {
  let model = product.trim();
  const shared = /-SHARED$/i.test(model);
  if (shared) model = model.replace(/-SHARED$/i, '');
  const mig = MIG_IN_PRODUCT.exec(model);
  if (mig) model = model.slice(0, mig.index);
  return { model, migProfile: mig ? mig[1].toLowerCase() : null, shared };
}

/** Maps a model (`NVIDIA-A100-SXM4-80GB`, `Tesla T4`) to its base kind id and a readable name. */
export function identifyModel(model: string, memoryMiB?: number): { baseId: string; name: string } {
  const words = model
    .toUpperCase()
    .replace(/[_\s]+/g, '-')
    .replace(/-/g, ' ');
  const family = FAMILIES.find((f) => f.pattern.test(words));
  if (!family) {
    // Always a valid GpuKindId: no separator at either end or next to another.
    const slug = model
      .toLowerCase()
      .replace(/^nvidia[-\s]/, '')
      .replace(/[^a-z0-9.]+/g, '-')
      .replace(/[-.]{2,}/g, (run) => (run.includes('-') ? '-' : '.'))
      .replace(/^[-.]+|[-.]+$/g, '');
    return { baseId: slug || 'unknown', name: model };
  }
  if (!family.sizesGb) return { baseId: family.id, name: `${family.name} ${family.fixedGb}GB` };
  const named = /(\d+)\s*GB/.exec(words);
  let gb = named ? Number(named[1]) : undefined;
  if (gb === undefined && memoryMiB !== undefined) {
    const approx = memoryMiB / 1024;
    gb = family.sizesGb.reduce((best, s) => (Math.abs(s - approx) < Math.abs(best - approx) ? s : best));
  }
  gb ??= family.sizesGb[0];
  return { baseId: `${family.id}-${gb}gb`, name: `${family.name} ${gb}GB` };
}

/**
 * (product label, resource name, replicas/sharing) -> kind. A pod asking for `nvidia.com/mig-1g.10gb`
 * on an H100 node gets `h100-80gb-mig-1g.10gb`; `nvidia.com/gpu` on a node with replicas=4 gets
 * `<base>-shared`: a time-sliced replica is a different thing to schedule and price than a whole GPU.
 */
export function deriveGpuKind(input: GpuKindInput): GpuKindSpec {
  const { product, resourceName, replicas, sharingStrategy, memoryMiB } = GpuKindInput.parse(input);
  const split = splitProduct(product);
  const resourceMig = MIG_RESOURCE.exec(resourceName);
  const migProfile = resourceMig ? resourceMig[1] : split.migProfile;
  const strategy = (sharingStrategy ?? '').toLowerCase();
  const n = replicas ?? 1;
  // renameByDefault=true advertises `<resource>.shared`; renameByDefault=false suffixes the product.
  const timeSliced =
    strategy === 'time-slicing' || split.shared || resourceName.endsWith('.shared') || (strategy !== 'mps' && n > 1);
  const sharing: GpuSharing =
    strategy === 'mps' ? 'mps' : timeSliced ? 'time-slicing' : migProfile ? 'mig' : 'exclusive';

  const { baseId, name } = identifyModel(split.model, migProfile ? undefined : memoryMiB);
  let id = baseId;
  let description = name;
  if (migProfile) {
    id += `-mig-${migProfile}`;
    description += ` MIG ${migProfile}`;
  }
  if (sharing === 'time-slicing') {
    id += '-shared';
    description += n > 1 ? `, time-sliced x${n}` : ', time-sliced';
  } else if (sharing === 'mps') {
    id += '-mps';
    description += n > 1 ? `, MPS x${n}` : ', MPS';
  }
  return GpuKindSpec.parse({
    id,
    baseId,
    description,
    sharing: migProfile && sharing === 'exclusive' ? 'mig' : sharing,
    migProfile,
    replicas: Math.max(1, n),
  });
}

// Shared helpers for importers: published tables spell "no value" as '', 'N/A' or 'None', and
// units vary (ns, s, MB); every importer converts to BenchmarkResult's units (ms, GB) here.
import { parse } from 'csv-parse/sync';
import type { GPU_KINDS } from '../catalog';

export function parseCsvRecords(text: string): Record<string, string>[] {
  return parse<Record<string, string>>(text, { columns: true, skip_empty_lines: true, bom: true, trim: true });
}

/** A finite number, or undefined for blanks and placeholders. */
export function readNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const s = value.trim();
  if (s === '' || /^(n\/a|none|null|nan)$/i.test(s)) return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}

export function readPositiveInt(value: unknown): number | null {
  const n = readNumber(value);
  return n !== undefined && Number.isInteger(n) && n > 0 ? n : null;
}

export const nsToMs = (ns: number | undefined) => (ns === undefined ? undefined : ns / 1e6);
export const sToMs = (s: number | undefined) => (s === undefined ? undefined : s * 1000);
export const mbToGb = (mb: number | undefined) => (mb === undefined ? undefined : mb / 1000);

/** Drops undefined entries so metrics hold only what the source measured. */
export function compactMetrics<T extends Record<string, number | undefined>>(m: T): Partial<T> {
  return Object.fromEntries(Object.entries(m).filter(([, v]) => v !== undefined && v >= 0)) as Partial<T>;
}

/**
 * Catalogue GPU kind for a published accelerator name, or null when it is not one of ours (the
 * caller then keeps the published name). PCIe/NVL H100 variants differ from the SXM part enough
 * (bandwidth, power) that they are not folded into h100-80gb.
 */
export function matchGpuKind(name: string): (typeof GPU_KINDS)[number] | null {
  const s = name.toUpperCase();
  if (/\bT4\b/.test(s)) return 't4';
  if (/L40S/.test(s)) return 'l40s';
  if (/A100/.test(s) && /80\s*GB/.test(s)) return 'a100-80gb';
  if (/H100/.test(s) && /SXM/.test(s) && /80\s*GB/.test(s)) return 'h100-80gb';
  if (/H200/.test(s) && /141\s*GB/.test(s)) return 'h200-141gb';
  return null;
}

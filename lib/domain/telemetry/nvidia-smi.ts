// `nvidia-smi --query-gpu=<fields> --format=csv[,noheader][,nounits]` -> one status per GPU.
// With a header the columns are matched by name (`memory.used [MiB]`), so any field order or a
// superset of fields parses; without one they are taken in the order of the query.
import { parse } from 'csv-parse/sync';
import { z } from 'zod';

/** What the node agent asks for; the order is the column order under `noheader`. */
export const AGENT_QUERY_FIELDS = [
  'index',
  'uuid',
  'name',
  'utilization.gpu',
  'memory.used',
  'memory.total',
  'memory.free',
  'power.draw',
  'temperature.gpu',
  'mig.mode.current',
] as const;

export const NvidiaSmiGpu = z.object({
  index: z.number().int(),
  uuid: z.string(),
  name: z.string(),
  /** null on MIG-enabled GPUs, where nvidia-smi reports [N/A] */
  utilizationPercent: z.number().nullable(),
  memoryUsedMiB: z.number().nullable(),
  memoryTotalMiB: z.number().nullable(),
  memoryFreeMiB: z.number().nullable(),
  powerDrawW: z.number().nullable(),
  temperatureC: z.number().nullable(),
  migEnabled: z.boolean().nullable(),
});
export type NvidiaSmiGpu = z.infer<typeof NvidiaSmiGpu>;

// `[N/A]`, `[Not Supported]`, `[Unknown Error]`, `[Requested functionality has been deprecated]`,
// bare `N/A`: nvidia-smi's ways of saying "no value".
function isMissing(v: string): boolean {
  return v === '' || /^\[.*\]$/.test(v) || /^n\/a$/i.test(v);
}

/** `81559 MiB`, `69.85 W`, `0 %` or the nounits forms -> number; missing markers -> null. */
export function parseSmiNumber(raw: string | undefined): number | null {
  if (raw === undefined) return null;
  const v = raw.trim();
  if (isMissing(v)) return null;
  const m = /^([+-]?\d+(?:\.\d+)?)(?:\s*(?:MiB|W|%|MHz|C|us))?$/.exec(v);
  return m ? Number(m[1]) : null;
}

function parseSmiString(raw: string | undefined): string | null {
  if (raw === undefined) return null;
  const v = raw.trim();
  return isMissing(v) ? null : v;
}

/** `memory.used [MiB]` -> `memory.used` */
function fieldName(header: string): string {
  return header.replace(/\s*\[[^\]]*\]\s*$/, '').trim();
}

export class NvidiaSmiParseError extends Error {}

/**
 * Parses query-gpu CSV output. `fields` is the query list, needed only for `noheader` output.
 * A header is recognised when its first row names `index`/`uuid`/`name` columns.
 */
export function parseQueryGpuCsv(text: string, fields: readonly string[] = AGENT_QUERY_FIELDS): NvidiaSmiGpu[] {
  const rows: string[][] = parse(text, { trim: true, skip_empty_lines: true, relax_column_count: true });
  if (rows.length === 0) return [];
  const first = rows[0].map(fieldName);
  const hasHeader = first.includes('uuid') || first.includes('index') || first.includes('name');
  const columns = hasHeader ? first : [...fields];
  const data = hasHeader ? rows.slice(1) : rows;
  for (const required of ['index', 'uuid']) {
    if (!columns.includes(required)) throw new NvidiaSmiParseError(`nvidia-smi output has no "${required}" column`);
  }
  return data.map((row, i) => {
    if (row.length !== columns.length) {
      throw new NvidiaSmiParseError(`nvidia-smi row ${i + 1} has ${row.length} values, expected ${columns.length}`);
    }
    const get = (f: string) => {
      const at = columns.indexOf(f);
      return at === -1 ? undefined : row[at];
    };
    const index = parseSmiNumber(get('index'));
    const uuid = parseSmiString(get('uuid'));
    if (index === null || uuid === null) throw new NvidiaSmiParseError(`nvidia-smi row ${i + 1} has no index/uuid`);
    const mig = parseSmiString(get('mig.mode.current'));
    return {
      index,
      uuid,
      name: parseSmiString(get('name')) ?? 'unknown',
      utilizationPercent: parseSmiNumber(get('utilization.gpu')),
      memoryUsedMiB: parseSmiNumber(get('memory.used')),
      memoryTotalMiB: parseSmiNumber(get('memory.total')),
      memoryFreeMiB: parseSmiNumber(get('memory.free')),
      powerDrawW: parseSmiNumber(get('power.draw')),
      temperatureC: parseSmiNumber(get('temperature.gpu')),
      migEnabled: mig === null ? null : mig.toLowerCase() === 'enabled',
    };
  });
}

/** The nvidia-smi arguments matching AGENT_QUERY_FIELDS. */
export function buildQueryGpuArgs(fields: readonly string[] = AGENT_QUERY_FIELDS): string[] {
  return [`--query-gpu=${fields.join(',')}`, '--format=csv,noheader,nounits'];
}

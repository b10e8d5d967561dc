// Shapes of the telemetry API answers the console reads (see app/api/telemetry/*).
export type ChartRange = '1h' | '24h' | '7d' | '30d';
export type Metric = 'util' | 'fb' | 'power';
export type SeriesScope = 'gpu' | 'node' | 'pool' | 'job' | 'team';

export const RANGES: ChartRange[] = ['1h', '24h', '7d', '30d'];
export const METRICS: { id: Metric; label: string; unit: string }[] = [
  { id: 'util', label: 'Utilization', unit: '%' },
  { id: 'fb', label: 'Memory used', unit: 'MiB' },
  { id: 'power', label: 'Power', unit: 'W' },
];

export interface Series {
  scope: SeriesScope;
  id: string;
  metric: Metric;
  range: ChartRange;
  tier: 'raw' | '1m' | '1h';
  source: 'devices' | 'pool';
  devices: number;
  points: { t: number; v: number }[];
}

export interface Heatmap {
  pool: string;
  columns: number[];
  columnMs: number;
  gpus: { key: string; node: string; migProfile: string | null; cells: (number | null)[] }[];
}

export interface GpuDevice {
  key: string;
  node: string;
  pool: string | null;
  kind: string | null;
  migProfile: string | null;
  last: { at: string; util: number | null; fbMiB: number | null; powerW: number | null } | null;
}

interface IdleGpu {
  deviceKey: string;
  node: string;
  pool: string | null;
  kind: string | null;
  jobIds: string[];
  owners: string[];
  teams: string[];
  attribution: 'device' | 'shared';
  avgUtilization: number;
  idleSince: string;
  note: string;
}

export interface IdleGpus {
  thresholdPercent: number;
  windowMinutes: number;
  gpus: IdleGpu[];
}

interface UsageRow {
  periodStart: string;
  team: string;
  user: string | null;
  gpuKind: string;
  allocatedGpuHours: number;
  usedGpuHours: number;
  utilization: number | null;
  cost: number | null;
}

export interface UsageReport {
  period: 'day' | 'week';
  groupBy: 'team' | 'user';
  rows: UsageRow[];
}

/** What a chart shows: a scope and its id (pool name, node name, GPU key, team slug). */
export interface ChartTarget {
  scope: SeriesScope;
  id: string;
  label: string;
}

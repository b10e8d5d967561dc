// Helpers shared by the telemetry verbs: chart ranges, the scrape interval and value decoding.
import { z } from 'zod';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const SCRAPE_INTERVAL_MS = 10_000;

export const ChartRange = z.enum(['1h', '24h', '7d', '30d']);
export type ChartRange = z.infer<typeof ChartRange>;
export const RANGE_MS: Record<ChartRange, number> = { '1h': HOUR, '24h': DAY, '7d': 7 * DAY, '30d': 30 * DAY };

export const Metric = z.enum(['util', 'fb', 'power']);
export type Metric = z.infer<typeof Metric>;

export const Scope = z.enum(['gpu', 'node', 'pool', 'job', 'team']);
export type Scope = z.infer<typeof Scope>;

/** timestamptz arrives as a Date or an ISO-ish string depending on the path; always ms. */
export function toMs(v: unknown): number {
  return v instanceof Date ? v.getTime() : Date.parse(String(v));
}

export function toNum(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

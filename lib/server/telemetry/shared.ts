// Helpers shared by the telemetry verbs: chart ranges, the scrape interval, row decoding, and the
// column names of the raw statements that write the telemetry tables.
import { sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
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

export { rows } from '@/lib/db/driver-row';

/** timestamptz arrives as a Date or an ISO-ish string depending on the path; always ms. */
export function toMs(v: unknown): number {
  return v instanceof Date ? v.getTime() : Date.parse(String(v));
}

export function toNum(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

// Raw statements take their table and column names from the Drizzle schema, so that renaming a
// column fails the build instead of a statement at run time. `${table.column}` renders qualified
// (`"gpu_samples"."ts"`); these give the bare name where SQL wants one.

/** A column's bare name: insert lists, conflict targets, the left side of `set`, after an alias. */
export const bare = (column: AnyPgColumn): SQL => sql`${sql.identifier(column.name)}`;

export const bareList = (columns: AnyPgColumn[]): SQL => sql.join(columns.map(bare), sql`, `);

/** `excluded.<column>`: the row an upsert proposed. */
export const excluded = (column: AnyPgColumn): SQL => sql`excluded.${bare(column)}`;

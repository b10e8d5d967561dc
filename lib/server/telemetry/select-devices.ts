import { sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '@/lib/db/client';
import { rows } from '@/lib/db/driver-row';
import { SCRAPE_INTERVAL_MS, toMs, type Scope } from './shared';

export interface SelectedDevices {
  ids: number[];
  /** for job scope: when the job first and last held any of them */
  heldFrom: number | null;
  heldTo: number | null;
  /**
   * For team scope: a condition on a sample (`s.device_id`, and `s.ts` or `s.bucket`) keeping only
   * readings taken while one of the team's pods held that device. null: every reading counts.
   */
  heldBy: ((at: SQL, bucketMs: number) => SQL) | null;
}

const DAY = 86_400_000;

/**
 * Device ids behind a chart scope: one GPU (by key), a node, a pool, the GPUs a job held, or the GPUs
 * a team's pods held within [from, to] (read from gpu_assignments, one row per device, pod and day).
 */
export async function selectDevices(
  db: DbOrTx,
  scope: Scope,
  id: string,
  window?: { from: number; to: number },
): Promise<SelectedDevices> {
  if (scope === 'job') {
    const list = await rows<{ device_id: number; first: unknown; last: unknown }>(
      db,
      sql`select device_id, min(first_seen_at) as first, max(last_seen_at) as last from gpu_assignments where job_id = ${id} group by device_id`,
    );
    return {
      ids: list.map((r) => Number(r.device_id)),
      heldFrom: list.length ? Math.min(...list.map((r) => toMs(r.first))) : null,
      heldTo: list.length ? Math.max(...list.map((r) => toMs(r.last))) : null,
      heldBy: null,
    };
  }
  if (scope === 'team') {
    const from = window?.from ?? 0;
    const to = window?.to ?? Date.now();
    // `day` bounds the scan through its index; the first/last test keeps only holds overlapping the window.
    const fromDay = new Date(Math.floor(from / DAY) * DAY).toISOString().slice(0, 10);
    const team = sql`a.team = ${id} and a.day >= ${fromDay}::date`;
    const list = await rows<{ device_id: number }>(
      db,
      sql`select distinct a.device_id from gpu_assignments a where ${team}
          and a.first_seen_at <= ${new Date(to).toISOString()}::timestamptz and a.last_seen_at >= ${new Date(from - SCRAPE_INTERVAL_MS).toISOString()}::timestamptz
          order by 1`,
    );
    // A reading (or bucket [at, at + bucketMs)) counts when it overlaps a hold [first, last + one scrape).
    // Holds are rows per UTC day and buckets never straddle days, so (device, day) is the join key.
    const heldBy = (at: SQL, bucketMs: number) =>
      sql`exists (select 1 from gpu_assignments a where a.device_id = s.device_id and a.day = (${at} at time zone 'UTC')::date and ${team}
            and a.first_seen_at < ${at} + ${`${Math.max(bucketMs, 1)} milliseconds`}::interval
            and a.last_seen_at + ${`${SCRAPE_INTERVAL_MS} milliseconds`}::interval > ${at})`;
    return { ids: list.map((r) => Number(r.device_id)), heldFrom: null, heldTo: null, heldBy };
  }
  const where = scope === 'gpu' ? sql`key = ${id}` : scope === 'node' ? sql`node = ${id}` : sql`pool = ${id}`;
  const list = await rows<{ id: number }>(db, sql`select id from gpu_devices where ${where} order by id`);
  return { ids: list.map((r) => Number(r.id)), heldFrom: null, heldTo: null, heldBy: null };
}

/** A PostgreSQL int[] literal; ids are integers from the database, so no quoting is needed. */
export const intArray = (ids: readonly number[]) => sql`${`{${ids.join(',')}}`}::int[]`;

import { sql } from 'drizzle-orm';
import type { DbOrTx } from '@/lib/db/client';
import { rows, toMs, type Scope } from './shared';

export interface SelectedDevices {
  ids: number[];
  /** for job scope: when the job first and last held any of them */
  heldFrom: number | null;
  heldTo: number | null;
}

/** Device ids behind a chart scope: one GPU (by key), a node, a pool, or the GPUs a job held. */
export async function selectDevices(db: DbOrTx, scope: Scope, id: string): Promise<SelectedDevices> {
  if (scope === 'job') {
    const list = await rows<{ device_id: number; first: unknown; last: unknown }>(
      db,
      sql`select device_id, min(first_seen_at) as first, max(last_seen_at) as last from gpu_assignments where job_id = ${id} group by device_id`,
    );
    return {
      ids: list.map((r) => Number(r.device_id)),
      heldFrom: list.length ? Math.min(...list.map((r) => toMs(r.first))) : null,
      heldTo: list.length ? Math.max(...list.map((r) => toMs(r.last))) : null,
    };
  }
  const where = scope === 'gpu' ? sql`key = ${id}` : scope === 'node' ? sql`node = ${id}` : sql`pool = ${id}`;
  const list = await rows<{ id: number }>(db, sql`select id from gpu_devices where ${where} order by id`);
  return { ids: list.map((r) => Number(r.id)), heldFrom: null, heldTo: null };
}

/** A PostgreSQL int[] literal; ids are integers from the database, so no quoting is needed. */
export const intArray = (ids: readonly number[]) => sql`${`{${ids.join(',')}}`}::int[]`;

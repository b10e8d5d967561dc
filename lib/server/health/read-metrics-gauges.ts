// What Gantry's metrics read from PostgreSQL at scrape time (web process): unfinished jobs by team,
// GPU kind and state (one grouped count over the state indexes), and Gantry's connections as the
// server sees them. postgres.js exposes nothing about its pool, so connections come from
// pg_stat_activity (every Gantry process connects as application_name 'gantry').
import { sql } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { jobs, teams } from '@/lib/db/schema';

/** States a job passes through before it ends; finished jobs only grow, so they are not counted. */
const UNFINISHED_STATES = ['queued', 'admitted', 'submitted', 'running', 'preempted'] as const;

export interface MetricsGauges {
  queue: Array<{ team: string; gpuKind: string; state: string; jobs: number }>;
  connections: { open: number; busy: number };
}

export async function readMetricsGauges(db: Db): Promise<MetricsGauges> {
  const states = sql.join(
    UNFINISHED_STATES.map((s) => sql`${s}`),
    sql`, `,
  );
  // One after the other, so the second sees exactly one of its own statements active.
  const queue = await db.execute<{ team: string; gpu_kind: string; state: string; jobs: number }>(sql`
    select ${teams.slug} as team, ${jobs.gpuKind} as gpu_kind, ${jobs.state}::text as state, count(*)::int as jobs
    from ${jobs} join ${teams} on ${teams.id} = ${jobs.teamId}
    where ${jobs.state} in (${states})
    group by 1, 2, 3`);
  const [connections] = await db.execute<{ open: number; busy: number }>(sql`
    select count(*)::int as open, (count(*) filter (where state = 'active'))::int - 1 as busy
    from pg_stat_activity where application_name = 'gantry' and datname = current_database()`);
  return {
    queue: Array.from(queue, (r) => ({ team: r.team, gpuKind: r.gpu_kind, state: r.state, jobs: r.jobs })),
    // `busy` without this statement's own connection (active while it runs).
    connections: { open: connections.open, busy: Math.max(0, connections.busy) },
  };
}

import { sql } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { workerLoops } from '@/lib/db/schema';

export interface LoopRun {
  name: string;
  holder: string;
  startedAt: Date;
  finishedAt: Date;
  error: string | null;
}

/** Counts a loop run and keeps its last outcome, so a stuck or failing loop is visible. */
export async function recordLoopRun(db: Db, run: LoopRun): Promise<void> {
  const failed = run.error !== null;
  const fields = {
    holder: run.holder,
    lastStartedAt: run.startedAt,
    lastFinishedAt: run.finishedAt,
    lastError: run.error,
  };
  await db
    .insert(workerLoops)
    .values({ name: run.name, ...fields, runs: 1, failures: failed ? 1 : 0 })
    .onConflictDoUpdate({
      target: workerLoops.name,
      set: {
        ...fields,
        runs: sql`${workerLoops.runs} + 1`,
        failures: failed ? sql`${workerLoops.failures} + 1` : workerLoops.failures,
      },
    });
}

import { sql } from 'drizzle-orm';
import { jobs } from '@/lib/db/schema';

const HOUR_MS = 3_600_000;

/**
 * The job-row fields that put a job that held GPUs back in the queue at `at`: its placement and
 * admission cleared, and the GPU-hours it held from admission to `heldUntil` added to
 * pastGpuHours, so they still count against its team's weekly budget. Shared by preemption and by
 * "retry failed steps"; each caller adds its own reason and message.
 */
export function requeueFields(row: { gpuCount: number; admittedAt: Date | null }, at: Date, heldUntil: Date | null) {
  const heldHours =
    row.admittedAt && heldUntil
      ? (row.gpuCount * Math.max(0, heldUntil.getTime() - row.admittedAt.getTime())) / HOUR_MS
      : 0;
  return {
    state: 'queued' as const,
    placements: null,
    borrowed: 0,
    admittedAt: null,
    startedAt: null,
    preemptDeadline: null,
    preemptedFor: null,
    queuedAt: at,
    pastGpuHours: sql`${jobs.pastGpuHours} + ${heldHours}`,
    updatedAt: at,
  };
}

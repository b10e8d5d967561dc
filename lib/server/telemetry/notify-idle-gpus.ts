import { sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import { gpuDevices, gpuSamples, jobEvents, jobs } from '@/lib/db/schema';
import { inTransaction, requireRole, type Ctx } from '../context';
import { parseInput } from '../validate';
import { findIdleGpus } from './find-idle-gpus';
import { getTelemetrySettings } from './get-telemetry-settings';
import { bare, bareList, rows } from '@/lib/db/driver-row';

const NotifyIdleGpusInput = z.object({ now: z.number().int().positive().optional() });

/**
 * Tells owners: each idle GPU held by a Gantry job gets one GPU_IDLE event on the job's timeline
 * per idle streak, so the job page shows it and a rerun writes nothing new. Pods that are not
 * Gantry jobs are skipped.
 */
export async function notifyIdleGpus({ ctx, input }: { ctx: Ctx; input?: unknown }): Promise<{ events: number }> {
  requireRole(ctx, 'admin');
  const { now } = parseInput(NotifyIdleGpusInput, input ?? {});
  const settings = await getTelemetrySettings({ ctx });
  const at = new Date(now ?? Date.now()).toISOString();
  const idle = await findIdleGpus(ctx.db, {
    now: Date.parse(at),
    thresholdPercent: settings.idleThresholdPercent,
    windowMinutes: settings.idleWindowMinutes,
  });
  let events = 0;
  const e = alias(jobEvents, 'e');
  const [s, d] = [gpuSamples, gpuDevices];
  await inTransaction(ctx, async ({ db }) => {
    for (const gpu of idle) {
      for (const jobId of gpu.jobIds.filter((j) => /^\d+$/.test(j))) {
        const message = `GPU ${gpu.deviceKey} has stayed under ${settings.idleThresholdPercent} % utilization for ${settings.idleWindowMinutes} minutes (mean ${gpu.avgUtilization.toFixed(1)} %) since ${gpu.idleSince}.`;
        const details = JSON.stringify({
          deviceKey: gpu.deviceKey,
          idleSince: gpu.idleSince,
          avgUtilization: gpu.avgUtilization,
          sharing: gpu.sharing,
        });
        // One event per streak: none if this device already has one since it was last busy
        // (or within the raw tier's 24 h when it has not been busy since).
        const written = await rows<{ id: number }>(
          db,
          sql`insert into ${jobEvents} (${bareList([jobEvents.jobId, jobEvents.at, jobEvents.cause, jobEvents.message, jobEvents.details])})
              select ${jobs.id}, ${at}::timestamptz, 'GPU_IDLE', ${message}, ${details}::jsonb from ${jobs}
              where ${jobs.id} = ${jobId}::bigint and not exists (
                select 1 from ${jobEvents} ${e} where ${e.jobId} = ${jobs.id} and ${e.cause} = 'GPU_IDLE' and ${e.details}->>'deviceKey' = ${gpu.deviceKey}
                  and ${e.at} > coalesce(
                    (select max(${s.ts}) from ${s} join ${d} on ${d.id} = ${s.deviceId}
                      where ${d.key} = ${gpu.deviceKey} and ${s.util} >= ${settings.idleThresholdPercent}),
                    ${at}::timestamptz - interval '24 hours'))
              returning ${bare(jobEvents.id)}`,
        );
        events += written.length;
      }
    }
  });
  return { events };
}

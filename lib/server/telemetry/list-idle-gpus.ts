import { z } from 'zod';
import { requireRole, type Ctx } from '../context';
import { parseInput } from '../validate';
import { findIdleGpus, type IdleGpuView } from './find-idle-gpus';
import { getTelemetrySettings } from './get-telemetry-settings';

const ListIdleGpusInput = z.object({ now: z.number().int().positive().optional() });

export interface IdleGpusView {
  thresholdPercent: number;
  windowMinutes: number;
  gpus: IdleGpuView[];
}

/** Admins: GPUs held by a job but under the idle threshold for the whole window (admin settings). */
export async function listIdleGpus({ ctx, input }: { ctx: Ctx; input?: unknown }): Promise<IdleGpusView> {
  requireRole(ctx, 'admin');
  const { now } = parseInput(ListIdleGpusInput, input ?? {});
  const settings = await getTelemetrySettings({ ctx });
  const gpus = await findIdleGpus(ctx.db, {
    now: now ?? Date.now(),
    thresholdPercent: settings.idleThresholdPercent,
    windowMinutes: settings.idleWindowMinutes,
  });
  return { thresholdPercent: settings.idleThresholdPercent, windowMinutes: settings.idleWindowMinutes, gpus };
}

// What the scheduler and the job-failing verbs report to Gantry's metrics (worker process).
import type { GpuTotals } from '@/lib/domain/scheduler/gpu-totals';
import { metrics } from './registry';

export interface SchedulerPassReport {
  admissions: ReadonlyArray<{ team: string; gpuKind: string; waitedMs: number }>;
  preemptions: ReadonlyArray<{ team: string; gpuKind: string }>;
  gpus: readonly GpuTotals[];
}

/** One completed pass: its duration, each admission (and how long the job waited), preemptions, GPUs. */
export function recordSchedulerPass(report: SchedulerPassReport, seconds: number): void {
  const m = metrics();
  m.schedulerPass.observe(seconds);
  for (const a of report.admissions) {
    m.admissions.inc({ team: a.team, gpu_kind: a.gpuKind });
    m.decisionLatency.observe(a.waitedMs / 1000);
  }
  for (const p of report.preemptions) m.preemptions.inc({ team: p.team, gpu_kind: p.gpuKind });
  // Replaced each pass, so a GPU kind that left the cluster loses its series.
  m.clusterGpus.reset();
  for (const g of report.gpus) {
    m.clusterGpus.set({ gpu_kind: g.gpuKind, state: 'allocatable' }, g.allocatable);
    m.clusterGpus.set({ gpu_kind: g.gpuKind, state: 'allocated' }, g.allocated);
  }
}

/** A job moved to failed (the reason code stored on the job). */
export function recordJobFailure(reason: string): void {
  metrics().jobFailures.inc({ reason });
}

/** The telemetry loop's scrapes of one round: how many answered and how many failed. */
export function recordTelemetryScrapes(ok: number, failed: number): void {
  const m = metrics();
  if (ok > 0) m.telemetryScrapes.inc({ result: 'ok' }, ok);
  if (failed > 0) m.telemetryScrapes.inc({ result: 'error' }, failed);
}

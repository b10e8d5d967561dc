// The loops this worker runs. Later features (scheduler, workflow sync, telemetry) add theirs here.
import type { LoopSpec } from './loop';
import { pingCluster } from '@/lib/cluster/health';
import { recordClusterHeartbeat } from '@/lib/server/health/record-cluster-heartbeat';
import { SYSTEM_ACTOR } from '@/lib/server/context';
import { runSchedulerPass } from '@/lib/server/scheduler/run-scheduler-pass';
import { collectTelemetry } from '@/lib/server/telemetry/collect-telemetry';
import { notifyIdleGpus } from '@/lib/server/telemetry/notify-idle-gpus';
import { rollupAndPrune } from '@/lib/server/telemetry/rollup-and-prune';
import { syncWorkflows } from '@/lib/server/workflows/sync-workflows';

export function workerLoops(): LoopSpec[] {
  return [
    {
      // Keeps a fresh record of whether the cluster API answers, shown on the Overview page.
      name: 'cluster-heartbeat',
      intervalMs: 15_000,
      exclusive: true,
      async run({ db, log }) {
        const started = performance.now();
        try {
          const version = await pingCluster();
          await recordClusterHeartbeat(db, { ok: true, version: version.gitVersion, ms: performance.now() - started });
        } catch (error) {
          log.warn({ err: error }, 'cluster did not answer');
          await recordClusterHeartbeat(db, { ok: false, error: String(error).slice(0, 300), ms: performance.now() - started });
        }
      },
    },
    {
      // Admits queued jobs within quotas, hands them to Argo, follows them to their end.
      name: 'scheduler',
      intervalMs: 1_000,
      jitter: 0.2,
      exclusive: true,
      async run({ db, log }) {
        const result = await runSchedulerPass({ ctx: { db, actor: SYSTEM_ACTOR, log } });
        if (result.admitted.length || result.submitted.length || result.failed.length || result.preempted.length || result.preemptedDone.length) {
          log.info(
            { admitted: result.admitted, submitted: result.submitted, failed: result.failed, preempted: result.preempted, requeued: result.preemptedDone, waiting: result.waiting },
            'scheduler pass',
          );
        }
      },
    },
    {
      // Per job: workflow phase (job events on change), GPU-seconds, the status.nodes snapshot behind
      // the live DAG, step logs kept past pod garbage collection; jobs whose Workflow vanished fail.
      name: 'workflow-sync',
      intervalMs: 2_000,
      jitter: 0.1,
      exclusive: true,
      async run({ db, log }) {
        const result = await syncWorkflows({ ctx: { db, actor: SYSTEM_ACTOR, log } });
        if (result.phaseChanges) log.info(result, 'workflow sync');
      },
    },
    {
      // GPU telemetry: every dcgm-exporter found through the cluster, scraped and stored (raw, 24 h).
      name: 'telemetry',
      intervalMs: 10_000,
      jitter: 0.05,
      exclusive: true,
      async run({ db, log }) {
        const result = await collectTelemetry({ ctx: { db, actor: SYSTEM_ACTOR, log } });
        if (result.failed.length) log.warn({ failed: result.failed }, 'some dcgm-exporters did not answer');
      },
    },
    {
      // Closes 1-minute and 1-hour telemetry buckets, deletes rows past each tier's retention, and
      // puts a GPU_IDLE event on the timeline of each job holding an idle GPU.
      name: 'telemetry-rollup',
      intervalMs: 60_000,
      exclusive: true,
      async run({ db, log }) {
        const ctx = { db, actor: SYSTEM_ACTOR, log };
        await rollupAndPrune({ ctx });
        const { events } = await notifyIdleGpus({ ctx });
        if (events) log.info({ events }, 'idle GPUs reported to their jobs');
      },
    },
  ];
}

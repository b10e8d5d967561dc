// Every loop the worker runs, one entry each: its interval and jitter, whether only one replica may
// run it (exclusive), and the lib/server verbs it calls (what else it imports: worker/README.md).
import type { LoopSpec } from './loop';
import { pingCluster } from '@/lib/cluster/health';
import { recordTelemetryScrapes } from '@/lib/metrics/scheduler';
import { markWorkflowsSynced, trackWorkflowFollower, untrackWorkflowFollower } from '@/lib/metrics/workflow-sync';
import { recordClusterHeartbeat } from '@/lib/server/health/record-cluster-heartbeat';
import { SYSTEM_ACTOR } from '@/lib/server/context';
import { AppError } from '@/lib/server/errors';
import { runNotificationsPass } from '@/lib/server/notifications/run-notifications-pass';
import { runSchedulerPass } from '@/lib/server/scheduler/run-scheduler-pass';
import { reconcileTeamNamespaces } from '@/lib/server/tenancy/reconcile-team-namespaces';
import { collectTelemetry } from '@/lib/server/telemetry/collect-telemetry';
import { notifyIdleGpus } from '@/lib/server/telemetry/notify-idle-gpus';
import { rollupAndPrune } from '@/lib/server/telemetry/rollup-and-prune';
import { syncWorkflows } from '@/lib/server/workflows/sync-workflows';
import { WorkflowFollower } from '@/lib/server/workflows/workflow-follower';

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
          await recordClusterHeartbeat(db, {
            ok: false,
            error: String(error).slice(0, 300),
            ms: performance.now() - started,
          });
        }
      },
    },
    {
      // Each team's namespace (Namespace, ServiceAccount, GPU ResourceQuota from its quotas,
      // LimitRange, default-deny-ingress NetworkPolicy) brought back to what Gantry wants: at start,
      // so teams from before team namespaces get theirs before their next job launches, then every
      // minute, repairing edits and deletions made outside Gantry. Team and quota changes reconcile
      // their team at once; this pass catches up what a cluster outage left undone.
      name: 'team-namespaces',
      intervalMs: 60_000,
      jitter: 0.1,
      exclusive: true,
      async run({ db, log }) {
        const results = await reconcileTeamNamespaces({ ctx: { db, actor: SYSTEM_ACTOR, log } });
        const changed = results.filter((r) => r.error || Object.values(r.objects).some((o) => o !== 'unchanged'));
        if (changed.length) log.info({ teams: changed }, 'team namespaces reconciled');
      },
    },
    {
      // Admits queued jobs within quotas and hands them to Argo.
      name: 'scheduler',
      intervalMs: 1_000,
      jitter: 0.2,
      exclusive: true,
      // A pass over a 20,000-job queue takes a core for half a second; back to back, passes during
      // a burst of submissions would take the cores the submissions need (docs/benchmarks.md).
      maxDutyCycle: 0.4,
      async run({ db, log }) {
        // Phases come from the workflow-follow watch and the workflow-sync reconcile below.
        const result = await runSchedulerPass({ ctx: { db, actor: SYSTEM_ACTOR, log } }, { followPhases: false });
        if (
          result.admitted.length ||
          result.submitted.length ||
          result.failed.length ||
          result.preempted.length ||
          result.preemptedDone.length
        ) {
          log.info(
            {
              admitted: result.admitted,
              submitted: result.submitted,
              failed: result.failed,
              preempted: result.preempted,
              requeued: result.preemptedDone,
              waiting: result.waiting,
            },
            'scheduler pass',
          );
        }
      },
    },
    {
      // The reconcile pass behind the follower below: a full list of Gantry's Workflows through the
      // same per-workflow sync (phase, GPU-seconds, status.nodes snapshot, final step logs), so jobs
      // whose Workflow vanished or stalled, or whose events were missed, are caught. Once a minute:
      // finished steps' pods outlive them by 2 minutes (podGC deleteDelayDuration), so even a step
      // whose watch event was missed has its log captured here before its pod goes.
      name: 'workflow-sync',
      intervalMs: 60_000,
      // The follower's first list at start-up is this same pass; running both at once doubled the
      // start-up work (100 workflows of 1,000 steps: 200,000 log requests instead of 100,000).
      startAfterMs: 60_000,
      jitter: 0.1,
      exclusive: true,
      async run({ db, log }) {
        const listedAt = Date.now();
        // Snapshots the follower wrote in the last 30 s are current enough to leave alone.
        const result = await syncWorkflows({ ctx: { db, actor: SYSTEM_ACTOR, log }, freshWithinMs: 30_000 });
        markWorkflowsSynced(listedAt);
        if (result.phaseChanges) log.info(result, 'workflow sync');
      },
    },
    {
      // Live workflow updates from a watch (resumed after disconnects, relisting on 410 Gone). Its
      // run() blocks until shutdown, so the exclusive loop's advisory lock is held for the
      // follower's whole life: exactly one replica follows; the others try again every 5 s and take
      // over when the holder's session (and lock) goes away. The run only returns on shutdown.
      name: 'workflow-follow',
      intervalMs: 5_000,
      jitter: 0.2,
      exclusive: true,
      longLived: true,
      async run({ db, log, signal }) {
        const follower = new WorkflowFollower({ db, actor: SYSTEM_ACTOR, log });
        // gantry_workflow_sync_lag_seconds is 0 while this follower is caught up.
        trackWorkflowFollower(follower);
        try {
          await follower.start(signal);
        } finally {
          untrackWorkflowFollower(follower);
        }
      },
    },
    {
      // GPU telemetry: every dcgm-exporter found through the cluster, scraped and stored (raw, 24 h).
      name: 'telemetry',
      intervalMs: 10_000,
      jitter: 0.05,
      exclusive: true,
      async run({ db, log }) {
        let result;
        try {
          result = await collectTelemetry({ ctx: { db, actor: SYSTEM_ACTOR, log } });
        } catch (error) {
          // The cluster API did not answer, so no exporter could be found: one failed scrape round.
          if (error instanceof AppError && error.code === 'UNAVAILABLE') recordTelemetryScrapes(0, 1);
          throw error;
        }
        recordTelemetryScrapes(result.exporters - result.failed.length, result.failed.length);
        if (result.failed.length) log.warn({ failed: result.failed }, 'some dcgm-exporters did not answer');
      },
    },
    {
      // Closes 1-minute and 1-hour telemetry buckets (per GPU and per pool), deletes rows past each tier's retention, and
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
    {
      // Notifications (issue 16): waiting and budget thresholds, then the outbox the job_events
      // trigger fills becomes console notifications and digests, then due webhooks and e-mails go
      // out, retried with backoff for 24 h. Every second: a delivery should land within 5 s.
      name: 'notifications',
      intervalMs: 1_000,
      jitter: 0.1,
      exclusive: true,
      async run({ db, log }) {
        const result = await runNotificationsPass({ db, actor: SYSTEM_ACTOR, log });
        if (result.events || result.delivered || result.failed) log.info(result, 'notifications');
      },
    },
  ];
}

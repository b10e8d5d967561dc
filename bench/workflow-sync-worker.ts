// The worker side of `npm run bench workflow-sync`, in its own process so its CPU is measured apart
// from the simulated cluster: the watch-driven WorkflowFollower and the periodic reconcile pass
// (syncWorkflows), as worker/loops.ts runs them, plus the scheduler loop when `--scheduler` is given.
// Prints one JSON line per reconcile pass, one when the watch delivers a workflow's new phase (to
// tell delivery lag from handling lag), and a follower/CPU report every second.
// Usage: tsx bench/workflow-sync-worker.ts <database url> <kubeconfig> <reconcile ms> [--scheduler] [--events]
import { configureCluster } from '@/lib/cluster/kube';
import { watchWorkflows } from '@/lib/cluster/workflows';
import { createDb } from '@/lib/db/client';
import { logger } from '@/lib/log';
import { SYSTEM_ACTOR } from '@/lib/server/context';
import { runSchedulerPass } from '@/lib/server/scheduler/run-scheduler-pass';
import { syncWorkflows } from '@/lib/server/workflows/sync-workflows';
import { clusterFollowerDeps, WorkflowFollower } from '@/lib/server/workflows/workflow-follower';
import { sleepUnlessAborted } from '@/lib/sleep';

const [url, kubeconfigPath, reconcileMs, ...flags] = process.argv.slice(2);
const handle = createDb(url);
configureCluster({ kubeconfigPath, namespace: 'gantry-jobs' });
const ctx = { db: handle.db, actor: SYSTEM_ACTOR, log: logger() };
const stop = new AbortController();
const out = (o: object) => process.stdout.write(`${JSON.stringify({ t: Date.now(), ...o })}\n`);
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

// The worker's own dependencies, with the watch's deliveries of a new phase reported as they arrive
// (and, with --events, of every event: its resourceVersion).
const events = flags.includes('--events');
const phases = new Map<string, string | undefined>();
const follower = new WorkflowFollower(
  ctx,
  { concurrency: Number(process.env.BENCH_FOLLOWER_CONCURRENCY ?? 4) },
  {
    ...clusterFollowerDeps,
    watch: (opts) =>
      watchWorkflows({
        ...opts,
        onEvent: (e) => {
          const name = e.object.metadata?.name;
          const phase = e.object.status?.phase;
          if (name && e.type !== 'BOOKMARK' && phases.get(name) !== phase) {
            phases.set(name, phase);
            out({ type: 'seen', name, phase, rv: e.resourceVersion });
          }
          if (name && e.type !== 'BOOKMARK' && events) out({ type: 'got', rv: e.resourceVersion });
          opts.onEvent(e);
        },
      }),
  },
);
const following = follower.start(stop.signal);

async function every(ms: number, fn: () => Promise<void>, startAfterMs = 0): Promise<void> {
  await sleepUnlessAborted(startAfterMs, stop.signal);
  while (!stop.signal.aborted) {
    const next = Date.now() + ms;
    try {
      await fn();
    } catch (err) {
      out({ type: 'error', err: String(err) });
    }
    await sleepUnlessAborted(Math.max(0, next - Date.now()), stop.signal);
  }
}

const loops = [
  every(
    Number(reconcileMs),
    async () => {
      const [t, c] = [performance.now(), cpuMs()];
      const r = await syncWorkflows({ ctx, freshWithinMs: 30_000 }); // as worker/loops.ts
      out({ type: 'pass', ms: performance.now() - t, cpuMs: cpuMs() - c, ...r });
    },
    Number(reconcileMs),
  ), // as in worker/loops.ts: the follower's first list is the start-up pass
  every(1_000, async () => {
    if (process.ppid === 1) process.kill(process.pid, 'SIGTERM'); // the bench went away
    out({ type: 'report', cpuMs: cpuMs(), rssMb: process.memoryUsage().rss / 2 ** 20, ...follower.stats });
  }),
];
// As in the worker: phases come from the follower above, not from a list per pass.
if (flags.includes('--scheduler'))
  loops.push(every(1_000, async () => void (await runSchedulerPass({ ctx }, { followPhases: false }))));

process.once('SIGTERM', () => {
  stop.abort();
  void Promise.all([following, ...loops]).finally(async () => {
    await handle.close();
    process.exit(0);
  });
});

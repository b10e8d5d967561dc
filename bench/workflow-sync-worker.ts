// The worker side of `npm run bench workflow-sync`, in its own process so its CPU is measured apart
// from the simulated cluster: the watch-driven WorkflowFollower and the periodic reconcile pass
// (syncWorkflows), as worker/loops.ts runs them, plus the scheduler loop when `--scheduler` is given.
// Prints one JSON line per reconcile pass and a follower/CPU report every second.
// Usage: tsx bench/workflow-sync-worker.ts <database url> <kubeconfig> <reconcile ms> [--scheduler]
import { configureCluster } from '@/lib/cluster/kube';
import { createDb } from '@/lib/db/client';
import { logger } from '@/lib/log';
import { SYSTEM_ACTOR } from '@/lib/server/context';
import { runSchedulerPass } from '@/lib/server/scheduler/run-scheduler-pass';
import { syncWorkflows } from '@/lib/server/workflows/sync-workflows';
import { WorkflowFollower } from '@/lib/server/workflows/workflow-follower';

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

const follower = new WorkflowFollower(ctx);
const following = follower.start(stop.signal);

async function every(ms: number, fn: () => Promise<void>): Promise<void> {
  while (!stop.signal.aborted) {
    const next = Date.now() + ms;
    try {
      await fn();
    } catch (err) {
      out({ type: 'error', err: String(err) });
    }
    await new Promise((r) => setTimeout(r, Math.max(0, next - Date.now())));
  }
}

const loops = [
  every(Number(reconcileMs), async () => {
    const [t, c] = [performance.now(), cpuMs()];
    const r = await syncWorkflows({ ctx });
    out({ type: 'pass', ms: performance.now() - t, cpuMs: cpuMs() - c, ...r });
  }),
  every(1_000, async () => {
    if (process.ppid === 1) process.kill(process.pid, 'SIGTERM'); // the bench went away
    out({ type: 'report', cpuMs: cpuMs(), rssMb: process.memoryUsage().rss / 2 ** 20, ...follower.stats });
  }),
];
// As in the worker: phases come from the follower above, not from a list per pass.
if (flags.includes('--scheduler')) loops.push(every(1_000, async () => void (await runSchedulerPass({ ctx }, { followPhases: false }))));

process.once('SIGTERM', () => {
  stop.abort();
  void Promise.all([following, ...loops]).finally(async () => {
    await handle.close();
    process.exit(0);
  });
});

// What the worker's scheduler loop does each second: end due preemptions, admit from a fresh
// snapshot, hand admitted jobs to the cluster, and (optionally) follow submitted ones to their end.
import { submitJob as submitToCluster } from '@/lib/cluster/job-runner';
import { ExplainPacer } from '@/lib/domain/scheduler/explain-pacer';
import { recordSchedulerPass } from '@/lib/metrics/scheduler';
import type { Ctx } from '../context';
import { admitJobs, type AdmitJobsResult } from './admit-jobs';
import { finishPreemptions } from './finish-preemptions';
import { launchAdmittedJobs, type LaunchResult } from './launch-jobs';
import { readClusterGpus } from './read-cluster-gpus';
import { syncJobPhases } from './sync-job-phases';

// One per worker process: when its passes also explain the waiting jobs (see the pacer).
const explainPacer = new ExplainPacer();

/**
 * `followPhases`: also list every Workflow to move submitted and running jobs on by their phase.
 * The worker turns it off: its workflow follower (a watch) does that as events arrive, and the
 * 60 s reconcile catches what a watch missed, while a list per second costs the size of every
 * running workflow's status (tens of MB per second with a hundred 1,000-step workflows). Tests and
 * tools that run passes without a follower keep it on.
 */
export async function runSchedulerPass(
  { ctx }: { ctx: Ctx },
  { followPhases = true }: { followPhases?: boolean } = {},
): Promise<AdmitJobsResult & LaunchResult & { preemptedDone: string[]; phaseChanges: number }> {
  const passStarted = performance.now();
  const preemptedDone = await finishPreemptions({ ctx });
  const { nodes, details } = await readClusterGpus();
  const startedAt = Date.now();
  const explain = explainPacer.due(startedAt);
  const admitted = await admitJobs({ ctx, input: { nodes, explain } });
  explainPacer.passed({ startedAt, endedAt: Date.now(), explained: explain, waiting: admitted.waiting });
  const launched = await launchAdmittedJobs({ ctx }, { nodeDetails: async () => details, submit: submitToCluster });
  const phaseChanges = followPhases ? await syncJobPhases({ ctx }) : 0;
  recordSchedulerPass(admitted, (performance.now() - passStarted) / 1000);
  return { ...admitted, ...launched, preemptedDone, phaseChanges };
}

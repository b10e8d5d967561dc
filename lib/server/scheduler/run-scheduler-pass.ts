// What the worker's scheduler loop does each second: end due preemptions, admit from a fresh
// snapshot, hand admitted jobs to the cluster, and follow submitted ones to their end.
import { submitJob as submitToCluster } from '@/lib/cluster/job-runner';
import type { Ctx } from '../context';
import { admitJobs, type AdmitJobsResult } from './admit-jobs';
import { finishPreemptions } from './finish-preemptions';
import { launchAdmittedJobs, type LaunchResult } from './launch-jobs';
import { readClusterGpus } from './read-cluster-gpus';
import { syncJobPhases } from './sync-job-phases';

// Admission runs every pass; explaining the waiting jobs (sentences, positions, ETAs) at most every
// few seconds, which keeps a pass over a 10,000-job queue near a second on two cores.
const EXPLAIN_EVERY_MS = 5_000;
let lastExplainedAt = 0;

export async function runSchedulerPass({ ctx }: { ctx: Ctx }): Promise<AdmitJobsResult & LaunchResult & { preemptedDone: string[]; phaseChanges: number }> {
  const preemptedDone = await finishPreemptions({ ctx });
  const { nodes, details } = await readClusterGpus();
  const explain = Date.now() - lastExplainedAt >= EXPLAIN_EVERY_MS;
  const admitted = await admitJobs({ ctx, input: { nodes, explain } });
  if (explain) lastExplainedAt = Date.now();
  const launched = await launchAdmittedJobs({ ctx }, { nodeDetails: async () => details, submit: submitToCluster });
  const phaseChanges = await syncJobPhases({ ctx });
  return { ...admitted, ...launched, preemptedDone, phaseChanges };
}

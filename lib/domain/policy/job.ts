// The policy for one job: its context from the job (GPUs, placement, what Gantry creates for it)
// and the team, before admission (submission, preview, dry run) or after it (launch).
import { labelJob, listJobSecrets, namePriorityClass, type BuildResult } from '../workflow/builders';
import type { Job, Placement } from '../workflow/job';
import { checkWorkloads, describePolicyContext, type TeamPolicy } from './index';
import type { PolicyContext, PolicyViolation } from './context';

/**
 * Where a job is built before it is admitted: no pool chosen, so no selector or toleration, and
 * the GPU resource name left to the admission (the builders rename it then).
 */
export const UNPLACED: Placement = {
  pool: 'unplaced',
  nodeSelector: {},
  tolerations: [],
  resourceName: 'nvidia.com/gpu',
};

/** `placed`: the job's placement is the admitted one (launch), so the GPU resource name is known too. */
function describeJobPolicyContext(job: Job, built: BuildResult, team: TeamPolicy, placed: boolean): PolicyContext {
  return describePolicyContext(team, {
    gantrySecrets: listJobSecrets(job),
    gpu: { count: job.gpu.count, ...(placed ? { resourceName: job.placement.resourceName } : {}) },
    placement: {
      nodeSelector: job.placement.nodeSelector,
      tolerations: job.placement.tolerations,
      priorityClassName: namePriorityClass(job.priority),
    },
    jobLabels: labelJob(job),
    templateRefs: built.workflowTemplates.map((t) => t.metadata.name).filter((n): n is string => typeof n === 'string'),
  });
}

export function checkJobWorkloads(job: Job, built: BuildResult, team: TeamPolicy, placed: boolean): PolicyViolation[] {
  return checkWorkloads(built, describeJobPolicyContext(job, built, team, placed));
}

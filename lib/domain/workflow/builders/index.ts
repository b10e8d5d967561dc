// One entry point for the server: a job in, the objects to create out, validated against the
// Argo schema. Creating them is lib/cluster's business.
import type { Job } from '../job';
import { validateWorkflow } from '../schema';
import { buildBenchmarkWorkflow } from './benchmark';
import { restrictContainers, WorkflowBuildError, type BuildOptions, type BuildResult } from './common';
import { buildEmbeddingWorkflow } from './embedding';
import { buildRawWorkflow } from './raw';
import { buildTrainingWorkflow } from './training';

export function buildWorkflow(job: Job, options: BuildOptions = {}): BuildResult {
  const result = dispatch(job, options);
  // A raw workflow is the user's to write; the policy names what restricted still needs.
  if (options.podSecurity === 'restricted' && job.kind !== 'workflow') {
    for (const object of [...result.workflowTemplates, result.workflow]) restrictContainers(object);
  }
  for (const object of [...result.workflowTemplates, result.workflow]) {
    const problems = validateWorkflow(object);
    if (problems.length > 0)
      throw new WorkflowBuildError(`${object.kind} ${object.metadata.name} is invalid`, problems);
  }
  return result;
}

function dispatch(job: Job, options: BuildOptions): BuildResult {
  switch (job.kind) {
    case 'training':
      return { workflow: buildTrainingWorkflow(job, options), workflowTemplates: [] };
    case 'embedding':
      return { workflow: buildEmbeddingWorkflow(job, options), workflowTemplates: [] };
    case 'benchmark':
      return buildBenchmarkWorkflow(job, options);
    case 'workflow':
      return { workflow: buildRawWorkflow(job, options), workflowTemplates: [] };
  }
}

export * from './common';
export { listJobSecrets, nameResultsTokenSecret, renderPartWorkflow, RESULTS_TOKEN_KEY } from './benchmark';
export { mergeUserWorkflow } from './raw';

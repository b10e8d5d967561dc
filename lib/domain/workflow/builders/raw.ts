// A user-supplied Argo Workflow, validated, with Gantry's name, labels, GPU resources, placement,
// priority and limits merged in. The user's templates are kept; what Gantry decides (where it runs,
// how many GPUs, at what priority, for how long) overrides what the user wrote.
import { parseWorkflowText } from '../parse';
import { validateWorkflow } from '../schema';
import type { RawWorkflowJob } from '../job';
import type { Container, Template, Workflow } from '../types';
import {
  annotateJob,
  assertWorkflowSize,
  capParallelism,
  describeJobSpec,
  labelJob,
  nameWorkflow,
  placeTemplate,
  WorkflowBuildError,
  type BuildOptions,
} from './common';

// Any device-plugin GPU resource a user might have written, whichever pool they had in mind.
const GPU_RESOURCE = /^nvidia\.com\/(gpu|mig-.+)$/;

export function buildRawWorkflow(job: RawWorkflowJob, options: BuildOptions = {}): Workflow {
  const parsed = parseWorkflowText(job.spec.yaml);
  if (!parsed.workflow || parsed.problems.length > 0) {
    throw new WorkflowBuildError('the submitted workflow is invalid', parsed.problems);
  }
  const merged = mergeUserWorkflow(job, parsed.workflow, options);
  const problems = validateWorkflow(merged);
  if (problems.length > 0) throw new WorkflowBuildError('the merged workflow is invalid', problems);
  assertWorkflowSize(merged);
  return merged;
}

/** Pure merge of a parsed user workflow with the job; exported so the preview can show the result. */
export function mergeUserWorkflow(job: RawWorkflowJob, user: Workflow, options: BuildOptions = {}): Workflow {
  const workflow = structuredClone(user);
  delete workflow.status;
  const { generateName: _generated, namespace: _namespace, ...metadata } = workflow.metadata ?? {};
  workflow.metadata = {
    ...metadata,
    name: nameWorkflow(job.id),
    labels: { ...(metadata.labels ?? {}), ...labelJob(job) },
    annotations: { ...(metadata.annotations ?? {}), ...annotateJob(job) },
  };

  const gantry = describeJobSpec(job, options);
  const spec = workflow.spec;
  spec.activeDeadlineSeconds = Math.min(spec.activeDeadlineSeconds ?? Infinity, job.maxRuntimeSeconds);
  spec.podPriorityClassName = gantry.podPriorityClassName;
  spec.podGC ??= gantry.podGC;
  spec.ttlStrategy ??= gantry.ttlStrategy;
  spec.podMetadata = {
    ...(spec.podMetadata ?? {}),
    labels: { ...(spec.podMetadata?.labels ?? {}), ...gantry.podMetadata!.labels },
  };
  if (options.serviceAccountName) spec.serviceAccountName = options.serviceAccountName;

  const podTemplates = (spec.templates ?? []).filter(isPodTemplate);
  const asking = podTemplates.filter((t) => listContainers(t).some(requestsGpu));
  // Templates that ask for GPUs get the pool's resource; if none asks but the job holds GPUs,
  // every pod template gets them and they run one at a time, so the grant is never exceeded.
  const gpuTemplates = job.gpu.count === 0 ? [] : asking.length > 0 ? asking : podTemplates;
  let largestPerPod = 0;
  for (const template of gpuTemplates) {
    for (const container of listContainers(template)) {
      const wanted = asking.length > 0 ? readGpuCount(container) : job.gpu.count;
      if (wanted === 0) continue;
      const count = Math.min(wanted, job.gpu.count);
      largestPerPod = Math.max(largestPerPod, count);
      setGpuResource(container, job.placement.resourceName, count);
    }
    Object.assign(template, placeTemplate(template, job.placement));
  }
  if (job.gpu.count === 0) {
    for (const container of podTemplates.flatMap(listContainers)) removeGpuResources(container);
  }
  if (largestPerPod > 0) {
    const cap = asking.length > 0 ? capParallelism(Infinity, job.gpu, largestPerPod) : 1;
    spec.parallelism = Math.min(spec.parallelism ?? Infinity, cap);
  }
  return workflow;
}

function isPodTemplate(template: Template): boolean {
  return Boolean(template.container || template.script || template.containerSet);
}

function listContainers(template: Template): Container[] {
  const out: Container[] = [];
  if (template.container) out.push(template.container);
  if (template.script) out.push(template.script);
  for (const c of template.containerSet?.containers ?? []) out.push(c);
  return out;
}

function requestsGpu(container: Container): boolean {
  return readGpuCount(container) > 0;
}

function readGpuCount(container: Container): number {
  let most = 0;
  for (const bucket of [container.resources?.limits, container.resources?.requests]) {
    for (const [key, value] of Object.entries(bucket ?? {})) {
      if (GPU_RESOURCE.test(key)) most = Math.max(most, Number.parseInt(String(value), 10) || 0);
    }
  }
  return most;
}

function removeGpuResources(container: Container): void {
  for (const bucket of [container.resources?.limits, container.resources?.requests]) {
    for (const key of Object.keys(bucket ?? {})) if (GPU_RESOURCE.test(key)) delete bucket![key];
  }
}

function setGpuResource(container: Container, resourceName: string, count: number): void {
  removeGpuResources(container);
  container.resources = {
    ...(container.resources ?? {}),
    limits: { ...(container.resources?.limits ?? {}), [resourceName]: String(count) },
  };
}

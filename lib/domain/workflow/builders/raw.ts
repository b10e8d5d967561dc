// A user-supplied Argo Workflow, validated, with Gantry's name, labels, GPU resources, placement,
// priority and limits merged in. The user's templates are kept; what Gantry decides (where it runs,
// which GPU resource, at what priority, for how long) is filled in. What the user wrote that the
// workload policy refuses (another ServiceAccount, more GPUs than granted) is kept as written, so
// the policy names it instead of Gantry silently changing it.
import { countInheritedGpus } from '../../policy/gantry-rules';
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
  // Only the user's labels and annotations are kept: Gantry names the Workflow and picks its
  // namespace, and ownerReferences or finalizers would tie it to, or hold it past, other objects.
  const metadata = workflow.metadata ?? {};
  workflow.metadata = {
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
  // An empty name is no choice: Argo would run the pods as the namespace's default account.
  if (options.serviceAccountName && !spec.serviceAccountName) spec.serviceAccountName = options.serviceAccountName;

  const podTemplates = (spec.templates ?? []).filter(isPodTemplate);
  const asking = podTemplates.filter((t) => listContainers(t).some(requestsGpu));
  // Templates that ask for GPUs get the pool's resource under the count they asked (more than the
  // grant is the policy's to refuse); if none asks but the job holds GPUs, the first container of
  // every pod template gets them and they run one at a time, so the grant is never exceeded.
  const gpuTemplates = job.gpu.count === 0 ? [] : asking.length > 0 ? asking : podTemplates;
  let largestPerPod = 0;
  for (const template of gpuTemplates) {
    const containers = listContainers(template);
    let perPod = 0;
    for (const container of asking.length > 0 ? containers : containers.slice(0, 1)) {
      const count = asking.length > 0 ? readGpuCount(container) : job.gpu.count;
      if (count === 0) continue;
      perPod += count;
      setGpuResource(container, job.placement.resourceName, count);
    }
    // Sidecars hold their GPUs as long as the pod runs: the parallelism cap must count them.
    perPod += countSidecarGpus(template, spec.templateDefaults as Template | undefined);
    largestPerPod = Math.max(largestPerPod, perPod);
    Object.assign(template, placeTemplate(template, job.placement));
  }
  if (job.gpu.count === 0) {
    for (const container of podTemplates.flatMap(listContainers)) removeGpuResources(container);
  }
  if (largestPerPod > 0) {
    const cap = asking.length > 0 ? capParallelism(Infinity, job.gpu, Math.min(largestPerPod, job.gpu.count)) : 1;
    spec.parallelism = Math.min(spec.parallelism ?? Infinity, cap);
  }
  return workflow;
}

/** GPUs of a pod beside its main containers: sidecars and native sidecars, its own or templateDefaults'. */
function countSidecarGpus(template: Template, defaults: Template | undefined): number {
  let total = defaults ? countInheritedGpus(template, defaults) : 0;
  for (const sidecar of asContainers(template.sidecars)) total += readGpuCount(sidecar);
  for (const init of asContainers(template.initContainers))
    if (init.restartPolicy === 'Always') total += readGpuCount(init);
  return total;
}

function asContainers(value: unknown): Array<Container & { restartPolicy?: unknown }> {
  return Array.isArray(value) ? value : [];
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

// What every Gantry workflow carries, whatever the job kind: a name derived from the job id (so a
// retried submission collides instead of duplicating), labels to find and clean it up, the pool's
// placement, the priority class, a deadline, pod GC and a TTL.
import { measureWorkflowBytes, WORKFLOW_TARGET_BYTES } from '../check';
import {
  ANNOTATION_JOB_NAME,
  LABEL_JOB_ID,
  LABEL_KIND,
  LABEL_OWNER,
  LABEL_POOL,
  LABEL_PRIORITY,
  LABEL_TEAM,
  type PriorityClass,
} from '../../terms';
import type { PodSecurityLevel } from '../../tenancy';
import type { GpuRequest, Job, Placement } from '../job';
import type {
  ResourceRequirements,
  Template,
  Workflow,
  WorkflowProblem,
  WorkflowSpec,
  WorkflowTemplate,
} from '../types';

// Failed pods stay for their logs; a succeeded one stays 2 minutes, longer than the 60 s reconcile
// pass, so the workflow sync captures its final log even when it missed the step's watch event.
// The TTL removes the whole workflow once the sync loop has long since recorded its final status.
const DEFAULT_POD_GC = { strategy: 'OnPodSuccess', deleteDelayDuration: '2m' } as const;
const DEFAULT_TTL = { secondsAfterSuccess: 24 * 3600, secondsAfterFailure: 7 * 24 * 3600 } as const;

export interface BuildOptions {
  serviceAccountName?: string;
  /** The team's Pod Security level: at restricted, Gantry's own containers carry what it asks. */
  podSecurity?: PodSecurityLevel;
}

/** What the restricted Pod Security level asks of every container (lib/domain/policy checks it). */
const RESTRICTED_CONTAINER_SECURITY = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  runAsNonRoot: true,
  seccompProfile: { type: 'RuntimeDefault' },
} as const;

/** Gives the containers of Gantry-built templates the restricted securityContext, keeping their own fields. */
export function restrictContainers(object: Workflow | WorkflowTemplate): void {
  for (const template of object.spec.templates ?? []) {
    if (!template.container) continue;
    const own = (template.container.securityContext ?? {}) as Record<string, unknown>;
    template.container.securityContext = structuredClone({ ...RESTRICTED_CONTAINER_SECURITY, ...own });
  }
}

/** The objects to create, templates first. Most jobs are a single Workflow. */
export interface BuildResult {
  workflow: Workflow;
  workflowTemplates: WorkflowTemplate[];
}

export class WorkflowBuildError extends Error {
  constructor(
    message: string,
    readonly problems: WorkflowProblem[],
  ) {
    super(`${message}: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
    this.name = 'WorkflowBuildError';
  }
}

export function nameWorkflow(jobId: string): string {
  return `gantry-${jobId}`;
}

export function namePriorityClass(priority: PriorityClass): string {
  return `gantry-${priority}`;
}

/**
 * Makes any text a valid label value (<= 63 chars of [A-Za-z0-9._-], alphanumeric at both ends).
 * A hash suffix keeps two long or rewritten values from colliding.
 */
export function toLabelValue(text: string): string {
  const cleaned = text.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
  if (cleaned === text && cleaned.length <= 63) return cleaned;
  const suffix = hashText(text);
  return `${cleaned.slice(0, 63 - suffix.length - 1).replace(/[^A-Za-z0-9]+$/, '')}-${suffix}`.replace(/^-/, '');
}

/** FNV-1a, 8 hex digits: stable across runtimes, enough to tell label values apart. */
function hashText(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}

export function labelJob(job: Job): Record<string, string> {
  return {
    [LABEL_JOB_ID]: job.id,
    [LABEL_OWNER]: toLabelValue(job.owner),
    [LABEL_TEAM]: toLabelValue(job.team),
    [LABEL_KIND]: job.kind,
    [LABEL_POOL]: toLabelValue(job.placement.pool),
    [LABEL_PRIORITY]: job.priority,
  };
}

export function annotateJob(job: Job): Record<string, string> {
  return { [LABEL_OWNER]: job.owner, [ANNOTATION_JOB_NAME]: job.name };
}

/** Resources for one GPU pod. Extended resources need limits; Kubernetes copies them to requests. */
export function requestResources(
  placement: Placement,
  gpus: number,
  memory?: string,
  cpu?: string,
): ResourceRequirements {
  const limits: Record<string, string> = {};
  const requests: Record<string, string> = {};
  if (gpus > 0) limits[placement.resourceName] = String(gpus);
  if (memory) {
    limits.memory = memory;
    requests.memory = memory;
  }
  if (cpu) requests.cpu = cpu;
  return Object.keys(requests).length > 0 ? { limits, requests } : { limits };
}

/** Puts a template on the job's pool: the GPU pool's labels and the taints it must tolerate. */
export function placeTemplate<T extends Template>(template: T, placement: Placement): T {
  const placed: T = { ...template };
  if (Object.keys(placement.nodeSelector).length > 0) {
    placed.nodeSelector = { ...(template.nodeSelector ?? {}), ...placement.nodeSelector };
  }
  if (placement.tolerations.length > 0) {
    placed.tolerations = mergeTolerations(template.tolerations ?? [], placement.tolerations);
  }
  return placed;
}

function mergeTolerations<T extends object>(existing: T[], added: T[]): T[] {
  const seen = new Set(existing.map((t) => JSON.stringify(t)));
  return [...existing, ...added.filter((t) => !seen.has(JSON.stringify(t)))];
}

/** `{ a: '1' }` -> `[{ name: 'a', value: '1' }]`, for container env and workflow parameters alike. */
export function toNamedValues(values: Record<string, string>): Array<{ name: string; value: string }> {
  return Object.entries(values).map(([name, value]) => ({ name, value }));
}

/** The fields every Gantry workflow spec sets, whatever the kind. */
export function describeJobSpec(job: Job, options: BuildOptions = {}): WorkflowSpec {
  const labels = labelJob(job);
  return {
    activeDeadlineSeconds: job.maxRuntimeSeconds,
    podPriorityClassName: namePriorityClass(job.priority),
    // Pods carry the job labels too, so dcgm-exporter's pod label maps GPU samples to a job.
    podMetadata: { labels },
    podGC: { ...DEFAULT_POD_GC },
    ttlStrategy: { ...DEFAULT_TTL },
    ...(options.serviceAccountName ? { serviceAccountName: options.serviceAccountName } : {}),
  };
}

export function createWorkflow(job: Job, spec: WorkflowSpec, options: BuildOptions = {}): Workflow {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { name: nameWorkflow(job.id), labels: labelJob(job), annotations: annotateJob(job) },
    spec: { ...spec, ...describeJobSpec(job, options) },
  };
}

/** Throws before submission rather than letting Argo or etcd refuse an oversized object. */
export function assertWorkflowSize(object: Workflow | WorkflowTemplate, limit = WORKFLOW_TARGET_BYTES): void {
  const bytes = measureWorkflowBytes(object);
  if (bytes > limit) {
    throw new WorkflowBuildError(`${object.kind} ${object.metadata.name} is too large`, [
      { path: '(root)', message: `${bytes} bytes exceeds Gantry's budget of ${limit} bytes` },
    ]);
  }
}

/** Concurrent GPU pods never exceed what the scheduler granted the job. */
export function capParallelism(requested: number, gpu: GpuRequest, gpusPerPod = 1): number {
  const granted = Math.max(1, Math.floor(gpu.count / Math.max(1, gpusPerPod)));
  return Math.max(1, Math.min(requested, granted));
}

export const DSHM_VOLUME = { name: 'dshm', emptyDir: { medium: 'Memory' } };
// PyTorch DataLoader workers share tensors through /dev/shm, which defaults to 64 MB in a pod.
export const DSHM_MOUNT = { name: 'dshm', mountPath: '/dev/shm' };

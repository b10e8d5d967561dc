// The words of Gantry's domain, each defined once: the scheduler policy, the workflow builders, the
// database columns, the API's input schemas, the cluster layer and the forms import them from here.
import { z } from 'zod';

/** Most urgent first: the scheduler's order, and Kubernetes PriorityClasses named `gantry-<class>`. */
export const PRIORITY_CLASSES = ['critical', 'high', 'normal', 'low'] as const;
export const PriorityClass = z.enum(PRIORITY_CLASSES);
export type PriorityClass = z.infer<typeof PriorityClass>;

/** What a user submits; each kind has its own spec and workflow builder (lib/domain/workflow). */
export const JOB_KINDS = ['training', 'embedding', 'benchmark', 'workflow'] as const;
export const JobKind = z.enum(JOB_KINDS);
export type JobKind = z.infer<typeof JobKind>;

/**
 * A job's life: queued -> admitted -> submitted -> running -> succeeded | failed; cancelled from any
 * live state; preempted, then queued again. The database enum `job_state` holds these values.
 */
export const JOB_STATES = [
  'queued',
  'admitted',
  'submitted',
  'running',
  'succeeded',
  'failed',
  'cancelled',
  'preempted',
] as const;

/**
 * What a job asks for and a quota counts: a whole model (`a100-80gb`), a MIG profile
 * (`a100-80gb-mig-1g.10gb`) or a time-sliced share (`a100-80gb-shared`). The cluster's ids are
 * derived from its Node objects (lib/domain/telemetry/gpu-kinds.ts, `GpuKindSpec`).
 */
export const GpuKindId = z
  .string()
  .regex(
    /^[a-z0-9]+(?:[-.][a-z0-9]+)*$/,
    'expected a GPU kind such as a100-80gb, a100-80gb-mig-1g.10gb or a100-80gb-shared',
  );
export type GpuKindId = z.infer<typeof GpuKindId>;

// Labels on everything Gantry creates in the cluster, so it can be found and cleaned up. Telemetry
// and the workflow sync trust them, so the workload policy refuses user-set labels under the prefix.
export const GANTRY_LABEL_PREFIX = 'gantry.dev/';
/** On Workflows and their pods: the job's id. A Workflow without it is not Gantry's. */
export const LABEL_JOB_ID = 'gantry.dev/job-id';
/** Also an annotation under the same key, with the exact owner: a label value cannot hold an e-mail address. */
export const LABEL_OWNER = 'gantry.dev/owner';
/** On a job's Workflow and pods, and on each team namespace and the objects Gantry puts there. */
export const LABEL_TEAM = 'gantry.dev/team';
export const LABEL_KIND = 'gantry.dev/kind';
/** The node pool: on a job's Workflow and pods, and on nodes (the inventory reads a node's pool from it). */
export const LABEL_POOL = 'gantry.dev/pool';
export const LABEL_PRIORITY = 'gantry.dev/priority';
/** On each part of a sweep run as a workflow of workflows. */
export const LABEL_PART = 'gantry.dev/part';
/** On the Secret holding a sweep dataset's results token. */
export const LABEL_DATASET_ID = 'gantry.dev/dataset-id';
/** An annotation on a job's Workflow: the job's name as its owner gave it. */
export const ANNOTATION_JOB_NAME = 'gantry.dev/job-name';

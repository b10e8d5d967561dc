// What a submission looks like (POST /api/jobs). Kind-specific specs are the workflow builders'
// own schemas, so what is accepted here is exactly what the builders can turn into a Workflow.
import { z } from 'zod';
import { GpuKindId, JOB_KINDS, JobKind, PriorityClass } from '@/lib/domain/terms';
import { BenchmarkSpec, EmbeddingSpec, RawWorkflowSpec, TrainingSpec } from '@/lib/domain/workflow/job';

const MAX_RUNTIME = 30 * 24 * 3600;

const base = {
  name: z.string().trim().min(1, 'Give the job a name').max(200, 'At most 200 characters'),
  /** Team slug; defaults to the submitter's team. */
  team: z.string().trim().min(1).optional(),
  priority: PriorityClass.default('normal'),
  gpu: z.object({
    kind: GpuKindId,
    count: z
      .number({ error: 'expected a whole number of GPUs' })
      .int('expected a whole number of GPUs')
      .min(1, 'at least 1')
      .max(512, 'at most 512'),
  }),
  /** All GPUs on one node; defaults to true except for embedding and benchmark fan-outs. */
  singleNode: z.boolean().optional(),
  expectedRuntimeSeconds: z.number({ error: 'expected seconds' }).int().positive('must be positive').max(MAX_RUNTIME),
  maxRuntimeSeconds: z.number({ error: 'expected seconds' }).int().positive('must be positive').max(MAX_RUNTIME),
};

// A training job may leave out the config file; the workflow then passes "none".
const TrainingSubmitSpec = TrainingSpec.extend({ configFile: z.string().min(1).optional() });

export const SubmitJobInput = z
  .discriminatedUnion(
    'kind',
    [
      z.object({ ...base, kind: z.literal(JobKind.enum.training), spec: TrainingSubmitSpec }),
      z.object({ ...base, kind: z.literal(JobKind.enum.embedding), spec: EmbeddingSpec }),
      z.object({ ...base, kind: z.literal(JobKind.enum.benchmark), spec: BenchmarkSpec }),
      z.object({ ...base, kind: z.literal(JobKind.enum.workflow), spec: RawWorkflowSpec }),
    ],
    { error: `expected one of ${JOB_KINDS.join(', ')}` },
  )
  .superRefine((job, check) => {
    if (job.maxRuntimeSeconds < job.expectedRuntimeSeconds) {
      check.addIssue({
        code: 'custom',
        path: ['maxRuntimeSeconds'],
        message: 'must be at least expectedRuntimeSeconds',
      });
    }
  });
export type SubmitJobInput = z.infer<typeof SubmitJobInput>;

export function defaultSingleNode(kind: SubmitJobInput['kind']): boolean {
  return kind === 'training' || kind === 'workflow';
}

import { z } from 'zod';
import { previewWorkflow as buildPreview, type WorkflowPreview } from '@/lib/domain/workflow/preview';
import { requireRole, type Ctx } from '../context';
import { parseInput } from '../validate';

export const PreviewWorkflowInput = z.object({
  yaml: z.string().min(1, 'Paste a Workflow as YAML or JSON').max(2_000_000, 'At most 2 MB'),
  expanded: z.array(z.string()).max(10_000).optional(),
});
export type PreviewWorkflowInput = z.infer<typeof PreviewWorkflowInput>;

/** Parses, validates and lays out a Workflow before submission; problems come back, not errors. */
export async function previewWorkflow({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<WorkflowPreview> {
  requireRole(ctx, 'viewer');
  const data = parseInput(PreviewWorkflowInput, input);
  return buildPreview(data.yaml, { expanded: data.expanded });
}

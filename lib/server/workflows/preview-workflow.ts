import { z } from 'zod';
import { DEFAULT_TEAM_POLICY, type PolicyViolation, type TeamPolicy } from '@/lib/domain/policy';
import { GpuKindId, PriorityClass } from '@/lib/domain/terms';
import { previewWorkflow as buildPreview, type WorkflowPreview } from '@/lib/domain/workflow/preview';
import { requireRole, type Ctx } from '../context';
import { AppError } from '../errors';
import { findJobViolations } from '../jobs/check-job-policy';
import { listActorTeams, resolveSubmitTeam } from '../jobs/job-teams';
import { readTeamPolicy } from '../teams/read-team-policy';
import { parseInput } from '../validate';

// Without a GPU request, counts are checked against the most any job may ask for.
const MOST_GPUS = 512;

const PreviewWorkflowInput = z.object({
  yaml: z.string().min(1, 'Paste a Workflow as YAML or JSON').max(2_000_000, 'At most 2 MB'),
  expanded: z.array(z.string()).max(10_000).optional(),
  /** the team it would be submitted for (its policy applies); defaults to the viewer's first team */
  team: z.string().trim().min(1).optional(),
  /** the GPUs it would ask for, as in POST /api/jobs */
  gpu: z.object({ kind: GpuKindId, count: z.number().int().min(1).max(MOST_GPUS) }).optional(),
  priority: PriorityClass.default('normal'),
});
type PreviewWorkflowInput = z.infer<typeof PreviewWorkflowInput>;

export interface WorkflowPreviewWithPolicy extends WorkflowPreview {
  /** What the workload policy would refuse at submission: the same list POST /api/jobs answers with. */
  violations: PolicyViolation[];
}

/** Parses, validates and lays out a Workflow before submission; problems and violations come back, not errors. */
export async function previewWorkflow({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: unknown;
}): Promise<WorkflowPreviewWithPolicy> {
  requireRole(ctx, 'viewer');
  const data = parseInput(PreviewWorkflowInput, input);
  const preview = buildPreview(data.yaml, { expanded: data.expanded });
  // A workflow that does not parse has its problems listed already; the policy needs the object.
  if (preview.problems.length > 0 || preview.nodes.length === 0) return { ...preview, violations: [] };
  const team = await readPreviewTeam(ctx, data.team);
  try {
    const violations = findJobViolations(
      ctx,
      {
        name: 'preview',
        kind: 'workflow',
        team: data.team,
        priority: data.priority,
        gpu: data.gpu ?? { kind: 'any', count: MOST_GPUS },
        expectedRuntimeSeconds: 1,
        maxRuntimeSeconds: 1,
        spec: { yaml: data.yaml },
      },
      team,
    );
    return { ...preview, violations };
  } catch (error) {
    // Build problems (an oversized merge) are the preview's problems, not a failure of the preview.
    if (error instanceof AppError && error.code === 'INVALID') {
      return {
        ...preview,
        problems: [...preview.problems, ...error.fields.map((f) => ({ path: f.field, message: f.message }))],
        violations: [],
      };
    }
    throw error;
  }
}

/** The named team (which must be the viewer's, unless admin), else the viewer's first, else the defaults. */
async function readPreviewTeam(ctx: Ctx, slug: string | undefined): Promise<TeamPolicy> {
  if (slug) return readTeamPolicy(ctx, (await resolveSubmitTeam(ctx, slug)).id);
  const [first] = await listActorTeams(ctx);
  return first ? readTeamPolicy(ctx, first.id) : DEFAULT_TEAM_POLICY;
}

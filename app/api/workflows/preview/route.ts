// POST /api/workflows/preview - a Workflow (YAML or JSON) as a graph with validation problems and
// the workload policy's violations for the team (and GPUs) it would be submitted for
import { JsonBody } from '@/lib/http/request-input';
import { route } from '@/lib/http/route';
import { previewWorkflow } from '@/lib/server/workflows/preview-workflow';

export const POST = route({ auth: 'user', role: 'viewer', schemas: { body: JsonBody } }, ({ ctx, body }) =>
  previewWorkflow({ ctx, input: body }),
);

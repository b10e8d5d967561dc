// POST /api/workflows/preview - a Workflow (YAML or JSON) as a graph with validation problems
import { route } from '@/lib/http/route';
import { previewWorkflow } from '@/lib/server/workflows/preview-workflow';

export const POST = route({ role: 'viewer' }, ({ ctx, body }) => previewWorkflow({ ctx, input: body }));

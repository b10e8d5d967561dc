// GET /api/tokens - my API tokens; POST /api/tokens - create one (the token is answered once)
import { route } from '@/lib/http/route';
import { createToken } from '@/lib/server/tokens/create-token';
import { listTokens } from '@/lib/server/tokens/list-tokens';

export const GET = route({ role: 'viewer' }, ({ ctx }) => listTokens({ ctx }));
export const POST = route({ role: 'viewer', status: 201 }, ({ ctx, body }) => createToken({ ctx, input: body }));

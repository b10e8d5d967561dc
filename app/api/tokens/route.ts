// GET /api/tokens - my API tokens; POST /api/tokens - create one (the token is answered once)
import { JsonBody } from '@/lib/http/request-input';
import { route } from '@/lib/http/route';
import { createToken } from '@/lib/server/tokens/create-token';
import { listTokens } from '@/lib/server/tokens/list-tokens';

export const GET = route({ auth: 'user', role: 'viewer' }, ({ ctx }) => listTokens({ ctx }));
export const POST = route({ auth: 'user', role: 'viewer', status: 201, schemas: { body: JsonBody } }, ({ ctx, body }) =>
  createToken({ ctx, input: body }),
);

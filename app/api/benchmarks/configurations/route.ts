// GET /api/benchmarks/configurations?part=&partSize=&perStep=&pending=true - a part of a sweep split
// into parts fetches the configurations it still has to run, with its dataset's Bearer gbr_ token.
import { publicRoute } from '@/lib/http/public-route';
import { listPartConfigurations } from '@/lib/server/benchmarks/list-part-configurations';

export const GET = publicRoute(({ ctx, req, bearer }) =>
  listPartConfigurations({ ctx, input: { ...Object.fromEntries(req.nextUrl.searchParams), token: bearer } }),
);

// GET /api/benchmarks/configurations?part=&partSize=&perStep=&pending=true - a part of a sweep split
// into parts fetches the configurations it still has to run, with its dataset's Bearer gbr_ token.
import { route } from '@/lib/http/route';
import { listPartConfigurations } from '@/lib/server/benchmarks/list-part-configurations';

export const GET = route({ auth: 'results-token' }, ({ ctx, query, token }) =>
  listPartConfigurations({ ctx, input: { ...query, token } }),
);

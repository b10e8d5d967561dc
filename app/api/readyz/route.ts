// GET /api/readyz - database and cluster reachable; 503 naming the part that is down while one is
import { DATABASE_RETRY_AFTER_SECONDS } from '@/lib/db/unavailable';
import { route } from '@/lib/http/route';
import { checkReadiness } from '@/lib/server/health/check-readiness';

export const dynamic = 'force-dynamic';

export const GET = route({ auth: 'public', probe: true }, async ({ ctx }) => {
  const readiness = await checkReadiness(ctx.db);
  const headers: Record<string, string> = { 'cache-control': 'no-store' };
  if (!readiness.ready) headers['retry-after'] = String(DATABASE_RETRY_AFTER_SECONDS);
  return Response.json(readiness, { status: readiness.ready ? 200 : 503, headers });
});

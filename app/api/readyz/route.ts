// GET /api/readyz - database and cluster reachable; 503 while either is not
import { getDb } from '@/lib/db/client';
import { checkReadiness } from '@/lib/server/health/check-readiness';

export const dynamic = 'force-dynamic';

export async function GET() {
  const readiness = await checkReadiness(getDb());
  return Response.json(readiness, { status: readiness.ready ? 200 : 503 });
}

// GET /api/healthz - the process is up (no dependencies checked)
import { route } from '@/lib/http/route';

export const dynamic = 'force-dynamic';

export const GET = route({ auth: 'public', probe: true }, () => ({
  status: 'ok',
  uptimeSeconds: Math.round(process.uptime()),
}));

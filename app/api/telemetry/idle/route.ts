// GET /api/telemetry/idle - GPUs held by a job but idle for the admin's window (admins)
import { route } from '@/lib/http/route';
import { listIdleGpus } from '@/lib/server/telemetry/list-idle-gpus';

export const GET = route({ auth: 'user', role: 'admin' }, ({ ctx }) => listIdleGpus({ ctx }));

// GET /api/admin/telemetry-settings - idle threshold/window and GPU-hour prices; PUT - change them
import { JsonBody } from '@/lib/http/request-input';
import { route } from '@/lib/http/route';
import { getTelemetrySettings } from '@/lib/server/telemetry/get-telemetry-settings';
import { updateTelemetrySettings } from '@/lib/server/telemetry/update-telemetry-settings';

export const GET = route({ auth: 'user', role: 'admin' }, ({ ctx }) => getTelemetrySettings({ ctx }));
export const PUT = route({ auth: 'user', role: 'admin', schemas: { body: JsonBody } }, ({ ctx, body }) =>
  updateTelemetrySettings({ ctx, input: body }),
);

// Request durations for the route wrapper (lib/http/route.ts). The route label is
// the App Router pattern (`/api/jobs/[id]`), rebuilt from the path and the params Next resolved, so
// a label never holds an id and the series stay a few hundred however many jobs there are.
import { metrics } from './registry';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * `/api/jobs/42/steps/n-1/logs` with `{ id: '42', nodeId: 'n-1' }` → `/api/jobs/[id]/steps/[nodeId]/logs`;
 * a catch-all's segments (`{ path: ['a', 'b'] }`) become `[...path]`. Params are matched from the
 * right, as dynamic segments follow the static ones that name them.
 */
export function routePattern(pathname: string, params: unknown): string {
  const entries = params && typeof params === 'object' ? Object.entries(params as Record<string, unknown>) : [];
  if (entries.length === 0) return pathname;
  const segments = pathname.split('/');
  const decoded = segments.map((s) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  });
  for (const [name, value] of entries.reverse()) {
    if (Array.isArray(value)) {
      const n = value.length;
      for (let i = segments.length - n; i >= 1; i--) {
        if (value.every((v, k) => decoded[i + k] === String(v))) {
          segments.splice(i, n, `[...${name}]`);
          decoded.splice(i, n, `[...${name}]`);
          break;
        }
      }
    } else if (typeof value === 'string') {
      const i = decoded.lastIndexOf(value);
      if (i > 0) segments[i] = decoded[i] = `[${name}]`;
    }
  }
  return segments.join('/');
}

/** Called once per request, in the wrappers' finally. */
export function observeRequest(route: string, method: string, status: number, seconds: number): void {
  metrics().httpDuration.observe(
    { route, method: METHODS.has(method) ? method : 'OTHER', status: String(status) },
    seconds,
  );
}

// API requests served, by verb and resource (`list workflows`, `log pods` ...): how many calls
// Gantry makes is measured here (bench/workflow-sync.ts), where a real cluster's audit log would.
import { isWatch } from './context';
import type { Req } from './http';

const WRITE_VERBS: Record<string, string> = { POST: 'create', PUT: 'update', PATCH: 'patch' };

/** The verb as the API server's audit log names it; a subresource (log, proxy) is its own verb. */
function verbOf(req: Req, name: string | undefined, sub: string[]): string {
  if (sub.length) return sub[0];
  if (req.method === 'GET') return isWatch(req.url.searchParams) ? 'watch' : name ? 'get' : 'list';
  if (req.method === 'DELETE') return name ? 'delete' : 'deletecollection';
  return WRITE_VERBS[req.method] ?? req.method;
}

export class RequestCounts {
  private readonly counts = new Map<string, number>();

  count(req: Req, resource: string, name: string | undefined, sub: string[]): void {
    const key = `${verbOf(req, name, sub)} ${resource}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  toObject(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  clear(): void {
    this.counts.clear();
  }
}

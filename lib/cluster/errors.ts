// One small, closed set of cluster errors so callers never look inside @kubernetes/client-node's
// ApiException or undici's fetch errors. HTTP codes follow the API server's Status objects
// (k8s.io/apimachinery/pkg/api/errors): 404 NotFound, 409 AlreadyExists/Conflict, 410 Gone
// (watch resourceVersion too old: relist), 400/422 Invalid, 401/403 Forbidden, 429/5xx Unavailable.

export type ClusterErrorKind = 'NotFound' | 'Conflict' | 'Gone' | 'Invalid' | 'Forbidden' | 'Unavailable' | 'Unknown';

export class ClusterError extends Error {
  constructor(
    readonly kind: ClusterErrorKind,
    message: string,
    /** HTTP status when the API server answered; `reason` from its Status object (e.g. AlreadyExists). */
    readonly status?: number,
    readonly reason?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ClusterError';
  }
}

const isKind =
  (kind: ClusterErrorKind) =>
  (e: unknown): e is ClusterError =>
    e instanceof ClusterError && e.kind === kind;

export const isNotFound = isKind('NotFound');
export const isConflict = isKind('Conflict');
/** A watch's resourceVersion was compacted away: list again, then watch from the new version. */
export const isGone = isKind('Gone');

export function kindForStatus(code: number): ClusterErrorKind {
  if (code === 404) return 'NotFound';
  if (code === 409) return 'Conflict';
  if (code === 410) return 'Gone';
  if (code === 400 || code === 415 || code === 422) return 'Invalid';
  if (code === 401 || code === 403) return 'Forbidden';
  if (code === 429 || code >= 500) return 'Unavailable';
  return 'Unknown';
}

type StatusBody = { message?: string; reason?: string; code?: number };

function parseBody(body: unknown): StatusBody | undefined {
  if (!body) return undefined;
  if (typeof body === 'string') {
    try {
      return JSON.parse(body) as StatusBody;
    } catch {
      return { message: body };
    }
  }
  return typeof body === 'object' ? body : undefined;
}

/** Maps anything thrown by client-node (or fetch) to a ClusterError; ClusterErrors pass through. */
export function toClusterError(e: unknown): ClusterError {
  if (e instanceof ClusterError) return e;
  const err = e as {
    code?: unknown;
    statusCode?: unknown;
    body?: unknown;
    message?: string;
    cause?: { code?: string; message?: string };
    name?: string;
  };
  const status =
    typeof err?.code === 'number' ? err.code : typeof err?.statusCode === 'number' ? err.statusCode : undefined;
  if (status !== undefined && status >= 100) {
    const body = parseBody(err.body);
    return new ClusterError(
      kindForStatus(status),
      body?.message ?? `Kubernetes API answered ${status}`,
      status,
      body?.reason,
      { cause: e },
    );
  }
  // undici: TypeError('fetch failed') with cause ECONNREFUSED/ECONNRESET/ETIMEDOUT, or an abort/timeout
  const code = err?.cause?.code ?? (typeof err?.code === 'string' ? err.code : undefined);
  if (code || err?.name === 'TimeoutError' || /fetch failed|socket|ECONN|other side closed/i.test(err?.message ?? '')) {
    return new ClusterError(
      'Unavailable',
      `Kubernetes API unreachable: ${err?.cause?.message ?? err?.message ?? code}`,
      undefined,
      undefined,
      { cause: e },
    );
  }
  return new ClusterError('Unknown', err?.message ?? String(e), undefined, undefined, { cause: e });
}

/** Runs a client-node call and rethrows its failure as a ClusterError. */
export async function call<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw toClusterError(e);
  }
}

// The API server's errors as apimachinery `metav1.Status` objects, with the reasons and texts of
// `k8s.io/apimachinery/pkg/api/errors`, so clients (client-node, kubectl) read them as on a real cluster.
import { groupResource, type ResourceDef } from './resources';

export type Cause = { reason: string; message: string; field: string };

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: { name?: string; group?: string; kind?: string; causes?: Cause[] },
  ) {
    super(message);
  }
  toStatus(): object {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    };
  }
}

const details = (r: ResourceDef, name: string) => ({ name, ...(r.group ? { group: r.group } : {}), kind: r.resource });

export const notFound = (r: ResourceDef, name: string) =>
  new ApiError(404, 'NotFound', `${groupResource(r)} "${name}" not found`, details(r, name));
export const alreadyExists = (r: ResourceDef, name: string) =>
  new ApiError(409, 'AlreadyExists', `${groupResource(r)} "${name}" already exists`, details(r, name));
export const conflict = (r: ResourceDef, name: string) =>
  new ApiError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${groupResource(r)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    details(r, name),
  );
export const invalid = (r: ResourceDef, name: string, causes: Cause[]) =>
  new ApiError(
    422,
    'Invalid',
    `${r.kind}${r.group ? `.${r.group}` : ''} "${name}" is invalid: ${causes.map((c) => `${c.field}: ${c.message}`).join(', ')}`,
    { ...details(r, name), kind: r.kind, causes },
  );
export const badRequest = (message: string) => new ApiError(400, 'BadRequest', message);
export const methodNotAllowed = (what = '') =>
  new ApiError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource${what}`);
export const pathNotFound = () => new ApiError(404, 'NotFound', 'the server could not find the requested resource');

// The objects Gantry keeps in each team's namespace (Namespace, ServiceAccount, ResourceQuota,
// LimitRange, NetworkPolicy), written create-or-replace: a POST, and on 409 AlreadyExists a read and,
// only when what Gantry owns differs, a PUT carrying the resourceVersion read (a Conflict means
// someone wrote in between; the next reconcile pass tries again). Objects built by
// lib/domain/team-namespace.ts; generic over kinds through client-node's
// KubernetesObjectApi (it finds each kind's resource through discovery).
import { KubernetesObjectApi, type KubernetesObject } from '@kubernetes/client-node';
import { call, isNotFound, toClusterError } from './errors';
import { cluster } from './kube';

export type ClusterObject = KubernetesObject & {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    resourceVersion?: string;
  };
  [field: string]: unknown;
};

export type ApplyOutcome = 'created' | 'updated' | 'unchanged';

let objects: { kc: unknown; api: KubernetesObjectApi } | undefined;
function objectApi(): KubernetesObjectApi {
  const { kc } = cluster();
  if (objects?.kc !== kc) objects = { kc, api: KubernetesObjectApi.makeApiClient(kc) };
  return objects.api;
}

/** The fields Gantry sets on an object: everything but metadata and status (which the API server and controllers own). */
function owned(o: Record<string, unknown>): Record<string, unknown> {
  const { apiVersion: _a, kind: _k, metadata: _m, status: _s, ...rest } = o;
  return rest;
}

/** Stable comparison: key order differs between what we build and what the server echoes. */
function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  return (
    ka.length === kb.length &&
    ka.every((k) => same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  );
}

function labelsCover(current: Record<string, string> | undefined, wanted: Record<string, string> | undefined): boolean {
  return Object.entries(wanted ?? {}).every(([k, v]) => current?.[k] === v);
}

/**
 * Creates the object, or brings an existing one to what is given: its labels are merged over the
 * existing ones (others' labels stay) and its other fields replace the existing ones.
 * `labelsOnly`: only the labels are Gantry's (a Namespace: its spec and status are the server's).
 * `create: false`: the object must exist already (a Namespace an admin mapped a team to); NotFound otherwise.
 */
export async function applyObject(
  desired: ClusterObject,
  opts: { labelsOnly?: boolean; create?: boolean } = {},
): Promise<ApplyOutcome> {
  const api = objectApi();
  if (opts.create !== false) {
    try {
      await api.create(desired);
      return 'created';
    } catch (e) {
      const err = toClusterError(e);
      if (err.reason !== 'AlreadyExists') throw err;
    }
  }
  const current = (await call(() =>
    api.read({
      apiVersion: desired.apiVersion,
      kind: desired.kind,
      metadata: { name: desired.metadata.name, namespace: desired.metadata.namespace },
    }),
  )) as unknown as ClusterObject;
  const labelsOk = labelsCover(current.metadata.labels, desired.metadata.labels);
  const fieldsOk =
    opts.labelsOnly || same(JSON.parse(JSON.stringify(owned(desired))), JSON.parse(JSON.stringify(owned(current))));
  if (labelsOk && fieldsOk) return 'unchanged';
  const next = {
    ...(opts.labelsOnly
      ? current
      : {
          ...owned(desired),
          apiVersion: desired.apiVersion,
          kind: desired.kind,
          ...(current.status ? { status: current.status } : {}),
        }),
    metadata: {
      ...current.metadata,
      labels: { ...(current.metadata.labels ?? {}), ...(desired.metadata.labels ?? {}) },
    },
  } as ClusterObject;
  await call(() => api.replace(next));
  return 'updated';
}

/** null when absent. */
export async function findObject(ref: {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}): Promise<ClusterObject | null> {
  try {
    return (await call(() =>
      objectApi().read({
        apiVersion: ref.apiVersion,
        kind: ref.kind,
        metadata: { name: ref.name, namespace: ref.namespace },
      }),
    )) as unknown as ClusterObject;
  } catch (e) {
    if (isNotFound(e)) return null;
    throw e;
  }
}

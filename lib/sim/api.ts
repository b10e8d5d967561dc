// Kubernetes API shapes the simulated server answers with: the served resources and their
// discovery documents, Status errors (apimachinery `metav1.Status`, reasons as in
// `k8s.io/apimachinery/pkg/api/errors`), and the server-side Table kubectl prints.
import type { KObject } from './store';

export type ResourceDef = {
  group: string;
  version: string;
  resource: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  shortNames?: string[];
  verbs: string[];
  categories?: string[];
};

const ALL = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export const RESOURCES: ResourceDef[] = [
  {
    group: '',
    version: 'v1',
    resource: 'namespaces',
    singular: 'namespace',
    kind: 'Namespace',
    namespaced: false,
    shortNames: ['ns'],
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
  },
  {
    group: '',
    version: 'v1',
    resource: 'nodes',
    singular: 'node',
    kind: 'Node',
    namespaced: false,
    shortNames: ['no'],
    verbs: ['get', 'list', 'patch', 'update', 'watch'],
  },
  // create: kubectl (and tests) can try a pod against the namespace's ResourceQuota; the simulated Argo controller goes through the same admission.
  {
    group: '',
    version: 'v1',
    resource: 'pods',
    singular: 'pod',
    kind: 'Pod',
    namespaced: true,
    shortNames: ['po'],
    verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'watch'],
    categories: ['all'],
  },
  {
    group: '',
    version: 'v1',
    resource: 'events',
    singular: 'event',
    kind: 'Event',
    namespaced: true,
    shortNames: ['ev'],
    verbs: ['get', 'list', 'watch'],
  },
  // Gantry keeps each sweep's results token in a Secret its step pods read through secretKeyRef.
  { group: '', version: 'v1', resource: 'secrets', singular: 'secret', kind: 'Secret', namespaced: true, verbs: ALL },
  // Each team's namespace holds what Gantry reconciles there (lib/server/tenancy): the workloads'
  // ServiceAccount, a ResourceQuota on nvidia.com/* (enforced, see admission.ts), a LimitRange and
  // a default-deny-ingress NetworkPolicy (stored and served; the sim neither defaults nor filters by them).
  {
    group: '',
    version: 'v1',
    resource: 'serviceaccounts',
    singular: 'serviceaccount',
    kind: 'ServiceAccount',
    namespaced: true,
    shortNames: ['sa'],
    verbs: ALL,
  },
  {
    group: '',
    version: 'v1',
    resource: 'resourcequotas',
    singular: 'resourcequota',
    kind: 'ResourceQuota',
    namespaced: true,
    shortNames: ['quota'],
    verbs: ALL,
  },
  {
    group: '',
    version: 'v1',
    resource: 'limitranges',
    singular: 'limitrange',
    kind: 'LimitRange',
    namespaced: true,
    shortNames: ['limits'],
    verbs: ALL,
  },
  {
    group: 'networking.k8s.io',
    version: 'v1',
    resource: 'networkpolicies',
    singular: 'networkpolicy',
    kind: 'NetworkPolicy',
    namespaced: true,
    shortNames: ['netpol'],
    verbs: ALL,
  },
  {
    group: 'argoproj.io',
    version: 'v1alpha1',
    resource: 'workflows',
    singular: 'workflow',
    kind: 'Workflow',
    namespaced: true,
    shortNames: ['wf'],
    verbs: ALL,
    categories: ['all'],
  },
  // A sweep too large for one Workflow creates its parts from a WorkflowTemplate (spec.workflowTemplateRef).
  {
    group: 'argoproj.io',
    version: 'v1alpha1',
    resource: 'workflowtemplates',
    singular: 'workflowtemplate',
    kind: 'WorkflowTemplate',
    namespaced: true,
    shortNames: ['wftmpl'],
    verbs: ALL,
  },
];

export const apiVersionOf = (r: ResourceDef) => (r.group ? `${r.group}/${r.version}` : r.version);
const groupResource = (r: ResourceDef) => (r.group ? `${r.resource}.${r.group}` : r.resource);

export function resourceList(group: string, version: string): object {
  const resources = RESOURCES.filter((r) => r.group === group && r.version === version).flatMap((r) => [
    {
      name: r.resource,
      singularName: r.singular,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: r.verbs,
      ...(r.shortNames ? { shortNames: r.shortNames } : {}),
      ...(r.categories ? { categories: r.categories } : {}),
      storageVersionHash: '',
    },
    ...(r.resource === 'pods'
      ? [
          { name: 'pods/log', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get'] },
          {
            name: 'pods/proxy',
            singularName: '',
            namespaced: true,
            kind: 'PodProxyOptions',
            verbs: ['create', 'delete', 'get', 'patch', 'update'],
          },
        ]
      : []),
  ]);
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group ? `${group}/${version}` : version,
    resources,
  };
}

export function apiGroup(group: string): object {
  const versions = [...new Set(RESOURCES.filter((r) => r.group === group).map((r) => r.version))].map((v) => ({
    groupVersion: `${group}/${v}`,
    version: v,
  }));
  return { kind: 'APIGroup', apiVersion: 'v1', name: group, versions, preferredVersion: versions[0] };
}

export function apiGroupList(): object {
  const groups = [...new Set(RESOURCES.map((r) => r.group).filter(Boolean))];
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: groups.map((g) => ({ ...apiGroup(g), kind: undefined, apiVersion: undefined })),
  };
}

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

export const notFound = (r: ResourceDef, name: string) =>
  new ApiError(404, 'NotFound', `${groupResource(r)} "${name}" not found`, {
    name,
    ...(r.group ? { group: r.group } : {}),
    kind: r.resource,
  });
export const alreadyExists = (r: ResourceDef, name: string) =>
  new ApiError(409, 'AlreadyExists', `${groupResource(r)} "${name}" already exists`, {
    name,
    ...(r.group ? { group: r.group } : {}),
    kind: r.resource,
  });
export const conflict = (r: ResourceDef, name: string) =>
  new ApiError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${groupResource(r)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    {
      name,
      ...(r.group ? { group: r.group } : {}),
      kind: r.resource,
    },
  );
export const invalid = (r: ResourceDef, name: string, causes: Cause[]) =>
  new ApiError(
    422,
    'Invalid',
    `${r.kind}${r.group ? `.${r.group}` : ''} "${name}" is invalid: ${causes.map((c) => `${c.field}: ${c.message}`).join(', ')}`,
    {
      name,
      ...(r.group ? { group: r.group } : {}),
      kind: r.kind,
      causes,
    },
  );
export const badRequest = (message: string) => new ApiError(400, 'BadRequest', message);

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Object-level validation the API server does before storing (metadata, and the Workflow CRD's structural schema). */
export function validate(r: ResourceDef, obj: KObject): Cause[] {
  const causes: Cause[] = [];
  const name = obj.metadata?.name;
  const nameRe = r.resource === 'namespaces' ? DNS_LABEL : DNS_SUBDOMAIN;
  if (!name)
    causes.push({
      reason: 'FieldValueRequired',
      message: 'Required value: name or generateName is required',
      field: 'metadata.name',
    });
  else if (!nameRe.test(name) || name.length > (r.resource === 'namespaces' ? 63 : 253)) {
    causes.push({
      reason: 'FieldValueInvalid',
      message: `Invalid value: "${name}": a lowercase RFC 1123 ${r.resource === 'namespaces' ? 'label' : 'subdomain'} must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`,
      field: 'metadata.name',
    });
  }
  for (const [k, v] of Object.entries(obj.metadata?.labels ?? {})) {
    if (!LABEL_KEY.test(k) || k.split('/').pop()!.length > 63)
      causes.push({
        reason: 'FieldValueInvalid',
        message: `Invalid value: "${k}": name part must consist of alphanumeric characters, '-', '_' or '.'`,
        field: 'metadata.labels',
      });
    if (typeof v !== 'string' || !LABEL_VALUE.test(v) || v.length > 63)
      causes.push({
        reason: 'FieldValueInvalid',
        message: `Invalid value: "${v}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`,
        field: `metadata.labels`,
      });
  }
  if (r.resource === 'workflows' || r.resource === 'workflowtemplates') {
    const spec = obj.spec as Record<string, unknown> | undefined;
    if (!spec || typeof spec !== 'object' || Array.isArray(spec))
      causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: 'spec' });
    else {
      if (spec.templates !== undefined && !Array.isArray(spec.templates)) {
        causes.push({
          reason: 'FieldValueTypeInvalid',
          message: `Invalid value: "${typeof spec.templates}": spec.templates in body must be of type array: "${typeof spec.templates}"`,
          field: 'spec.templates',
        });
      }
      if (spec.entrypoint !== undefined && typeof spec.entrypoint !== 'string') {
        causes.push({
          reason: 'FieldValueTypeInvalid',
          message: `Invalid value: "${typeof spec.entrypoint}": spec.entrypoint in body must be of type string: "${typeof spec.entrypoint}"`,
          field: 'spec.entrypoint',
        });
      }
      (Array.isArray(spec.templates) ? spec.templates : []).forEach((t: unknown, i: number) => {
        if (!t || typeof t !== 'object' || typeof (t as { name?: unknown }).name !== 'string') {
          causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: `spec.templates[${i}].name` });
        }
      });
      if (spec.shutdown !== undefined && !['Terminate', 'Stop', ''].includes(String(spec.shutdown))) {
        causes.push({
          reason: 'FieldValueNotSupported',
          message: `Unsupported value: "${spec.shutdown}": supported values: "Terminate", "Stop"`,
          field: 'spec.shutdown',
        });
      }
    }
  }
  return causes;
}

/** kubectl-style age: 45s, 3m20s, 12m, 5h7m, 2d3h, 41d (apimachinery `duration.HumanDuration`). */
function humanDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  const d = Math.floor(h / 24);
  if (d < 8) return h % 24 === 0 ? `${d}d` : `${d}d${h % 24}h`;
  if (d < 730) return `${d}d`;
  return `${Math.floor(d / 365)}y`;
}

type Col = { name: string; type: string; format?: string; description: string; priority: number };

function columns(r: ResourceDef): { cols: Col[]; cells: (o: KObject, now: number) => unknown[] } {
  const age = (o: KObject, now: number, ts = o.metadata.creationTimestamp) =>
    ts ? humanDuration(now - Date.parse(ts)) : '<unknown>';
  const nameCol: Col = {
    name: 'Name',
    type: 'string',
    format: 'name',
    description: 'Name must be unique within a namespace.',
    priority: 0,
  };
  const ageCol: Col = {
    name: 'Age',
    type: 'string',
    description: 'CreationTimestamp is a timestamp representing the server time when this object was created.',
    priority: 0,
  };
  const st = (o: KObject) => (o.status ?? {}) as Record<string, unknown>;
  switch (r.resource) {
    case 'nodes':
      return {
        cols: [
          nameCol,
          { name: 'Status', type: 'string', description: 'The status of the node', priority: 0 },
          { name: 'Roles', type: 'string', description: 'The roles of the node', priority: 0 },
          ageCol,
          { name: 'Version', type: 'string', description: 'Kubelet Version reported by the node.', priority: 0 },
        ],
        cells: (o, now) => {
          const roles = Object.keys(o.metadata.labels ?? {})
            .filter((k) => k.startsWith('node-role.kubernetes.io/'))
            .map((k) => k.split('/')[1]);
          return [
            o.metadata.name,
            'Ready',
            roles.join(',') || '<none>',
            age(o, now),
            (st(o).nodeInfo as { kubeletVersion?: string })?.kubeletVersion ?? '',
          ];
        },
      };
    case 'pods':
      return {
        cols: [
          nameCol,
          {
            name: 'Ready',
            type: 'string',
            description: 'The aggregate readiness state of this pod for accepting traffic.',
            priority: 0,
          },
          {
            name: 'Status',
            type: 'string',
            description: 'The aggregate status of the containers in this pod.',
            priority: 0,
          },
          {
            name: 'Restarts',
            type: 'string',
            description: 'The number of times the containers in this pod have been restarted.',
            priority: 0,
          },
          ageCol,
          { name: 'Node', type: 'string', description: 'Name of the Node this pod is assigned to', priority: 1 },
        ],
        cells: (o, now) => {
          const cs =
            (st(o).containerStatuses as
              Array<{ ready: boolean; state?: { terminated?: { reason?: string } } }> | undefined) ?? [];
          const total = ((o.spec as { containers?: unknown[] })?.containers ?? []).length;
          const phase = String(st(o).phase ?? 'Pending');
          const term = cs.find((c) => c.state?.terminated && c.state.terminated.reason !== 'Completed')?.state
            ?.terminated?.reason;
          const status =
            phase === 'Succeeded'
              ? 'Completed'
              : phase === 'Failed'
                ? (term ?? 'Error')
                : phase === 'Pending' && (o.spec as { nodeName?: string })?.nodeName
                  ? 'ContainerCreating'
                  : phase;
          return [
            o.metadata.name,
            `${cs.filter((c) => c.ready).length}/${total}`,
            status,
            0,
            age(o, now),
            (o.spec as { nodeName?: string })?.nodeName ?? '<none>',
          ];
        },
      };
    case 'resourcequotas':
      // kubectl get quota: REQUEST and LIMIT as `resource: used/hard`, as the built-in printer shows them
      return {
        cols: [
          nameCol,
          ageCol,
          {
            name: 'Request',
            type: 'string',
            description: 'Request represents a minimum amount of cpu/memory that a container may consume.',
            priority: 0,
          },
          {
            name: 'Limit',
            type: 'string',
            description:
              'Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.',
            priority: 0,
          },
        ],
        cells: (o, now) => {
          const hard = (st(o).hard ?? (o.spec as { hard?: object } | undefined)?.hard ?? {}) as Record<string, string>;
          const used = (st(o).used ?? {}) as Record<string, string>;
          const show = (keys: string[]) =>
            keys
              .sort()
              .map((k) => `${k}: ${used[k] ?? '0'}/${hard[k]}`)
              .join(', ');
          return [
            o.metadata.name,
            age(o, now),
            show(Object.keys(hard).filter((k) => !k.startsWith('limits.'))),
            show(Object.keys(hard).filter((k) => k.startsWith('limits.'))),
          ];
        },
      };
    case 'namespaces':
      return {
        cols: [
          nameCol,
          { name: 'Status', type: 'string', description: 'The status of the namespace', priority: 0 },
          ageCol,
        ],
        cells: (o, now) => [o.metadata.name, 'Active', age(o, now)],
      };
    case 'workflows':
      // the Workflow CRD's additionalPrinterColumns (Status, Age from .status.startedAt, Message)
      return {
        cols: [
          nameCol,
          { name: 'Status', type: 'string', description: 'Status of the workflow', priority: 0 },
          { name: 'Age', type: 'date', description: 'When the workflow was started', priority: 0 },
          {
            name: 'Message',
            type: 'string',
            description: 'Human readable message indicating details about why the workflow is in this condition.',
            priority: 1,
          },
        ],
        cells: (o, now) => [
          o.metadata.name,
          String(st(o).phase ?? ''),
          st(o).startedAt ? age(o, now, String(st(o).startedAt)) : '<unknown>',
          String(st(o).message ?? ''),
        ],
      };
    default:
      return { cols: [nameCol, ageCol], cells: (o, now) => [o.metadata.name, age(o, now)] };
  }
}

export function toTable(
  r: ResourceDef,
  items: KObject[],
  resourceVersion: string,
  now: number,
  includeObject: string,
): object {
  const { cols, cells } = columns(r);
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion },
    columnDefinitions: cols,
    rows: items.map((o) => ({
      cells: cells(o, now),
      object:
        includeObject === 'Object'
          ? o
          : includeObject === 'None'
            ? undefined
            : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata },
    })),
  };
}

/**
 * Just enough OpenAPI v3 for kubectl's validation check: each PATCH operation is tagged with its
 * group/version/kind and lists the `fieldValidation` query parameter, which tells kubectl
 * (k8s.io/client-go/openapi3 QueryParamVerifierV3) to leave validation to the server.
 */
export function openApiV3Root(): object {
  const gvs = [...new Set(RESOURCES.map((r) => (r.group ? `apis/${r.group}/${r.version}` : `api/${r.version}`)))];
  return {
    paths: Object.fromEntries(gvs.map((gv) => [gv, { serverRelativeURL: `/openapi/v3/${gv}?hash=0000000000000000` }])),
  };
}

export function openApiV3Doc(gvPath: string): object | undefined {
  const defs = RESOURCES.filter((r) => (r.group ? `apis/${r.group}/${r.version}` : `api/${r.version}`) === gvPath);
  if (!defs.length) return undefined;
  const paths: Record<string, object> = {};
  for (const r of defs) {
    const base = `/${gvPath}${r.namespaced ? '/namespaces/{namespace}' : ''}/${r.resource}`;
    const gvk = { group: r.group, version: r.version, kind: r.kind };
    const op = (action: string) => ({
      'x-kubernetes-action': action,
      'x-kubernetes-group-version-kind': gvk,
      parameters: [
        {
          name: 'fieldValidation',
          in: 'query',
          description:
            'fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields.',
          schema: { type: 'string', uniqueItems: true },
        },
      ],
      responses: { '200': { description: 'OK' } },
    });
    paths[base] = { post: op('post') };
    paths[`${base}/{name}`] = { patch: op('patch'), put: op('put') };
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'v1.31.6' }, paths, components: { schemas: {} } };
}

/** RFC 7386 JSON merge patch: objects merge, null deletes, anything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!patch || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> =
    target && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

// The resources the simulated API server serves, with the verbs and names discovery reports for them
// (as `kubectl api-resources` lists them on a real cluster).

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
export const groupResource = (r: ResourceDef) => (r.group ? `${r.resource}.${r.group}` : r.resource);

/** The served resource by its plural name (`pods`, `workflows`). */
export function resourceDef(resource: string): ResourceDef {
  const def = RESOURCES.find((r) => r.resource === resource);
  if (!def) throw new Error(`no served resource ${resource}`);
  return def;
}

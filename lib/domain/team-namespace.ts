// What Gantry keeps in each team's namespace, built from the team and its quotas: the Namespace's
// labels (the team, and the Pod Security Standards level kube-apiserver's PodSecurity admission
// enforces), the workloads' ServiceAccount (no token mounted, no RoleBinding: no API permissions),
// a ResourceQuota capping nvidia.com/* requests at what Gantry may admit for the team, a LimitRange
// giving containers default requests, and a NetworkPolicy denying all ingress. Pure: lib/server
// reads the inputs, lib/cluster writes the objects.
import { LABEL_TEAM } from './terms';
import { TEAM_SERVICE_ACCOUNT, teamNamespace, type PodSecurityLevel, type TeamTenancy } from './tenancy';

export const RESOURCE_QUOTA_NAME = 'gantry-gpus';
export const LIMIT_RANGE_NAME = 'gantry-defaults';
export const NETWORK_POLICY_NAME = 'gantry-deny-ingress';
const LABEL_MANAGED_BY = 'app.kubernetes.io/managed-by';
const POD_SECURITY_ENFORCE = 'pod-security.kubernetes.io/enforce';
const POD_SECURITY_ENFORCE_VERSION = 'pod-security.kubernetes.io/enforce-version';

/**
 * Requests a container gets when it names none: enough for the scheduler to count it, small
 * enough never to block a step. No default limits: a limit the job did not ask for would
 * OOM-kill a training process the node could have fed.
 */
const DEFAULT_CONTAINER_REQUESTS = { cpu: '100m', memory: '128Mi' } as const;

export interface TeamQuotaLine {
  gpuKind: string;
  guaranteed: number;
  borrowingLimit: number;
}

export interface TeamNamespaceInput extends TeamTenancy {
  podSecurity: PodSecurityLevel;
  quotas: TeamQuotaLine[];
  /**
   * GPU kind id -> device-plugin resource, as the cluster's nodes advertise them (a kind absent here
   * is named by its id: `...-mig-<profile>` is `nvidia.com/mig-<profile>`, anything else `nvidia.com/gpu`).
   * Every resource listed gets a line in the ResourceQuota, 0 for a team without a quota on it.
   */
  resources?: Record<string, string>;
}

export type NamespaceObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels: Record<string, string> };
  [field: string]: unknown;
};

export interface TeamNamespacePlan {
  namespace: string;
  /** false: an admin mapped the team to an existing namespace; Gantry labels it but never creates it. */
  ownNamespace: boolean;
  /** In order: the Namespace first, then what lives in it. */
  objects: NamespaceObject[];
}

/** The device-plugin resource of a GPU kind id when the cluster does not say. */
export function gpuResourceOfKind(kind: string, resources: Record<string, string> = {}): string {
  const known = resources[kind];
  if (known) return known;
  const mig = /-mig-(.+)$/.exec(kind);
  return mig ? `nvidia.com/mig-${mig[1]}` : 'nvidia.com/gpu';
}

/**
 * ResourceQuota `spec.hard`: per device-plugin resource, the sum over the team's GPU kinds of
 * guaranteed + borrowing limit, the most the scheduler ever admits for the team; so the cluster
 * refuses a pod over what Gantry admitted. Extended resources are quota'd by `requests.` only.
 */
export function gpuQuotaHard(quotas: TeamQuotaLine[], resources: Record<string, string> = {}): Record<string, string> {
  const hard = new Map<string, number>();
  for (const resource of Object.values(resources)) if (resource.startsWith('nvidia.com/')) hard.set(resource, 0);
  for (const q of quotas) {
    const resource = gpuResourceOfKind(q.gpuKind, resources);
    hard.set(resource, (hard.get(resource) ?? 0) + q.guaranteed + q.borrowingLimit);
  }
  return Object.fromEntries([...hard.keys()].sort().map((r) => [`requests.${r}`, String(hard.get(r))]));
}

export function buildTeamNamespace(input: TeamNamespaceInput): TeamNamespacePlan {
  const namespace = teamNamespace(input);
  const team = { [LABEL_TEAM]: input.slug };
  const labels = { ...team, [LABEL_MANAGED_BY]: 'gantry' };
  const meta = (name: string) => ({ name, namespace, labels: { ...labels } });
  const ownNamespace = !input.namespace;
  return {
    namespace,
    ownNamespace,
    objects: [
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: {
          name: namespace,
          labels: {
            ...(ownNamespace ? labels : team),
            [POD_SECURITY_ENFORCE]: input.podSecurity,
            [POD_SECURITY_ENFORCE_VERSION]: 'latest',
          },
        },
      },
      {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: meta(TEAM_SERVICE_ACCOUNT),
        automountServiceAccountToken: false,
      },
      {
        apiVersion: 'v1',
        kind: 'ResourceQuota',
        metadata: meta(RESOURCE_QUOTA_NAME),
        spec: { hard: gpuQuotaHard(input.quotas, input.resources) },
      },
      {
        apiVersion: 'v1',
        kind: 'LimitRange',
        metadata: meta(LIMIT_RANGE_NAME),
        spec: { limits: [{ type: 'Container', defaultRequest: { ...DEFAULT_CONTAINER_REQUESTS } }] },
      },
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: meta(NETWORK_POLICY_NAME),
        // An empty podSelector selects every pod; Ingress with no rules admits nothing. Egress stays
        // open: steps reach Gantry's public URL, registries and their data.
        spec: { podSelector: {}, policyTypes: ['Ingress'] },
      },
    ],
  };
}

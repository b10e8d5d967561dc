// Where a team's work runs and under whom: one definition for the builders, the workload policy,
// the cluster layer that creates the namespace objects, and the simulated cluster.
import { z } from 'zod';

/** Pod Security Standards level a team's workloads are checked against ("baseline" by default). */
export const PodSecurityLevel = z.enum(['baseline', 'restricted']);
export type PodSecurityLevel = z.infer<typeof PodSecurityLevel>;

/** The ServiceAccount every workload of a team runs as; it has no API permissions of its own. */
export const TEAM_SERVICE_ACCOUNT = 'gantry-workload';

/** Prefix of the namespaces Gantry creates for teams that have no namespace of their own set. */
export const TEAM_NAMESPACE_PREFIX = 'gantry-';

export interface TeamTenancy {
  slug: string;
  /** An existing namespace an admin mapped the team to; null means gantry-<slug>. */
  namespace?: string | null;
}

/** The namespace a team's workflows, pods and Secrets live in. */
export function teamNamespace(team: TeamTenancy): string {
  return team.namespace || `${TEAM_NAMESPACE_PREFIX}${team.slug}`;
}

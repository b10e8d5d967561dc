// GET /version: the cheapest call that proves the API server answers and authenticates us.
import type { VersionInfo } from '@kubernetes/client-node';
import { call } from './errors';
import { cluster } from './kube';

export type ClusterVersion = Pick<VersionInfo, 'major' | 'minor' | 'gitVersion' | 'platform'>;

export async function pingCluster(): Promise<ClusterVersion> {
  const v = await call(() => cluster().version.getCode());
  return { major: v.major, minor: v.minor, gitVersion: v.gitVersion, platform: v.platform };
}

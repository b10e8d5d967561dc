// Where the cluster is: a kubeconfig file (explicit, $KUBECONFIG, or the one the simulated cluster
// writes to <dataDir>/kubeconfig), else the in-cluster service account when KUBERNETES_SERVICE_HOST
// is set. Settings come from lib/env only. This folder is the only importer of @kubernetes/client-node.
import fs from 'node:fs';
import path from 'node:path';
import { CoreV1Api, CustomObjectsApi, KubeConfig, VersionApi } from '@kubernetes/client-node';
import { env } from '@/lib/env';
import { ClusterError } from './errors';

export type ClusterClient = {
  kc: KubeConfig;
  core: CoreV1Api;
  custom: CustomObjectsApi;
  version: VersionApi;
  /** The shared namespace (GANTRY_NAMESPACE unless configured): where calls that name no namespace go, and older jobs' Workflows live. */
  namespace: string;
  source: string;
};

let current: ClusterClient | undefined;

function loadKubeConfig(opts: { kubeconfigPath?: string } = {}): { kc: KubeConfig; source: string } {
  const kc = new KubeConfig();
  const e = env();
  const explicit = opts.kubeconfigPath ?? e.KUBECONFIG?.split(path.delimiter).find(Boolean);
  if (explicit) {
    if (!fs.existsSync(/*turbopackIgnore: true*/ explicit))
      throw new ClusterError('Unavailable', `kubeconfig not found at ${explicit}`);
    kc.loadFromFile(/*turbopackIgnore: true*/ explicit);
    return { kc, source: explicit };
  }
  if (e.KUBERNETES_SERVICE_HOST) {
    kc.loadFromCluster();
    return { kc, source: 'in-cluster' };
  }
  const simConfig = path.join(e.dataDir, 'kubeconfig');
  if (fs.existsSync(simConfig)) {
    kc.loadFromFile(simConfig);
    return { kc, source: simConfig };
  }
  throw new ClusterError(
    'Unavailable',
    `no cluster configured: set KUBECONFIG, run in-cluster, or start the simulated cluster (npm run sim writes ${simConfig})`,
  );
}

/** Points every lib/cluster function at a cluster (tests, the launcher). Returns the client. */
export function configureCluster(opts: { kubeconfigPath?: string; namespace?: string } = {}): ClusterClient {
  const { kc, source } = loadKubeConfig(opts);
  current = {
    kc,
    core: kc.makeApiClient(CoreV1Api),
    custom: kc.makeApiClient(CustomObjectsApi),
    version: kc.makeApiClient(VersionApi),
    namespace: opts.namespace ?? env().GANTRY_NAMESPACE,
    source,
  };
  return current;
}

/** The configured client, loading the default configuration on first use. */
export function cluster(): ClusterClient {
  return current ?? configureCluster();
}

/** Forgets the client so the next call loads configuration again (tests). */
export function resetCluster(): void {
  current = undefined;
}

/**
 * The shared namespace older jobs' Workflows live in (GANTRY_NAMESPACE, or the one configured):
 * what a job row without a workflow_namespace means. Reads no kubeconfig.
 */
export function sharedNamespace(): string {
  return current?.namespace ?? env().GANTRY_NAMESPACE;
}

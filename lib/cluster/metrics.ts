// GPU telemetry "through the cluster": dcgm-exporter runs as a DaemonSet (label
// app=nvidia-dcgm-exporter, port 9400); its /metrics is read via the API server's pod proxy
// (GET /api/v1/namespaces/{ns}/pods/{name}:{port}/proxy/metrics), which works the same against a
// real cluster (RBAC: pods/proxy get) and the simulated one.
import type { V1Pod } from '@kubernetes/client-node';
import { call } from './errors';
import { cluster } from './kube';
import { listPods } from './pods';

const DCGM_EXPORTER_SELECTOR = 'app=nvidia-dcgm-exporter';

export type DcgmExporter = { namespace: string; name: string; nodeName: string; port: number };

export async function listDcgmExporters(labelSelector = DCGM_EXPORTER_SELECTOR): Promise<DcgmExporter[]> {
  const pods = await listPods(labelSelector);
  return pods
    .filter((p: V1Pod) => p.status?.phase === 'Running' && p.spec?.nodeName)
    .map((p) => ({
      namespace: p.metadata!.namespace!,
      name: p.metadata!.name!,
      nodeName: p.spec!.nodeName!,
      port: Number(
        p.metadata?.annotations?.['prometheus.io/port'] ?? p.spec?.containers?.[0]?.ports?.[0]?.containerPort ?? 9400,
      ),
    }));
}

/** The exporter's Prometheus text for one node's GPUs. */
export async function scrapeDcgmExporter(e: DcgmExporter, path = 'metrics'): Promise<string> {
  return call(() =>
    cluster().core.connectGetNamespacedPodProxyWithPath({ namespace: e.namespace, name: `${e.name}:${e.port}`, path }),
  );
}

// GPU telemetry from a Prometheus that already scrapes dcgm-exporter (PROMETHEUS_URL): its
// /federate endpoint returns the latest DCGM_FI_* samples in the same text format the exporter
// writes, so the same parser reads both. Pod labels come back as pod/namespace, or as
// exported_pod/exported_namespace when Prometheus' own target labels took those names.
import { ClusterError, kindForStatus } from './errors';

const DCGM_FEDERATE_MATCH = '{__name__=~"DCGM_FI_.*"}';

export async function federateDcgm(prometheusUrl: string, opts: { timeoutMs?: number } = {}): Promise<string> {
  const url = new URL('federate', prometheusUrl.endsWith('/') ? prometheusUrl : `${prometheusUrl}/`);
  url.searchParams.append('match[]', DCGM_FEDERATE_MATCH);
  let res: Response;
  try {
    res = await fetch(url, { headers: { accept: 'text/plain' }, signal: AbortSignal.timeout(opts.timeoutMs ?? 8_000) });
  } catch (error) {
    throw new ClusterError('Unavailable', `Prometheus at ${url.origin} did not answer`, undefined, undefined, {
      cause: error,
    });
  }
  if (!res.ok)
    throw new ClusterError(kindForStatus(res.status), `Prometheus answered ${res.status} for /federate`, res.status);
  return res.text();
}

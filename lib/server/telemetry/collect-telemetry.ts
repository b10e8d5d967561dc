import { listDcgmExporters, scrapeDcgmExporter, type DcgmExporter } from '@/lib/cluster/metrics';
import { listNodes } from '@/lib/cluster/nodes';
import { listPods } from '@/lib/cluster/pods';
import { federateDcgm } from '@/lib/cluster/prometheus';
import { env } from '@/lib/env';
import { buildInventory, type NodeObject, type PodObject } from '@/lib/domain/telemetry/inventory';
import { LABEL_JOB_ID, LABEL_OWNER, LABEL_TEAM } from '@/lib/domain/terms';
import { requireRole, type Ctx } from '../context';
import { unavailable } from '../errors';
import { ingestScrape, type IngestResult, type IngestScrapeInput } from './ingest-scrape';

export interface CollectResult extends IngestResult {
  exporters: number;
  failed: string[];
}

/**
 * One telemetry round for the worker: read dcgm-exporter samples, either from a Prometheus
 * (PROMETHEUS_URL, via /federate) or from every exporter pod found through the cluster (API
 * server pod proxy); tag devices with pool/kind from the inventory and pods with their gantry.dev
 * labels; store it all with ingestScrape. An exporter that fails is skipped and named.
 */
export async function collectTelemetry({
  ctx,
  input,
}: {
  ctx: Ctx;
  input?: { at?: number; prometheusUrl?: string | null };
}): Promise<CollectResult> {
  requireRole(ctx, 'admin');
  const at = input?.at ?? Date.now();
  const prometheusUrl = input?.prometheusUrl === undefined ? env().PROMETHEUS_URL : input.prometheusUrl;
  let exporters: DcgmExporter[], nodes, pods;
  try {
    [exporters, nodes, pods] = await Promise.all([prometheusUrl ? [] : listDcgmExporters(), listNodes(), listPods()]);
  } catch (error) {
    throw unavailable('The cluster API did not answer', error);
  }
  const failed: string[] = [];
  const fromExporters = exporters.map((e) =>
    scrapeDcgmExporter(e).then(
      (text) => ({ node: e.nodeName, text }),
      (error) => {
        ctx.log.warn({ err: error, exporter: `${e.namespace}/${e.name}` }, 'dcgm-exporter scrape failed');
        failed.push(`${e.namespace}/${e.name}`);
        return null;
      },
    ),
  );
  const fromPrometheus = prometheusUrl
    ? [
        federateDcgm(prometheusUrl).then(
          (text) => ({ node: null, text }),
          (error) => {
            ctx.log.warn({ err: error }, 'Prometheus federate failed');
            failed.push(prometheusUrl);
            return null;
          },
        ),
      ]
    : [];
  const scrapes = (await Promise.all([...fromExporters, ...fromPrometheus])).filter((s) => s !== null);

  const inventory = buildInventory(nodes as unknown as NodeObject[], pods as unknown as PodObject[]);
  const nodeInfo: NonNullable<IngestScrapeInput['nodes']> = {};
  for (const n of inventory.nodes) {
    const kinds = n.gpuResources.map((g) => ({ id: g.kind.id, migProfile: g.kind.migProfile }));
    // A MIG GPU's parent device (its power, clocks) takes the plain model kind.
    if (n.gpuModel && !kinds.some((k) => k.migProfile === null)) kinds.push({ id: n.gpuModel, migProfile: null });
    nodeInfo[n.name] = { pool: n.pool, kinds };
  }
  const podInfo: NonNullable<IngestScrapeInput['pods']> = {};
  for (const p of pods) {
    const labels = p.metadata?.labels ?? {};
    if (!labels[LABEL_JOB_ID] && !labels[LABEL_OWNER] && !labels[LABEL_TEAM]) continue;
    podInfo[`${p.metadata?.namespace}/${p.metadata?.name}`] = {
      jobId: labels[LABEL_JOB_ID] ?? null,
      owner: labels[LABEL_OWNER] ?? null,
      team: labels[LABEL_TEAM] ?? null,
    };
  }
  const result = await ingestScrape({ ctx, input: { at, scrapes, nodes: nodeInfo, pods: podInfo } });
  return { ...result, exporters: prometheusUrl ? 1 : exporters.length, failed };
}

// The worker's telemetry round against the simulated cluster over HTTP: dcgm-exporter pods found
// through the API, read through the pod proxy, devices tagged from the inventory, pods tied to jobs.
import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { listDcgmExporters, scrapeDcgmExporter } from '@/lib/cluster/metrics';
import { listPods } from '@/lib/cluster/pods';
import { createWorkflow, type Workflow } from '@/lib/cluster/workflows';
import { gpuAssignments, gpuDevices, gpuSamples } from '@/lib/db/schema';
import { withRollback } from '@/tests/db';
import { collectTelemetry } from './collect-telemetry';
import { getJobGpuUsage } from './get-job-gpu-usage';
import { useSimCluster } from '@/tests/sim';

useSimCluster({ seed: 7, speed: 50 });

function heldGpuWorkflow(name: string, idle: boolean): Workflow {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { name },
    spec: {
      entrypoint: 'train',
      podMetadata: { labels: { 'gantry.dev/job-id': name, 'gantry.dev/owner': 'ada', 'gantry.dev/team': 'vision' } },
      templates: [
        {
          name: 'train',
          metadata: { annotations: { 'gantry.dev/sim-duration-seconds': '36000', ...(idle ? { 'gantry.dev/sim-gpu-idle': 'true' } : {}) } },
          nodeSelector: { 'workload-type': 'batch-embedding' },
          tolerations: [{ key: 'gpu', operator: 'Equal', value: 'true', effect: 'NoSchedule' }],
          container: { image: 'pytorch/pytorch:2.4.0', command: ['python', 'embed.py'], resources: { limits: { 'nvidia.com/gpu': '1' }, requests: { cpu: '4', memory: '16Gi' } } },
        },
      ],
    },
  } as Workflow;
}

describe('collectTelemetry against the simulated cluster', () => {
  it('stores every simulated GPU and MIG instance, tagged by pool and kind, and ties held GPUs to their jobs', async () => {
    await createWorkflow(heldGpuWorkflow('tele-busy', false));
    await createWorkflow(heldGpuWorkflow('tele-idle', true));
    await expect
      .poll(async () => (await listPods('gantry.dev/team=vision')).filter((p) => p.status?.phase === 'Running').length, { timeout: 20_000 })
      .toBe(2);

    await withRollback(async (ctx) => {
      const result = await collectTelemetry({ ctx });
      expect(result.failed).toEqual([]);
      expect(result.exporters).toBe(12); // every GPU node runs one exporter; the 2 CPU nodes none
      const devices = await ctx.db.select().from(gpuDevices);
      expect(devices.length).toBe(result.devices);
      expect(new Set(devices.map((d) => d.pool))).toEqual(new Set(['batch-embedding', 'training', 'inference', 'large-training']));
      expect(devices.every((d) => d.kind !== null)).toBe(true);
      const mig = devices.filter((d) => d.migProfile !== null);
      expect(mig.length).toBeGreaterThan(0);
      expect(mig.every((d) => d.kind!.includes(`mig-${d.migProfile}`))).toBe(true);
      expect(await ctx.db.$count(gpuSamples)).toBe(devices.length);

      const held = await ctx.db.select().from(gpuAssignments);
      const jobs = held.filter((a) => a.jobId?.startsWith('tele-'));
      expect(jobs.map((a) => a.jobId).sort()).toEqual(['tele-busy', 'tele-idle']);
      expect(jobs.every((a) => a.owner === 'ada' && a.team === 'vision')).toBe(true);

      const busy = await getJobGpuUsage({ ctx, input: { jobId: 'tele-busy' } });
      const idle = await getJobGpuUsage({ ctx, input: { jobId: 'tele-idle' } });
      expect(busy.gpus[0].pool).toBe('batch-embedding');
      expect(busy.gpus[0].avgUtilization).toBeGreaterThanOrEqual(80);
      expect(idle.gpus[0].avgUtilization).toBeLessThan(5);
    });
  });

  it('reads the same samples from a Prometheus /federate (PROMETHEUS_URL), pod labels renamed exported_*', async () => {
    const exporters = await listDcgmExporters();
    const texts = await Promise.all(exporters.map((e) => scrapeDcgmExporter(e)));
    // Prometheus keeps its own target labels and renames the exporter's pod/namespace/container.
    const federated = texts
      .join('')
      .replace(/,container="/g, ',exported_container="')
      .replace(/,namespace="/g, ',exported_namespace="')
      .replace(/,pod="/g, ',exported_pod="')
      .replace(/}/g, ',instance="10.0.0.1:9400",job="dcgm-exporter"}');
    let asked = '';
    const server = http.createServer((req, res) => {
      asked = decodeURIComponent(req.url ?? '');
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(federated);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      await withRollback(async (ctx) => {
        const result = await collectTelemetry({ ctx, input: { prometheusUrl: url } });
        expect(asked).toBe('/federate?match[]={__name__=~"DCGM_FI_.*"}');
        expect(result.failed).toEqual([]);
        expect(await ctx.db.$count(gpuDevices)).toBe(result.devices);
        expect(result.devices).toBeGreaterThan(50);
        const jobs = (await ctx.db.select().from(gpuAssignments)).filter((a) => a.jobId?.startsWith('tele-'));
        expect(jobs.map((a) => a.jobId).sort()).toEqual(['tele-busy', 'tele-idle']);
      });
    } finally {
      server.close();
    }
  });
});

// The worker's telemetry round against the simulated cluster over HTTP: dcgm-exporter pods found
// through the API, read through the pod proxy, devices tagged from the inventory, pods tied to jobs.
import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { listDcgmExporters, scrapeDcgmExporter } from '@/lib/cluster/metrics';
import { listPods } from '@/lib/cluster/pods';
import { createWorkflow, type Workflow } from '@/lib/cluster/workflows';
import { gpuAssignments, gpuDevices, gpuSamples } from '@/lib/db/schema';
import { withRollback } from '@/tests/db';
import { makeTeam } from '@/tests/factories';
import { useSimCluster } from '@/tests/sim';
import { collectTelemetry } from './collect-telemetry';
import { getJobGpuUsage } from './get-job-gpu-usage';
import { querySeries } from './query-series';

useSimCluster({ seed: 7, speed: 50 });

function heldGpuWorkflow(
  name: string,
  idle: boolean,
  opts: { team?: string; pool?: string; toleration?: string; gpus?: number } = {},
): Workflow {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { name },
    spec: {
      entrypoint: 'train',
      podMetadata: {
        labels: { 'gantry.dev/job-id': name, 'gantry.dev/owner': 'ada', 'gantry.dev/team': opts.team ?? 'vision' },
      },
      templates: [
        {
          name: 'train',
          metadata: {
            annotations: {
              'gantry.dev/sim-duration-seconds': '36000',
              ...(idle ? { 'gantry.dev/sim-gpu-idle': 'true' } : {}),
            },
          },
          nodeSelector: { 'workload-type': opts.pool ?? 'batch-embedding' },
          tolerations: [{ key: 'gpu', operator: 'Equal', value: opts.toleration ?? 'true', effect: 'NoSchedule' }],
          container: {
            image: 'pytorch/pytorch:2.4.0',
            command: ['python', 'embed.py'],
            resources: { limits: { 'nvidia.com/gpu': String(opts.gpus ?? 1) }, requests: { cpu: '4', memory: '16Gi' } },
          },
        },
      ],
    },
  };
}

describe('collectTelemetry against the simulated cluster', () => {
  it('stores every simulated GPU and MIG instance, tagged by pool and kind, and ties held GPUs to their jobs', async () => {
    await createWorkflow(heldGpuWorkflow('tele-busy', false));
    await createWorkflow(heldGpuWorkflow('tele-idle', true));
    await expect
      .poll(
        async () => (await listPods('gantry.dev/team=vision')).filter((p) => p.status?.phase === 'Running').length,
        { timeout: 20_000 },
      )
      .toBe(2);

    await withRollback(async (ctx) => {
      const result = await collectTelemetry({ ctx });
      expect(result.failed).toEqual([]);
      expect(result.exporters).toBe(12); // every GPU node runs one exporter; the 2 CPU nodes none
      const devices = await ctx.db.select().from(gpuDevices);
      expect(devices.length).toBe(result.devices);
      expect(new Set(devices.map((d) => d.pool))).toEqual(
        new Set(['batch-embedding', 'training', 'inference', 'large-training']),
      );
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

  it('ties a time-sliced GPU to every pod sharing it: each job and team gets the whole GPU, flagged shared', async () => {
    // Two pods of 8 replicas each on the H100 pool (8 GPUs x 2 replicas a node): GPU pods bin-pack,
    // so the second lands on the first one's node and takes the other replica of each GPU.
    const h100 = { pool: 'large-training', toleration: 'h100', gpus: 8 };
    await createWorkflow(heldGpuWorkflow('ts-vision', false, { ...h100, team: 'vision-ts' }));
    await createWorkflow(heldGpuWorkflow('ts-nlp', true, { ...h100, team: 'nlp-ts' }));
    await expect
      .poll(
        async () =>
          (await listPods('gantry.dev/job-id in (ts-vision,ts-nlp)')).filter((p) => p.status?.phase === 'Running')
            .length,
        { timeout: 20_000 },
      )
      .toBe(2);
    const [a, b] = await Promise.all([listPods('gantry.dev/job-id=ts-vision'), listPods('gantry.dev/job-id=ts-nlp')]);
    expect(a[0].spec!.nodeName).toBe(b[0].spec!.nodeName);

    await withRollback(async (ctx) => {
      await makeTeam(ctx, { slug: 'vision-ts' });
      await makeTeam(ctx, { slug: 'nlp-ts' });
      const at = Date.now();
      await collectTelemetry({ ctx, input: { at } });
      await collectTelemetry({ ctx, input: { at: at + 10_000 } });
      const held = (await ctx.db.select().from(gpuAssignments)).filter((x) => x.jobId?.startsWith('ts-'));
      const byDevice = new Map<number, string[]>();
      for (const h of held) byDevice.set(h.deviceId, [...(byDevice.get(h.deviceId) ?? []), h.team!].sort());
      expect(byDevice.size).toBe(8);
      expect([...byDevice.values()].every((teams) => teams.join() === 'nlp-ts,vision-ts')).toBe(true);

      const usage = await getJobGpuUsage({ ctx, input: { jobId: 'ts-nlp' } });
      expect(usage.gpus).toHaveLength(8);
      expect(usage.gpus.every((g) => g.sharing === 'time-slicing' && g.coTenants === 1)).toBe(true);
      // the idle pod's GPUs read busy: its neighbour computes, and the split cannot be measured
      expect(usage.gpus.every((g) => g.avgUtilization! >= 80)).toBe(true);

      for (const team of ['vision-ts', 'nlp-ts']) {
        const series = await querySeries({
          ctx,
          input: { scope: 'team', id: team, range: '1h', metric: 'util', now: at + 20_000 },
        });
        expect(series.devices).toBe(8);
        expect(series.points).toHaveLength(2);
      }
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

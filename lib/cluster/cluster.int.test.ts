// lib/cluster against the simulated cluster over HTTP: the real @kubernetes/client-node code path.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import { readReference, referenceDir, referencePath } from '@/lib/testing/reference';
import { ClusterError } from './errors';
import { pingCluster } from './health';
import { listDcgmExporters, scrapeDcgmExporter } from './metrics';
import { listNodes } from './nodes';
import { followPodLog, listPods, readPodLog } from './pods';
import {
  createWorkflow,
  deleteWorkflow,
  findWorkflow,
  getWorkflow,
  jsonPatchWorkflow,
  listWorkflows,
  patchWorkflow,
  terminateWorkflow,
  watchWorkflows,
  type Workflow,
} from './workflows';
import { hasKubectl } from '@/tests/kubectl';
import { useSimCluster } from '@/tests/sim';

const run = promisify(execFile);
const sim = useSimCluster({ seed: 11, speed: 500 });

/** Resolves with the workflow once `pred` holds, following a watch (no polling, no sleeps). */
async function waitForWorkflow(name: string, pred: (wf: Workflow) => boolean, timeoutMs = 20_000): Promise<Workflow> {
  const current = await getWorkflow(name);
  if (pred(current)) return current;
  return new Promise((resolve, reject) => {
    let handle: { abort(): void } | undefined;
    const timer = setTimeout(() => {
      handle?.abort();
      reject(new Error(`timed out waiting for workflow ${name}`));
    }, timeoutMs);
    const done = (fn: () => void) => {
      clearTimeout(timer);
      handle?.abort();
      fn();
    };
    watchWorkflows({
      fieldSelector: `metadata.name=${name}`,
      resourceVersion: current.metadata.resourceVersion,
      onEvent: (e) => e.type !== 'BOOKMARK' && pred(e.object) && done(() => resolve(e.object)),
      onError: (err) => done(() => reject(err)),
      onEnd: () => done(() => reject(new Error('watch ended early'))),
    }).then((h) => (handle = h), reject);
  });
}

const finished = (wf: Workflow) => ['Succeeded', 'Failed', 'Error'].includes(wf.status?.phase ?? '');

function example(file: string, name: string, labels: Record<string, string> = {}): Workflow {
  const wf = YAML.parse(readReference('argo/examples', file)) as Workflow;
  delete wf.metadata.generateName;
  wf.metadata.name = name;
  wf.metadata.labels = { ...(wf.metadata.labels ?? {}), 'gantry.dev/test': 'cluster-int', ...labels };
  return wf;
}

/** A one-step GPU workflow shaped like Gantry's builders emit. */
function gpuWorkflow(
  name: string,
  opts: {
    seconds: number;
    gpus?: Record<string, string>;
    selector?: Record<string, string>;
    taint?: string;
    idle?: boolean;
  },
): Workflow {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { name, labels: { 'gantry.dev/job-id': name, 'gantry.dev/test': 'cluster-int' } },
    spec: {
      entrypoint: 'train',
      templates: [
        {
          name: 'train',
          metadata: {
            annotations: {
              'gantry.dev/sim-duration-seconds': String(opts.seconds),
              ...(opts.idle ? { 'gantry.dev/sim-gpu-idle': 'true' } : {}),
            },
          },
          nodeSelector: opts.selector ?? { 'gantry.dev/pool': 'a100' },
          tolerations: [{ key: 'gpu', operator: 'Equal', value: opts.taint ?? 'true', effect: 'NoSchedule' }],
          container: {
            image: 'pytorch/pytorch:2.4.0',
            command: ['torchrun', 'train.py'],
            resources: { limits: opts.gpus ?? { 'nvidia.com/gpu': '1' }, requests: { cpu: '4', memory: '32Gi' } },
          },
        },
      ],
    },
  };
}

describe('lib/cluster against the simulated cluster', () => {
  it('pings the API server and lists GPU nodes with device-plugin capacity', async () => {
    expect((await pingCluster()).gitVersion).toMatch(/^v1\.\d+/);
    const nodes = await listNodes();
    expect(nodes).toHaveLength(14);
    const gpus = (sel: (l: Record<string, string>) => boolean, res: string) =>
      nodes
        .filter((n) => sel(n.metadata?.labels ?? {}))
        .reduce((a, n) => a + Number(n.status?.capacity?.[res] ?? 0), 0);
    expect(gpus((l) => l['nvidia.com/gpu.product'] === 'Tesla-T4', 'nvidia.com/gpu')).toBe(16);
    expect(gpus((l) => l['nvidia.com/gpu.product'] === 'NVIDIA-A100-SXM4-80GB-SHARED', 'nvidia.com/gpu')).toBe(
      4 * 8 * 4,
    );
    expect(gpus((l) => l['nvidia.com/mig.strategy'] === 'mixed', 'nvidia.com/mig-2g.20gb')).toBe(16);
    const h100 = nodes.find((n) => n.metadata?.labels?.['nvidia.com/gpu.product']?.startsWith('NVIDIA-H100'));
    expect(h100?.spec?.taints).toEqual([{ key: 'gpu', value: 'h100', effect: 'NoSchedule' }]);
    expect((await listNodes({ labelSelector: 'workload-type=batch-embedding' })).length).toBe(4);
  });

  it('runs dag-diamond to Succeeded with Argo-shaped node statuses, and adopts on a second create', async () => {
    const { workflow, adopted } = await createWorkflow(example('dag-diamond.yaml', 'diamond-1'));
    expect(adopted).toBe(false);
    const wf = await waitForWorkflow('diamond-1', finished);
    expect(wf.status?.phase).toBe('Succeeded');
    expect(wf.status?.progress).toBe('4/4');
    expect(wf.status?.startedAt).toBeTruthy();
    expect(wf.status?.finishedAt).toBeTruthy();
    const nodes = Object.values(wf.status!.nodes!);
    const root = wf.status!.nodes!['diamond-1'];
    expect(root).toMatchObject({ id: 'diamond-1', type: 'DAG', phase: 'Succeeded', templateName: 'diamond' });
    const pods = nodes.filter((n) => n.type === 'Pod');
    expect(pods.map((n) => n.displayName).sort()).toEqual(['A', 'B', 'C', 'D']);
    for (const p of pods) {
      expect(p).toMatchObject({ phase: 'Succeeded', boundaryID: 'diamond-1', templateName: 'echo' });
      expect(p.outputs?.exitCode).toBe('0');
      expect(p.resourcesDuration).toHaveProperty('cpu');
      expect(p.hostNodeName).toMatch(/^cpu-node-/);
    }
    const again = await createWorkflow(example('dag-diamond.yaml', 'diamond-1'));
    expect(again.adopted).toBe(true);
    expect(again.workflow.metadata.uid).toBe(workflow.metadata.uid);
  });

  it('maps API errors: 404 NotFound, null from find, 422 Invalid', async () => {
    await expect(getWorkflow('no-such-wf')).rejects.toMatchObject({ kind: 'NotFound', status: 404 });
    expect(await findWorkflow('no-such-wf')).toBeNull();
    expect(await deleteWorkflow('no-such-wf')).toBe(false);
    const bad = example('dag-diamond.yaml', 'Bad_Name');
    const err = await createWorkflow(bad).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClusterError);
    expect(err).toMatchObject({ kind: 'Invalid', status: 422, reason: 'Invalid' });
    const noSpec = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Workflow',
      metadata: { name: 'x' },
      spec: { templates: 'nope' },
    } as unknown as Workflow;
    await expect(createWorkflow(noSpec)).rejects.toMatchObject({ kind: 'Invalid', status: 422 });
  });

  it('merge-patches and JSON-patches, and filters lists by label selector', async () => {
    await createWorkflow(example('dag-diamond.yaml', 'patch-me', { team: 'vision' }));
    const merged = await patchWorkflow('patch-me', { metadata: { labels: { team: 'nlp', extra: 'yes' } } });
    expect(merged.metadata.labels).toMatchObject({ team: 'nlp', extra: 'yes' });
    const removed = await patchWorkflow('patch-me', { metadata: { labels: { extra: null } } });
    expect(removed.metadata.labels?.extra).toBeUndefined();
    const jp = await jsonPatchWorkflow('patch-me', [
      { op: 'add', path: '/metadata/annotations', value: { note: 'hi' } },
    ]);
    expect(jp.metadata.annotations?.note).toBe('hi');
    await expect(
      jsonPatchWorkflow('patch-me', [{ op: 'test', path: '/metadata/labels/team', value: 'vision' }]),
    ).rejects.toMatchObject({ kind: 'Invalid' });
    await expect(patchWorkflow('patch-me', { metadata: { resourceVersion: '1' } })).rejects.toMatchObject({
      kind: 'Conflict',
      status: 409,
    });
    const nlp = await listWorkflows('team=nlp');
    expect(nlp.items.map((w) => w.metadata.name)).toEqual(['patch-me']);
    expect(Number(nlp.resourceVersion)).toBeGreaterThan(0);
    expect((await listWorkflows('team in (vision)')).items).toHaveLength(0);
    expect(await deleteWorkflow('patch-me')).toBe(true);
    expect(await findWorkflow('patch-me')).toBeNull();
  });

  it('resumes a watch from a list resourceVersion and reports 410 Gone for a compacted one', async () => {
    const { resourceVersion } = await listWorkflows('gantry.dev/test=cluster-int');
    const seen: string[] = [];
    const got = new Promise<void>((resolve, reject) => {
      void watchWorkflows({
        labelSelector: 'gantry.dev/test=cluster-int',
        resourceVersion,
        onEvent: (e) => {
          if (e.type === 'ADDED') seen.push(e.object.metadata.name!);
          if (e.object.metadata.name === 'watched-1' && e.type === 'ADDED') resolve();
        },
        onError: reject,
      }).then((h) => got.finally(() => h.abort()));
    });
    await createWorkflow(example('dag-diamond.yaml', 'watched-1'));
    await got;
    expect(seen).toEqual(['watched-1']); // nothing older than the list was replayed as ADDED

    sim().sim.compact();
    const gone = await new Promise<ClusterError>((resolve) => {
      void watchWorkflows({ resourceVersion, onEvent: () => undefined, onError: resolve });
    });
    expect(gone.kind).toBe('Gone');
    expect(gone.status).toBe(410);
  });

  it('terminates a running workflow: Failed, "Stopped with strategy \'Terminate\'"', async () => {
    await createWorkflow(gpuWorkflow('long-train', { seconds: 1_000_000 }));
    await waitForWorkflow('long-train', (w) =>
      Object.values(w.status?.nodes ?? {}).some((n) => n.type === 'Pod' && n.phase === 'Running'),
    );
    await terminateWorkflow('long-train');
    const wf = await waitForWorkflow('long-train', finished);
    expect(wf.status?.phase).toBe('Failed');
    expect(wf.status?.message).toBe("Stopped with strategy 'Terminate'");
    const pod = Object.values(wf.status!.nodes!).find((n) => n.type === 'Pod')!;
    expect(pod.phase).toBe('Failed');
    expect(pod.message).toBe("Stopped with strategy 'Terminate'");
  });

  it('schedules GPU pods with their requests and explains a pending step', async () => {
    await createWorkflow(gpuWorkflow('too-big', { seconds: 10, gpus: { 'nvidia.com/gpu': '64' } }));
    const wf = await waitForWorkflow('too-big', (w) =>
      Object.values(w.status?.nodes ?? {}).some((n) => n.message?.startsWith('Unschedulable: ')),
    );
    const pending = Object.values(wf.status!.nodes!).find((n) => n.type === 'Pod')!;
    expect(pending.phase).toBe('Pending');
    expect(pending.message).toMatch(/^Unschedulable: 0\/14 nodes are available: .*Insufficient nvidia\.com\/gpu/);
    const [pod] = await listPods('workflows.argoproj.io/workflow=too-big', { namespace: 'gantry-jobs' });
    expect(pod.status?.conditions?.[0]).toMatchObject({
      type: 'PodScheduled',
      status: 'False',
      reason: 'Unschedulable',
    });
    await terminateWorkflow('too-big');
    await waitForWorkflow('too-big', finished);
  });

  it('streams pod logs (follow) and reads them with tailLines', async () => {
    await createWorkflow(gpuWorkflow('log-train', { seconds: 1500 }));
    await waitForWorkflow('log-train', (w) =>
      Object.values(w.status?.nodes ?? {}).some((n) => n.type === 'Pod' && n.phase === 'Running'),
    );
    const [pod] = await listPods('workflows.argoproj.io/workflow=log-train');
    expect(pod.spec?.nodeName).toMatch(/^a100-node-/);
    expect(pod.spec?.containers?.find((c) => c.name === 'main')?.resources?.limits).toEqual({ 'nvidia.com/gpu': '1' });
    const lines: string[] = [];
    await new Promise<void>((resolve, reject) => {
      void followPodLog({
        namespace: 'gantry-jobs',
        name: pod.metadata!.name!,
        onLine: (l) => lines.push(l),
        onEnd: (err) => (err ? reject(err) : resolve()),
      });
    });
    expect(lines.length).toBeGreaterThan(10);
    expect(lines[0]).toMatch(/^epoch 1\/10 step \d+ loss=\d/);
    expect(lines.at(-1)).toMatch(/training complete/);
    const tail = await readPodLog({ name: pod.metadata!.name!, tailLines: 2 });
    expect(tail.trimEnd().split('\n')).toEqual(lines.slice(-2));
    await expect(readPodLog({ name: 'no-such-pod' })).rejects.toMatchObject({ kind: 'NotFound' });
    expect((await waitForWorkflow('log-train', finished)).status?.resourcesDuration).toHaveProperty('nvidia.com/gpu');
  });

  it('serves dcgm-exporter metrics through the pod proxy that follow the running job', async () => {
    await createWorkflow(
      gpuWorkflow('mig-serve', {
        seconds: 1_000_000,
        gpus: { 'nvidia.com/mig-2g.20gb': '1' },
        selector: { 'nvidia.com/mig.strategy': 'mixed' },
        taint: 'mig',
      }),
    );
    await createWorkflow(
      gpuWorkflow('idle-hold', {
        seconds: 1_000_000,
        idle: true,
        selector: { 'gantry.dev/pool': 'h100' },
        taint: 'h100',
      }),
    );
    for (const name of ['mig-serve', 'idle-hold']) {
      await waitForWorkflow(name, (w) =>
        Object.values(w.status?.nodes ?? {}).some((n) => n.type === 'Pod' && n.phase === 'Running'),
      );
    }
    const exporters = await listDcgmExporters();
    expect(exporters).toHaveLength(12);
    const podOf = async (wf: string) => (await listPods(`workflows.argoproj.io/workflow=${wf}`))[0];
    const migPod = await podOf('mig-serve');
    const migText = await scrapeDcgmExporter(exporters.find((e) => e.nodeName === migPod.spec!.nodeName)!);
    const families = parsePrometheusTextFormat(migText) as Array<{
      name: string;
      type: string;
      metrics: Array<{ value: string; labels: Record<string, string> }>;
    }>;
    const gr = families.find((f) => f.name === 'DCGM_FI_PROF_GR_ENGINE_ACTIVE')!;
    expect(gr.type).toBe('GAUGE');
    const busy = gr.metrics.find((m) => m.labels.pod === migPod.metadata!.name)!;
    expect(busy.labels).toMatchObject({
      GPU_I_PROFILE: '2g.20gb',
      namespace: 'gantry-jobs',
      container: 'main',
      modelName: 'NVIDIA A100-SXM4-80GB',
    });
    expect(Number(busy.value)).toBeGreaterThan(0.5);
    expect(gr.metrics.filter((m) => m.labels.pod === '').every((m) => Number(m.value) === 0)).toBe(true);

    const idlePod = await podOf('idle-hold');
    const h100Text = await scrapeDcgmExporter(exporters.find((e) => e.nodeName === idlePod.spec!.nodeName)!);
    expect(h100Text).toContain('# TYPE DCGM_FI_DEV_GPU_UTIL gauge');
    const util = (parsePrometheusTextFormat(h100Text) as typeof families).find(
      (f) => f.name === 'DCGM_FI_DEV_GPU_UTIL',
    )!;
    const held = util.metrics.find((m) => m.labels.pod === idlePod.metadata!.name)!;
    expect(Number(held.value)).toBeLessThan(5);
    const fbUsed = (parsePrometheusTextFormat(h100Text) as typeof families).find(
      (f) => f.name === 'DCGM_FI_DEV_FB_USED',
    )!;
    expect(Number(fbUsed.metrics.find((m) => m.labels.pod === idlePod.metadata!.name)!.value)).toBeGreaterThan(10_000);
    for (const name of ['mig-serve', 'idle-hold']) await terminateWorkflow(name);
  });

  it('retries a failing step (retryStrategy) and fans out withParam', async () => {
    const retry = example('retry-container.yaml', 'retry-1');
    const t = (retry.spec.templates as Array<Record<string, unknown>>)[0];
    t.metadata = { annotations: { 'gantry.dev/sim-fail-attempts': '2' } };
    await createWorkflow(retry);
    const r = await waitForWorkflow('retry-1', finished);
    expect(r.status?.phase).toBe('Succeeded');
    const retryNode = Object.values(r.status!.nodes!).find((n) => n.type === 'Retry')!;
    expect(retryNode.children).toHaveLength(3);
    expect(retryNode.children!.map((c) => r.status!.nodes![c].phase)).toEqual(['Failed', 'Failed', 'Succeeded']);

    await createWorkflow(example('loops-param-result.yaml', 'param-1'));
    const p = await waitForWorkflow('param-1', finished);
    expect(p.status?.phase).toBe('Succeeded');
    expect(Object.values(p.status!.nodes!).filter((n) => n.templateName === 'sleep-n-sec')).toHaveLength(11);
  });

  it('runs exit handlers after a failing entrypoint', async () => {
    await createWorkflow(example('exit-handlers.yaml', 'exit-1'));
    const wf = await waitForWorkflow('exit-1', finished);
    expect(wf.status?.phase).toBe('Failed');
    const byName = (d: string) => Object.values(wf.status!.nodes!).find((n) => n.displayName === d);
    expect(byName('exit-1.onExit')?.phase).toBe('Succeeded');
    expect(byName('cry')?.phase).toBe('Succeeded');
    expect(byName('celebrate')?.phase).toBe('Skipped');
  });
});

const kubectl = hasKubectl();
if (!kubectl) console.warn('[kubectl against the simulated cluster] NOT RUN: kubectl is not installed on this machine');

describe.skipIf(!kubectl || !referenceDir())(
  `kubectl against the simulated cluster${kubectl ? '' : ' - NOT RUN: kubectl is not installed'}`,
  () => {
    it('gets nodes, creates an Argo example and lists workflows', async () => {
      const k = (...args: string[]) =>
        run('kubectl', ['--kubeconfig', sim().kubeconfigPath, ...args], { timeout: 20_000 });
      const nodes = await k('get', 'nodes');
      expect(nodes.stdout).toMatch(/^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION/);
      expect(nodes.stdout).toContain('h100-node-1');
      const created = await k('-n', 'gantry-jobs', 'create', '-f', referencePath('argo/examples', 'dag-diamond.yaml'));
      const name = /workflow\.argoproj\.io\/(\S+) created/.exec(created.stdout)?.[1];
      expect(name).toMatch(/^dag-diamond-/);
      await waitForWorkflow(name!, finished);
      const list = await k('-n', 'gantry-jobs', 'get', 'workflows');
      expect(list.stdout).toMatch(new RegExp(`${name}\\s+Succeeded`));
      const json = JSON.parse((await k('-n', 'gantry-jobs', 'get', 'workflow', name!, '-o', 'json')).stdout);
      expect(json.status.progress).toBe('4/4');
    });
  },
);

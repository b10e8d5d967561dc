// A restart of the simulated cluster keeps its work, through the real client (lib/cluster): a
// Workflow created before a stop runs on to Succeeded after a start on the same data folder, with
// its uid, its steps' logs and increasing resourceVersions; what a kill -9 leaves (the last timer
// snapshot) loads too, and makes every older version 410 Gone; a pod on a node no longer configured
// fails as after a node loss; a corrupt state file is kept aside and the cluster starts empty.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { ClusterError } from '@/lib/cluster/errors';
import { configureCluster, resetCluster } from '@/lib/cluster/kube';
import { listPods, readPodLog } from '@/lib/cluster/pods';
import { createWorkflow, getWorkflow, listWorkflows, watchWorkflows, type Workflow } from '@/lib/cluster/workflows';
import { stateFile } from './state-file';
import { startSimCluster, type SimCluster } from './server';

const dirs: string[] = [];
let running: SimCluster | undefined;

async function start(dataDir: string): Promise<SimCluster> {
  const messages: string[] = [];
  running = await startSimCluster({
    port: 0,
    seed: 3,
    speed: 100,
    dataDir,
    failureRate: 0,
    log: (msg) => messages.push(msg),
  });
  configureCluster({ kubeconfigPath: running.kubeconfigPath, namespace: 'gantry-jobs' });
  return Object.assign(running, { messages });
}

async function stop(): Promise<void> {
  await running?.stop();
  running = undefined;
}

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gantry-sim-restart-'));
  dirs.push(dir);
  return dir;
}

afterEach(stop);
afterAll(() => {
  resetCluster();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

async function until(name: string, ok: (wf: Workflow) => boolean): Promise<Workflow> {
  let wf = await getWorkflow(name);
  for (let i = 0; i < 1200 && !ok(wf); i++) {
    await new Promise((r) => setTimeout(r, 25));
    wf = await getWorkflow(name);
  }
  return wf;
}
const finished = (wf: Workflow) => ['Succeeded', 'Failed', 'Error'].includes(wf.status?.phase ?? '');
const stepRunning = (step: string) => (wf: Workflow) =>
  Object.values(wf.status?.nodes ?? {}).some(
    (n) => n.displayName === step && n.type === 'Pod' && n.phase === 'Running',
  );

/** Two steps: `train` runs 600 simulated seconds (6 s at speed 100), then `report` echoes. */
const twoSteps = (name: string): Workflow => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Workflow',
  metadata: { name, labels: { 'gantry.dev/job-id': '1' } },
  spec: {
    entrypoint: 'main',
    templates: [
      { name: 'main', steps: [[{ name: 'train', template: 'train' }], [{ name: 'report', template: 'report' }]] },
      {
        name: 'train',
        container: {
          image: 'ghcr.io/acme/train:1',
          command: ['python', 'train.py'],
          env: [{ name: 'GANTRY_SIM_DURATION_SECONDS', value: '600' }],
        },
      },
      { name: 'report', container: { image: 'busybox', command: ['sh', '-c', 'echo report written'] } },
    ],
  },
});

const podOf = async (wf: string, step: string) =>
  (await listPods(`workflows.argoproj.io/workflow=${wf}`, { namespace: 'gantry-jobs' })).find((p) =>
    p.metadata?.annotations?.['workflows.argoproj.io/node-name']?.endsWith(`.${step}`),
  );

/** A watch from this version: refused with 410 Gone, or its first event arrives (nothing missed). */
function watchOutcome(resourceVersion: string): Promise<'gone' | 'watching'> {
  return new Promise((resolve, reject) => {
    let handle: { abort(): void } | undefined;
    let outcome: 'gone' | 'watching' | undefined;
    const settle = (o: 'gone' | 'watching') => {
      outcome ??= o;
      handle?.abort();
      resolve(outcome);
    };
    void watchWorkflows({
      resourceVersion,
      onEvent: () => settle('watching'),
      onError: (err: ClusterError) => (err.kind === 'Gone' ? settle('gone') : reject(err)),
    }).then((h) => {
      handle = h;
      if (outcome) h.abort();
    }, reject);
  });
}

describe('a restart of the simulated cluster', () => {
  it('carries a running workflow on to Succeeded with its uid, logs and increasing resourceVersions', async () => {
    const dir = tempDir();
    await start(dir);
    const created = (await createWorkflow(twoSteps('restart-me'))).workflow;
    const before = await until('restart-me', stepRunning('train'));
    expect(before.status?.phase).toBe('Running');
    const trainPod = (await podOf('restart-me', 'train'))!;
    const rvBefore = (await listWorkflows()).resourceVersion;
    await stop();

    const sim = await start(dir);
    expect(sim.sim.store.get('pods', 'gantry-jobs', trainPod.metadata!.name!)?.metadata.uid).toBe(
      trainPod.metadata?.uid,
    );
    const list = await listWorkflows();
    expect(Number(list.resourceVersion)).toBeGreaterThanOrEqual(Number(rvBefore));
    // the newest version served before the stop resumes; an older one was compacted away
    expect(await watchOutcome(rvBefore)).toBe('watching');
    expect(await watchOutcome(String(Number(created.metadata.resourceVersion) - 1))).toBe('gone');

    const done = await until('restart-me', finished);
    expect(done.status?.phase).toBe('Succeeded');
    expect(done.metadata.uid).toBe(created.metadata.uid);
    expect(Number(done.metadata.resourceVersion)).toBeGreaterThan(Number(rvBefore));
    const train = Object.values(done.status?.nodes ?? {}).find((n) => n.displayName === 'train')!;
    // the step kept its start: it ran 6 s in all, not 6 s again after the restart
    expect(train.startedAt).toBe(
      Object.values(before.status?.nodes ?? {}).find((n) => n.displayName === 'train')?.startedAt,
    );
    expect(await readPodLog({ name: trainPod.metadata!.name! })).toMatch(/epoch/i);
    expect(await readPodLog({ name: (await podOf('restart-me', 'report'))!.metadata!.name! })).toContain(
      'report written',
    );
  });

  it('loads what a kill -9 leaves (the last timer snapshot): versions from before are 410 Gone, the work goes on', async () => {
    const dir = tempDir();
    const sim = await start(dir);
    await createWorkflow(twoSteps('crash-me'));
    await until('crash-me', stepRunning('train'));
    await sim.sim.snapshot();
    const rvAtCrash = (await listWorkflows()).resourceVersion;
    // the copy a crash would leave: the snapshot written while running (not the clean one of stop)
    const crashed = tempDir();
    fs.mkdirSync(path.join(crashed, 'sim'));
    fs.copyFileSync(stateFile(dir).file, stateFile(crashed).file);
    await stop();

    await start(crashed);
    expect(await watchOutcome(rvAtCrash)).toBe('gone');
    expect(Number((await listWorkflows()).resourceVersion)).toBeGreaterThan(Number(rvAtCrash));
    expect((await until('crash-me', finished)).status?.phase).toBe('Succeeded');
  });

  it('fails a pod whose node is no longer configured, as PodGC does after a node loss', async () => {
    const dir = tempDir();
    await start(dir);
    await createWorkflow(twoSteps('lost-node'));
    await until('lost-node', stepRunning('train'));
    const pod = (await podOf('lost-node', 'train'))!;
    await stop();
    // the node the pod ran on is gone from the configuration (and a retired one is in the file)
    const { file } = stateFile(dir);
    const node = pod.spec!.nodeName!;
    const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
    const retired = lines
      .find((l) => l.startsWith('{"resource":"nodes"') && l.includes(`"name":"${node}"`))!
      .replaceAll(node, 'sim-retired-0');
    const edited = lines.map((l) =>
      l.startsWith('{"pod":') && l.includes(pod.metadata!.name!)
        ? l.replace(`"node":"${node}"`, '"node":"sim-retired-0"')
        : l,
    );
    edited.splice(-1, 1, retired, `{"end":${edited.length - 1}}`);
    fs.writeFileSync(file, `${edited.join('\n')}\n`);

    const sim = await start(dir);
    expect(sim.sim.store.get('nodes', undefined, 'sim-retired-0')).toBeUndefined();
    expect(sim.sim.store.get('nodes', undefined, node)).toBeDefined();
    const done = await until('lost-node', finished);
    expect(done.status?.phase).toBe('Failed');
    expect(Object.values(done.status?.nodes ?? {}).find((n) => n.displayName === 'train')).toMatchObject({
      phase: 'Failed',
      message: 'PodGC: node no longer exists',
    });
  });

  it('keeps a corrupt state file aside and starts with an empty cluster', async () => {
    const dir = tempDir();
    const { file, dir: simDir } = stateFile(dir);
    fs.mkdirSync(simDir, { recursive: true });
    fs.writeFileSync(
      file,
      '{"format":"gantry-sim-state","version":1,"resourceVersion":5000,"uidCounter":1}\n{"resource":"workflows","object":{"metad',
    );
    const sim = (await start(dir)) as SimCluster & { messages: string[] };
    expect(sim.messages).toContain('sim: saved state is unusable; starting with an empty cluster');
    expect(fs.readdirSync(simDir).filter((f) => f.startsWith('state.ndjson.corrupt-'))).toHaveLength(1);
    expect((await listWorkflows()).items).toHaveLength(0);
    expect(sim.sim.store.count('nodes')).toBeGreaterThan(0);
    // and it persists afresh from there
    await createWorkflow(twoSteps('after-corrupt'));
    await stop();
    await start(dir);
    expect((await getWorkflow('after-corrupt')).metadata.name).toBe('after-corrupt');
  });
});

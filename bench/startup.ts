// Starts a whole Gantry (`npm start` path) on spare ports with a fresh data folder, and measures the
// time until /api/readyz answers 200 and the resident memory of all its processes; then again on the
// same folder (database and simulated cluster state reused). First, the simulated cluster's
// persistence under the workflow-sync bench's load: what snapshots cost, and how long a start on a
// big saved state takes.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { configureCluster } from '@/lib/cluster/kube';
import { createWorkflow } from '@/lib/cluster/workflows';
import { startSimCluster, type SimCluster } from '@/lib/sim/server';
import { treeStats } from './proc';
import { bigWorkflow } from './workflow-sync';

const root = path.resolve(import.meta.dirname, '..');

function treeRssMb(pid: number): number {
  let total = 0;
  for (const stat of treeStats(pid).values()) total += stat.rssMb;
  return Math.round(total);
}

async function waitReady(url: string, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).status === 200) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('Gantry did not become ready in time');
}

async function startOnce(dataDir: string, label: string) {
  const t0 = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'scripts/gantry.ts'), 'start'], {
    cwd: root,
    stdio: 'ignore',
    env: {
      ...process.env,
      PORT: '3199',
      GANTRY_PG_PORT: '54399',
      GANTRY_SIM_PORT: '6599',
      GANTRY_DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
    },
  });
  await waitReady('http://127.0.0.1:3199/api/readyz', Date.now() + 300_000);
  const readyS = (performance.now() - t0) / 1000;
  await new Promise((r) => setTimeout(r, 5000));
  const rss = treeRssMb(child.pid!);
  const stopT = performance.now();
  child.kill('SIGINT');
  await new Promise((r) => child.once('exit', r));
  console.table([
    {
      run: label,
      readySeconds: Number(readyS.toFixed(1)),
      rssMbAfter5s: rss,
      stopSeconds: Number(((performance.now() - stopT) / 1000).toFixed(1)),
    },
  ]);
}

const SIM_WORKFLOWS = 100;
const SIM_WARMUP_MS = 20_000;
const SIM_WINDOW_MS = 30_000;

/**
 * The simulated cluster alone, in this process, with workflow-sync's scale load (100 workflows of
 * 1,000 DAG steps, 10 s steps at speed 20): CPU and event-loop delay over 30 s without and with
 * persistence, each snapshot's synchronous part (capture + serialisation, which blocks the loop)
 * and its asynchronous write, the last snapshot at stop, and a start on the saved state.
 */
async function simUnderLoad(dataDir: string, persist: boolean) {
  const sim: SimCluster = await startSimCluster({
    port: 0,
    seed: 7,
    speed: 20,
    dataDir,
    failureRate: 0,
    ...(persist ? {} : { persist: false }),
  });
  configureCluster({ kubeconfigPath: sim.kubeconfigPath, namespace: 'gantry-jobs' });
  for (let i = 1; i <= SIM_WORKFLOWS; i++) await createWorkflow(bigWorkflow(`gantry-${i}`, i));
  await new Promise((r) => setTimeout(r, SIM_WARMUP_MS));
  const snaps: Array<{ captureMs: number; serializeMs: number; writeMs: number; bytes: number }> = [];
  let seen = sim.sim.persistStats()?.snapshots ?? 0;
  const poll = setInterval(() => {
    const st = sim.sim.persistStats();
    if (st && st.snapshots !== seen) {
      seen = st.snapshots;
      snaps.push({
        captureMs: st.lastCaptureMs,
        serializeMs: st.lastSerializeMs,
        writeMs: st.lastWriteMs,
        bytes: st.lastBytes,
      });
    }
  }, 20);
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const cpu0 = process.cpuUsage();
  await new Promise((r) => setTimeout(r, SIM_WINDOW_MS));
  const cpu = process.cpuUsage(cpu0);
  delay.disable();
  clearInterval(poll);
  const status = (await (await fetch(`${sim.url}/sim/status`)).json()) as { workflows: number; pods: number };
  const stopT = performance.now();
  await sim.stop();
  const stopMs = performance.now() - stopT;
  const avg = (k: 'captureMs' | 'serializeMs' | 'writeMs' | 'bytes') =>
    snaps.length ? snaps.reduce((a, x) => a + x[k], 0) / snaps.length : 0;
  return {
    persist,
    pods: status.pods,
    cpuCores: Number(((cpu.user + cpu.system) / 1000 / SIM_WINDOW_MS).toFixed(2)),
    loopDelayP99Ms: Number((delay.percentile(99) / 1e6).toFixed(1)),
    loopDelayMaxMs: Number((delay.max / 1e6).toFixed(1)),
    snapshots: snaps.length,
    captureMsAvg: Number(avg('captureMs').toFixed(1)),
    captureMsMax: Number(Math.max(0, ...snaps.map((x) => x.captureMs)).toFixed(1)),
    serializeMsAvg: Number(avg('serializeMs').toFixed(1)),
    writeMsAvg: Number(avg('writeMs').toFixed(1)),
    snapshotMb: Number((avg('bytes') / 2 ** 20).toFixed(1)),
    stopMs: Math.round(stopMs),
  };
}

async function benchSimPersistence() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gantry-bench-sim-'));
  try {
    const rows = [
      await simUnderLoad(fs.mkdtempSync(path.join(dataDir, 'off-')), false),
      await simUnderLoad(dataDir, true),
    ];
    console.log(
      `Simulated cluster, ${SIM_WORKFLOWS} workflows x 1,000 steps at speed 20 (${SIM_WINDOW_MS / 1000} s window after ${SIM_WARMUP_MS / 1000} s):`,
    );
    console.table(rows);
    const t0 = performance.now();
    const sim = await startSimCluster({ port: 0, seed: 7, speed: 20, dataDir, failureRate: 0 });
    const startMs = performance.now() - t0;
    const status = (await (await fetch(`${sim.url}/sim/status`)).json()) as { workflows: number; pods: number };
    await sim.stop();
    console.log('Start on that saved state (load, restore, listen):');
    console.table([
      {
        stateMb: Number((fs.statSync(path.join(dataDir, 'sim', 'state.ndjson')).size / 2 ** 20).toFixed(1)),
        startMs: Math.round(startMs),
        workflows: status.workflows,
        pods: status.pods,
      },
    ]);
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function benchStartup() {
  await benchSimPersistence();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gantry-bench-'));
  fs.chmodSync(dataDir, 0o755);
  try {
    await startOnce(dataDir, 'first start (fresh database; build reused if current)');
    await startOnce(dataDir, 'second start (data reused)');
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

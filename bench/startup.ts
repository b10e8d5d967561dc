// Starts a whole Gantry (`npm start` path) on spare ports with a fresh data folder, and measures the
// time until /api/readyz answers 200 and the resident memory of all its processes.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { treeStats } from './proc';

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
    env: { ...process.env, PORT: '3199', GANTRY_PG_PORT: '54399', GANTRY_SIM_PORT: '6599', GANTRY_DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
  });
  await waitReady('http://127.0.0.1:3199/api/readyz', Date.now() + 300_000);
  const readyS = (performance.now() - t0) / 1000;
  await new Promise((r) => setTimeout(r, 5000));
  const rss = treeRssMb(child.pid!);
  const stopT = performance.now();
  child.kill('SIGINT');
  await new Promise((r) => child.once('exit', r));
  console.table([{ run: label, readySeconds: Number(readyS.toFixed(1)), rssMbAfter5s: rss, stopSeconds: Number(((performance.now() - stopT) / 1000).toFixed(1)) }]);
}

export async function benchStartup() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gantry-bench-'));
  fs.chmodSync(dataDir, 0o755);
  try {
    await startOnce(dataDir, 'first start (fresh database; build reused if current)');
    await startOnce(dataDir, 'second start (data reused)');
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

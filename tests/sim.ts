// Integration tests against the simulated cluster over HTTP: one sim per test file, on a free port
// and a temp folder, with lib/cluster pointed at it (the real client code runs).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { configureCluster, resetCluster } from '@/lib/cluster/kube';
import { startSimCluster, type SimCluster } from '@/lib/sim/server';

export function useSimCluster(opts: { seed: number; speed: number; argoController?: boolean }): () => SimCluster {
  let sim: SimCluster | undefined;
  let dir = '';
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gantry-sim-'));
    sim = await startSimCluster({
      port: 0,
      seed: opts.seed,
      speed: opts.speed,
      dataDir: dir,
      failureRate: 0,
      argoController: opts.argoController,
    });
    configureCluster({ kubeconfigPath: sim.kubeconfigPath, namespace: 'gantry-jobs' });
  });
  afterAll(async () => {
    await sim?.stop();
    resetCluster();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    if (!sim) throw new Error('the simulated cluster is not running (use it inside a test)');
    return sim;
  };
}

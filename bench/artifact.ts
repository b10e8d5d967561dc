// `npm run bench artifact`: idle memory of the built artifact's `node gantry.mjs start` (copied alone
// into an empty folder, plain node) against the source checkout's `npm start` path (tsx, Next's
// server over .next/), each on a fresh data folder: resident memory (RSS) of every process of the
// tree (launcher with the simulated cluster, web server, worker, PostgreSQL): the total 5 s after
// ready (as `npm run bench startup` reads it), then by role once idle for 20 s. RSS counts shared
// pages (PostgreSQL's shared buffers, the node binary) once per process, as `ps` does; the two are
// measured the same way.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { artifactDir, artifactIsStale } from '../scripts/build';
import { SMALL_YOUNG_GENERATION } from '../scripts/lib/node-flags';
import { freePort } from '../tests/global-setup';
import { treeStats } from './proc';

const root = path.resolve(import.meta.dirname, '..');
const IDLE_MS = 20_000;
const SAMPLES = 5;

function role(pid: number): string {
  const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  if (cmd.startsWith('postgres') || cmd.includes('/bin/postgres')) return 'postgres';
  if (cmd.startsWith('gantry-web') || cmd.includes('web/server.')) return 'web';
  if (cmd.includes('worker/main.')) return 'worker';
  if (cmd.includes('gantry.mjs') || cmd.includes('scripts/gantry.ts')) return 'launcher + simulated cluster';
  return 'other';
}

function rssByRole(pid: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [p, stat] of treeStats(pid)) {
    try {
      const r = role(p);
      out[r] = (out[r] ?? 0) + stat.rssMb;
    } catch {
      // ended while we looked
    }
  }
  return out;
}

async function waitReady(url: string, exited: () => boolean): Promise<void> {
  const deadline = Date.now() + 300_000;
  while (Date.now() < deadline) {
    if (exited()) throw new Error('Gantry exited before it was ready');
    try {
      if ((await fetch(url)).status === 200) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} not ready in 300 s`);
}

async function measure(label: string, cwd: string, args: string[]): Promise<Record<string, string | number>> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gantry-bench-artifact-'));
  fs.chmodSync(dataDir, 0o755);
  const [web, pg, sim, workerMetrics] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const t0 = performance.now();
  const child = spawn(process.execPath, args, {
    cwd,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      NODE_ENV: 'production',
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: os.homedir(),
      PORT: String(web),
      GANTRY_PG_PORT: String(pg),
      GANTRY_SIM_PORT: String(sim),
      GANTRY_WORKER_METRICS_PORT: String(workerMetrics),
      GANTRY_DATA_DIR: dataDir,
      GANTRY_DEMO: '1',
      LOG_LEVEL: 'warn',
    },
  });
  try {
    await waitReady(`http://127.0.0.1:${web}/api/readyz`, () => child.exitCode !== null);
    const readySeconds = Number(((performance.now() - t0) / 1000).toFixed(1));
    // Also at 5 s after ready, what `npm run bench startup` (and the ~800 MB in docs/benchmarks.md) reads.
    await new Promise((r) => setTimeout(r, 5000));
    const at5s = Object.values(rssByRole(child.pid!)).reduce((a, b) => a + b, 0);
    await new Promise((r) => setTimeout(r, IDLE_MS - 5000));
    const samples: Record<string, number>[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      samples.push(rssByRole(child.pid!));
      await new Promise((r) => setTimeout(r, 1000));
    }
    const total = (s: Record<string, number>) => Object.values(s).reduce((a, b) => a + b, 0);
    const median = samples.sort((a, b) => total(a) - total(b))[Math.floor(SAMPLES / 2)];
    const byRole = Object.fromEntries(Object.entries(median).map(([k, v]) => [`${k} MB`, Math.round(v)]));
    return {
      run: label,
      readySeconds,
      'RSS MB at 5 s': Math.round(at5s),
      [`RSS MB idle (${IDLE_MS / 1000} s)`]: Math.round(total(median)),
      ...byRole,
    };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function benchArtifact() {
  if (artifactIsStale()) {
    const build = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'scripts/build.ts')], {
      cwd: root,
      stdio: 'inherit',
    });
    if (build.status !== 0) throw new Error('npm run build failed');
  }
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'gantry-bench-dist-'));
  // As root, PostgreSQL runs as the `postgres` user (lib/db/embedded.ts), which must reach its binaries.
  fs.chmodSync(folder, 0o755);
  try {
    const app = path.join(folder, 'app');
    fs.cpSync(artifactDir, app, { recursive: true, verbatimSymlinks: true });
    const rows = [
      await measure('artifact: node gantry.mjs start', app, [SMALL_YOUNG_GENERATION, 'gantry.mjs', 'start']),
      // What `npm start` runs, without npm's own process in front of it.
      await measure('checkout: npm start', root, [
        SMALL_YOUNG_GENERATION,
        '--import',
        'tsx',
        path.join(root, 'scripts/gantry.ts'),
        'start',
      ]),
    ];
    console.log(`Idle resident memory (${IDLE_MS / 1000} s after ready, median of ${SAMPLES} samples), all processes:`);
    console.table(rows);
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
}

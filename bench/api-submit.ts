// POST /api/jobs under load: starts a whole Gantry (`npm start` path) on spare ports with a fresh
// data folder, creates an API token for a demo researcher, then 16 clients submit validated jobs
// back to back for a fixed time. Reports submissions per second and latency percentiles.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { createDb } from '@/lib/db/client';
import { users } from '@/lib/db/schema';
import { logger } from '@/lib/log';
import { createToken } from '@/lib/server/tokens/create-token';

const root = path.resolve(import.meta.dirname, '..');
const PORT = 3198;
const PG_PORT = 54398;
const CLIENTS = 16;
const SECONDS = 15;

async function waitReady(url: string, deadline: number) {
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).status === 200) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('Gantry did not become ready');
}

export async function benchApiSubmit() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gantry-bench-api-'));
  fs.chmodSync(dataDir, 0o755);
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'scripts/gantry.ts'), 'start'], {
    cwd: root,
    stdio: 'ignore',
    env: { ...process.env, PORT: String(PORT), GANTRY_PG_PORT: String(PG_PORT), GANTRY_SIM_PORT: '6598', GANTRY_DATA_DIR: dataDir, GANTRY_DEMO: '1', LOG_LEVEL: 'warn' },
  });
  try {
    await waitReady(`http://127.0.0.1:${PORT}/api/readyz`, Date.now() + 300_000);
    const handle = createDb(`postgres://gantry:gantry@127.0.0.1:${PG_PORT}/gantry`, { max: 1 });
    const [ada] = await handle.db.select().from(users).where(eq(users.email, 'ada@gantry.local'));
    const actor = { id: ada.id, email: ada.email, name: ada.name, role: ada.role, via: 'system' as const };
    const { token } = await createToken({ ctx: { db: handle.db, actor, log: logger() }, input: { name: 'bench' } });
    await handle.close();

    const body = JSON.stringify({
      name: 'bench-job', kind: 'training', priority: 'low', gpu: { kind: 't4', count: 1 },
      expectedRuntimeSeconds: 3600, maxRuntimeSeconds: 7200,
      spec: { image: 'ghcr.io/acme/train:1.4', command: ['python', 'train.py'], args: ['--lr', '3e-4'] },
    });
    const post = () =>
      fetch(`http://127.0.0.1:${PORT}/api/jobs`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body });
    for (let i = 0; i < 50; i++) await (await post()).arrayBuffer(); // warm-up
    const latencies: number[] = [];
    let errors = 0;
    const end = performance.now() + SECONDS * 1000;
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        while (performance.now() < end) {
          const t = performance.now();
          const res = await post();
          await res.arrayBuffer();
          if (res.status === 201) latencies.push(performance.now() - t);
          else errors += 1;
        }
      }),
    );
    latencies.sort((a, b) => a - b);
    const pct = (p: number) => Number(latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))].toFixed(1));
    console.table([{ clients: CLIENTS, seconds: SECONDS, created: latencies.length, errors, perSecond: Math.round(latencies.length / SECONDS), p50Ms: pct(50), p99Ms: pct(99) }]);
  } finally {
    child.kill('SIGINT');
    await new Promise((r) => child.once('exit', r));
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

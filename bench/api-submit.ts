// POST /api/jobs under load: starts a whole Gantry (`npm start` path) on spare ports with a fresh
// data folder, creates an API token for a demo researcher, then 16 clients submit validated jobs
// back to back for a fixed time. Reports submissions per second, latency percentiles and the CPU
// milliseconds each submission cost in every process (web, worker, PostgreSQL, load generator).
import { perOperation, sampleTree } from './proc';
import { startStack } from './stack';

const CLIENTS = 16;
const SECONDS = 15;

/** Requests per second that `send` sustains from CLIENTS clients for `seconds`, counting `status` answers. */
async function load(send: () => Promise<Response>, status: number, seconds: number): Promise<number> {
  let ok = 0;
  const end = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (performance.now() < end) {
        const res = await send();
        await res.arrayBuffer();
        if (res.status === status) ok++;
      }
    }),
  );
  return Math.round(ok / seconds);
}

export async function benchApiSubmit() {
  const stack = await startStack({ web: 3198, pg: 54398, sim: 6598 });
  try {
    const token = await stack.tokenFor('ada@gantry.local');
    const body = JSON.stringify({
      name: 'bench-job', kind: 'training', priority: 'low', gpu: { kind: 't4', count: 1 },
      expectedRuntimeSeconds: 3600, maxRuntimeSeconds: 7200,
      spec: { image: 'ghcr.io/acme/train:1.4', command: ['python', 'train.py'], args: ['--lr', '3e-4'] },
    });
    const post = () =>
      fetch(`${stack.url}/api/jobs`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body });
    // Warm-up under load: the worker compiles and loads its modules in its first seconds.
    await load(post, 201, 3);
    const latencies: number[] = [];
    const failures = new Map<number, number>();
    const cpuBefore = sampleTree(stack.pid);
    const selfBefore = process.cpuUsage();
    const end = performance.now() + SECONDS * 1000;
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        while (performance.now() < end) {
          const t = performance.now();
          const res = await post();
          await res.arrayBuffer();
          if (res.status === 201) latencies.push(performance.now() - t);
          else failures.set(res.status, (failures.get(res.status) ?? 0) + 1);
        }
      }),
    );
    const cpuAfter = sampleTree(stack.pid);
    const self = process.cpuUsage(selfBefore);
    // For context on this machine at this moment: the same clients against the bare health route.
    const ceiling = await load(() => fetch(`${stack.url}/api/healthz`), 200, 5);
    latencies.sort((a, b) => a - b);
    const pct = (p: number) => Number(latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))].toFixed(1));
    const errors = [...failures.values()].reduce((a, b) => a + b, 0);
    console.table([{ clients: CLIENTS, seconds: SECONDS, created: latencies.length, errors, perSecond: Math.round(latencies.length / SECONDS), p50Ms: pct(50), p99Ms: pct(99) }]);
    console.log(`bare route ceiling (GET /api/healthz, ${CLIENTS} clients): ${ceiling} per second`);
    if (errors) console.log('failed submissions by status:', Object.fromEntries(failures));
    if (cpuBefore && cpuAfter && latencies.length) {
      console.log('CPU milliseconds per submission, by process:');
      console.table({
        ...perOperation(cpuBefore, cpuAfter, latencies.length),
        'load generator (16 clients)': Number(((self.user + self.system) / 1000 / latencies.length).toFixed(3)),
      });
    }
  } finally {
    await stack.stop();
  }
}

// POST /api/jobs under load: starts a whole Gantry (`npm start` path) on spare ports with a fresh
// data folder, creates an API token for a demo researcher, then 16 clients submit validated jobs
// back to back for a fixed time. Reports submissions per second, latency percentiles and the CPU
// milliseconds each submission cost in every process (web, worker, PostgreSQL, load generator).
import http from 'node:http';
import { perOperation, sampleTree } from './proc';
import { startStack } from './stack';

const CLIENTS = 16;
const SECONDS = 15;

// The load generator shares the 2 cores with Gantry, so it should cost as little as a wrk or
// autocannon would: node:http on kept-alive sockets costs about 0.25 ms of CPU a request here,
// fetch about 0.7 ms (which the first version of this bench took from the server it measured).
const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS });

/** One request on a kept-alive socket; resolves with the status once the body has been read. */
function request(url: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { agent, method: opts.method ?? 'GET', headers: opts.headers }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode ?? 0));
      res.once('error', reject);
    });
    req.once('error', reject);
    req.end(opts.body);
  });
}

/** Requests per second that `send` sustains from CLIENTS clients for `seconds`, counting `status` answers. */
async function load(send: () => Promise<number>, status: number, seconds: number): Promise<number> {
  let ok = 0;
  const end = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (performance.now() < end) if ((await send()) === status) ok++;
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
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) };
    const post = () => request(`${stack.url}/api/jobs`, { method: 'POST', headers, body });
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
          const status = await post();
          if (status === 201) latencies.push(performance.now() - t);
          else failures.set(status, (failures.get(status) ?? 0) + 1);
        }
      }),
    );
    const cpuAfter = sampleTree(stack.pid);
    const self = process.cpuUsage(selfBefore);
    // For context on this machine at this moment: the same clients against the bare health route.
    const ceiling = await load(() => request(`${stack.url}/api/healthz`), 200, 5);
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
    agent.destroy();
    await stack.stop();
  }
}

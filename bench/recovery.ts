// "Back to ready within 5 s of a crashed worker or web server": a whole Gantry (`npm start` path,
// bench/stack.ts), its worker and web server killed with SIGKILL in turn, and the time from the kill
// until (worker) a job submitted right after the kill is admitted by the restarted worker, and
// (web) GET /api/healthz and an authenticated GET /api/me answer 200 again. Each child is killed
// only after it has run for the restart policy's healthy minute, so every round is a first crash
// (restart delay 0.5 s); a crash loop waits longer by design (scripts/lib/restart-policy.ts).
import { DEFAULT_RESTART_POLICY } from '@/scripts/lib/restart-policy';
import { allAdmitted, answers200, childPid, submitJob, until, type Child } from '@/tests/supervision-helpers';
import { startStack, summarize, type Stack } from './stack';

const ROUNDS = Number(process.env.BENCH_RECOVERY_ROUNDS ?? 3);
// A built artifact's launcher (gantry.mjs from `npm run build`): plain node, no tsx.
const ARTIFACT = process.env.BENCH_RECOVERY_ARTIFACT;

async function restarted(stack: Stack, child: Child, old: number): Promise<number> {
  return until(`the ${child} to be restarted`, () => {
    const pid = childPid(stack, child);
    return pid !== null && pid !== old ? pid : null;
  });
}

async function killWorker(stack: Stack, token: string, round: number) {
  const old = childPid(stack, 'worker')!;
  const t0 = performance.now();
  process.kill(old, 'SIGKILL');
  const job = await submitJob(stack, token, `recovery-${round}`);
  await restarted(stack, 'worker', old);
  const restartedMs = performance.now() - t0;
  await until('the job to be admitted', () => allAdmitted(stack, [job]), 120_000, 20);
  return { restartedMs, readyMs: performance.now() - t0 };
}

async function killWeb(stack: Stack, token: string) {
  const old = childPid(stack, 'web')!;
  const t0 = performance.now();
  process.kill(old, 'SIGKILL');
  await restarted(stack, 'web', old);
  const restartedMs = performance.now() - t0;
  await until('/api/healthz', () => answers200(`${stack.url}/api/healthz`), 120_000, 20);
  const healthzMs = performance.now() - t0;
  await until('/api/me', () => answers200(`${stack.url}/api/me`, { authorization: `Bearer ${token}` }), 120_000, 20);
  return { restartedMs, readyMs: healthzMs, meMs: performance.now() - t0 };
}

export async function benchRecovery() {
  const stack = await startStack(
    { web: 3193, pg: 54393, sim: 6593 },
    { GANTRY_WORKER_METRICS_PORT: '0' },
    { launcher: ARTIFACT ? [ARTIFACT] : undefined },
  );
  console.log(`launcher: ${ARTIFACT ?? 'scripts/gantry.ts through tsx (source checkout)'}`);
  try {
    const token = await stack.tokenFor('ada@gantry.local');
    // Warm-up: every loop has run once and the web server has compiled the API routes.
    const warm = await submitJob(stack, token, 'recovery-warm');
    await until('the warm-up job to be admitted', () => allAdmitted(stack, [warm]));
    await answers200(`${stack.url}/api/me`, { authorization: `Bearer ${token}` });
    const worker: { restartedMs: number; readyMs: number }[] = [];
    const web: { restartedMs: number; readyMs: number; meMs: number }[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      if (round > 0) await new Promise((r) => setTimeout(r, DEFAULT_RESTART_POLICY.healthyAfterMs + 1_000));
      worker.push(await killWorker(stack, token, round));
      web.push(await killWeb(stack, token));
      console.log(
        `round ${round + 1}/${ROUNDS}: worker ${Math.round(worker[round].readyMs)} ms, web ${Math.round(web[round].readyMs)} ms`,
      );
    }
    const row = (what: string, ms: number[]) => ({
      case: what,
      ...summarize(ms),
      within5s: `${ms.filter((x) => x <= 5000).length}/${ms.length}`,
    });
    console.log(
      'Milliseconds from SIGKILL of a child to (restart: the launcher started a new one; ready: see each row):',
    );
    console.table([
      row(
        'worker: restarted',
        worker.map((w) => w.restartedMs),
      ),
      row(
        'worker: a job submitted after the kill admitted',
        worker.map((w) => w.readyMs),
      ),
      row(
        'web: restarted',
        web.map((w) => w.restartedMs),
      ),
      row(
        'web: GET /api/healthz 200',
        web.map((w) => w.readyMs),
      ),
      row(
        'web: GET /api/me 200 (token)',
        web.map((w) => w.meMs),
      ),
    ]);
  } finally {
    await stack.stop();
  }
}

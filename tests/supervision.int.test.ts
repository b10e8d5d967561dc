// Supervision (issue 14, point 2): a whole Gantry started as `npm start` does (bench/stack.ts), its
// worker and web server killed with SIGKILL; the launcher starts each again, and PostgreSQL (its own
// process group) never notices.
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from 'vitest';
import { startStack, type Stack } from '@/bench/stack';
import { freePort } from './global-setup';
import { allAdmitted, answers200, childPid, isAlive, postmasterPid, submitJob, until } from './supervision-helpers';

let stack: Stack;
let token: string;
let postgresPid: number;

beforeAll(async () => {
  // The worker's metrics port is off: other Gantrys on this machine may hold the default.
  stack = await startStack(
    { web: await freePort(), pg: await freePort(), sim: await freePort() },
    { GANTRY_WORKER_METRICS_PORT: '0' },
  );
  token = await stack.tokenFor('ada@gantry.local');
  postgresPid = postmasterPid(stack);
}, 600_000);

afterAll(async () => {
  await stack?.stop();
}, 120_000);

beforeEach(() => onTestFailed(() => console.error(`launcher log:\n${stack.log().slice(-6000)}`)));

describe('the launcher supervises the web server and the worker', () => {
  it(
    'restarts a worker killed in the middle of its work, which then admits jobs again',
    { timeout: 240_000 },
    async () => {
      const first = await submitJob(stack, token, 'before-the-crash');
      await until('the first job to be admitted', () => allAdmitted(stack, [first]));
      const worker = childPid(stack, 'worker')!;
      expect(isAlive(worker)).toBe(true);

      // Killed while it works through a burst of submissions.
      const burst = await Promise.all([1, 2, 3, 4].map((i) => submitJob(stack, token, `burst-${i}`)));
      process.kill(worker, 'SIGKILL');

      await until('the worker to be restarted', () => {
        const pid = childPid(stack, 'worker');
        return pid !== null && pid !== worker ? pid : null;
      });
      expect(stack.log()).toMatch(
        /worker exited unexpectedly \(signal SIGKILL\).*restarting in 0\.5s \(crash 1 in a row\)/,
      );
      const after = await submitJob(stack, token, 'after-the-crash');
      await until('the burst and a new job to be admitted by the restarted worker', () =>
        allAdmitted(stack, [...burst, after]),
      );

      // PostgreSQL untouched: the same postmaster, still serving, and the launcher never stopped it.
      expect(postmasterPid(stack)).toBe(postgresPid);
      expect(isAlive(postgresPid)).toBe(true);
      expect(stack.log()).not.toMatch(/PostgreSQL: stop|exited unexpectedly; restart Gantry/);
      expect(await answers200(`${stack.url}/api/readyz`)).toBe(true);
    },
  );

  it(
    'restarts a killed web server, which answers /api/healthz and authenticated calls again',
    { timeout: 240_000 },
    async () => {
      const web = childPid(stack, 'web')!;
      expect(await answers200(`${stack.url}/api/me`, { authorization: `Bearer ${token}` })).toBe(true);
      process.kill(web, 'SIGKILL');

      await until('the web server to be restarted', () => {
        const pid = childPid(stack, 'web');
        return pid !== null && pid !== web ? pid : null;
      });
      await until('/api/healthz to answer 200 again', () => answers200(`${stack.url}/api/healthz`));
      expect(await answers200(`${stack.url}/api/me`, { authorization: `Bearer ${token}` })).toBe(true);
      expect(stack.log()).toMatch(/web exited unexpectedly \(signal SIGKILL\)/);
      await until(
        'the launcher to see the web server ready again',
        () => /web: ready again [\d.]+s after the crash/.test(stack.log()) || null,
      );

      expect(postmasterPid(stack)).toBe(postgresPid);
      expect(isAlive(postgresPid)).toBe(true);
    },
  );
});

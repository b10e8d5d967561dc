// Keeps one of the launcher's child processes (the web server, the worker) running: a child that
// dies is started again after scripts/lib/restart-policy.ts's delay, and every exit and restart is
// logged with its exit code or signal. Only the child is restarted: PostgreSQL and the simulated
// cluster are not touched by a child's death.
//
// A child that exits before its first start was ready is not restarted: that is a broken build or
// configuration, and the launcher reports it and stops, as it always did.
import type { ChildProcess } from 'node:child_process';
import { DEFAULT_RESTART_POLICY, planRestart, type RestartPolicy } from './restart-policy';

export interface ChildSpec {
  name: string;
  /** Starts one instance (detached: signals reach it only from the supervisor). */
  spawn(): ChildProcess;
  /** Resolves once an instance serves; rejects when it cannot. Without it, started is ready. */
  ready?(child: ChildProcess): Promise<void>;
  /** How long stop() waits after SIGTERM before SIGKILL. */
  stopTimeoutMs: number;
}

export interface Supervised {
  /** The running instance's pid, if one runs. */
  pid(): number | undefined;
  /** Starts the first instance; rejects when it exits (or its readiness fails) before it is ready. */
  start(): Promise<void>;
  /** No more restarts; SIGTERM, SIGKILL after stopTimeoutMs; resolves once it has exited. */
  stop(): Promise<void>;
  /** No more restarts; SIGKILL now (a forced stop, or the launcher itself exiting). */
  kill(): void;
}

export interface SuperviseDeps {
  log(message: string): void;
  /** Crash loops: what an operator must see. */
  warn(message: string): void;
  policy?: RestartPolicy;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;
const isRunning = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;

export function supervise(spec: ChildSpec, deps: SuperviseDeps): Supervised {
  const policy = deps.policy ?? DEFAULT_RESTART_POLICY;
  let current: { child: ChildProcess; exited: Promise<void> } | undefined;
  let stopping = false;
  let servedOnce = false;
  let crashes = 0;
  let pending: NodeJS.Timeout | undefined;

  function run(): { child: ChildProcess; exited: Promise<void> } {
    const child = spec.spawn();
    const startedAt = Date.now();
    const exited = new Promise<void>((resolve) =>
      child.once('exit', (code, signal) => {
        resolve();
        if (!stopping && servedOnce) restartAfterCrash(code, signal, Date.now() - startedAt);
      }),
    );
    current = { child, exited };
    return current;
  }

  function restartAfterCrash(code: number | null, signal: NodeJS.Signals | null, uptimeMs: number) {
    const crashedAt = Date.now();
    const plan = planRestart(crashes, uptimeMs, policy);
    crashes = plan.crashes;
    const what = `${spec.name} exited unexpectedly (${signal ? `signal ${signal}` : `exit code ${code}`}) after ${seconds(uptimeMs)}`;
    const next = `restarting in ${seconds(plan.delayMs)} (crash ${plan.crashes} in a row)`;
    if (plan.crashLoop)
      deps.warn(
        `${what}; CRASH LOOP: ${next}, and every ${seconds(policy.maxDelayMs)} until it stays up; see its log above`,
      );
    else deps.log(`${what}; ${next}`);
    pending = setTimeout(() => {
      pending = undefined;
      if (stopping) return;
      const { child } = run();
      deps.log(`${spec.name}: restarted (pid ${child.pid})`);
      spec.ready?.(child).then(
        () => deps.log(`${spec.name}: ready again ${seconds(Date.now() - crashedAt)} after the crash`),
        // Its exit (restarted above) or a readiness timeout: the exit handler has it covered.
        (error: unknown) =>
          isRunning(child) && deps.warn(`${spec.name}: not ready after the restart: ${String(error)}`),
      );
    }, plan.delayMs);
  }

  return {
    pid: () => (current && isRunning(current.child) ? current.child.pid : undefined),

    async start() {
      const { child, exited } = run();
      deps.log(`${spec.name}: started (pid ${child.pid})`);
      const died = exited.then(() => {
        throw new Error(
          `${spec.name} exited (${child.signalCode ? `signal ${child.signalCode}` : `exit code ${child.exitCode}`}) before it was ready`,
        );
      });
      await Promise.race([spec.ready?.(child) ?? Promise.resolve(), died]);
      died.catch(() => {});
      servedOnce = true;
    },

    async stop() {
      stopping = true;
      clearTimeout(pending);
      if (!current) return;
      const { child, exited } = current;
      if (isRunning(child)) child.kill('SIGTERM');
      const kill = setTimeout(() => isRunning(child) && child.kill('SIGKILL'), spec.stopTimeoutMs);
      await exited;
      clearTimeout(kill);
    },

    kill() {
      stopping = true;
      clearTimeout(pending);
      if (current && isRunning(current.child)) current.child.kill('SIGKILL');
    },
  };
}

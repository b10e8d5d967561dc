// supervise() with real child processes (small node scripts): restarts after a crash with the
// policy's delay, logs code or signal, stops with SIGTERM then SIGKILL, and reports a child that
// never became ready instead of restarting it.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { until } from '@/tests/supervision-helpers';
import type { RestartPolicy } from './restart-policy';
import { supervise } from './supervise';

const fast: RestartPolicy = { initialDelayMs: 10, maxDelayMs: 40, healthyAfterMs: 60_000, crashLoopAfter: 3 };

function rig(script: string, opts: { ready?: boolean; stopTimeoutMs?: number } = {}) {
  const lines: string[] = [];
  const warnings: string[] = [];
  const child = supervise(
    {
      name: 'child',
      spawn: () => spawn(process.execPath, ['-e', script], { stdio: 'ignore', detached: true }),
      ready: opts.ready === false ? () => new Promise(() => {}) : undefined,
      stopTimeoutMs: opts.stopTimeoutMs ?? 5_000,
    },
    { log: (m) => lines.push(m), warn: (m) => warnings.push(m), policy: fast },
  );
  return { child, lines, warnings };
}

const forever = 'setInterval(() => {}, 1000)';

describe('supervise', () => {
  it('starts a killed child again and logs the signal', async () => {
    const { child, lines } = rig(forever);
    await child.start();
    const first = child.pid()!;
    process.kill(first, 'SIGKILL');
    const second = await until(
      'a restart',
      () => (child.pid() !== undefined && child.pid() !== first ? child.pid() : null),
      30_000,
    );
    expect(lines).toContain(`child: started (pid ${first})`);
    expect(
      lines.some((l) =>
        /^child exited unexpectedly \(signal SIGKILL\) after [\d.]+s; restarting in 0\.0s \(crash 1 in a row\)$/.test(
          l,
        ),
      ),
    ).toBe(true);
    expect(lines).toContain(`child: restarted (pid ${second})`);
    await child.stop();
  });

  it('keeps restarting a child that exits at once, calling it a crash loop, and stops when asked', async () => {
    const { child, warnings, lines } = rig('setTimeout(() => process.exit(3), 20)');
    await child.start();
    await until('a crash loop warning', () => warnings.find((w) => w.includes('CRASH LOOP')), 30_000);
    expect(lines.some((l) => l.includes('(exit code 3)'))).toBe(true);
    expect(warnings[0]).toMatch(/exit code 3.*crash 3 in a row/);
    await child.stop();
    const stoppedAt = lines.length;
    // Stopped means no more restarts: no process, and nothing new logged by the pending timer.
    expect(child.pid()).toBeUndefined();
    await new Promise((r) => setTimeout(r, 3 * fast.maxDelayMs));
    expect(lines.length).toBe(stoppedAt);
  });

  it('stops a child that ignores SIGTERM with SIGKILL after the timeout', async () => {
    const { child } = rig(`process.on('SIGTERM', () => {}); ${forever}`, { stopTimeoutMs: 300 });
    await child.start();
    const pid = child.pid()!;
    await child.stop();
    expect(() => process.kill(pid, 0)).toThrow();
  });

  it('rejects the first start of a child that exits before it is ready, and does not restart it', async () => {
    const { child, lines } = rig('process.exit(2)', { ready: false });
    await expect(child.start()).rejects.toThrow('child exited (exit code 2) before it was ready');
    expect(lines.filter((l) => l.includes('restart'))).toEqual([]);
  });
});

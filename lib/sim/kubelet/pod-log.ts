// The kubelet's container logs for a simulated pod: generated per line from the step's plan (never
// stored), so a restored pod serves the same log it would have served before the restart.
import { logLine, logLineCount } from '../argo/model';
import type { PodRun } from '../pod-runs';
import { timestamp } from '../time';

export type PodLog =
  | { ok: true; lines: Array<{ at: number; text: string }>; done: boolean }
  | { ok: false; code: 400 | 404; message: string };

/** Lines of a container's log available at `now`; `done` once no more will come. */
export function readPodLog(
  pr: PodRun | undefined,
  name: string,
  container: string | undefined,
  at: { now: number; speed: number; seed: number },
): PodLog {
  if (!pr) return { ok: false, code: 404, message: `pods "${name}" not found` };
  const c = container ?? 'main';
  if (c !== 'main' && c !== 'wait')
    return { ok: false, code: 400, message: `container ${c} is not valid for pod ${name}` };
  if (pr.startedAt === undefined) {
    return {
      ok: false,
      code: 400,
      message: `container "${c}" in pod "${name}" is waiting to start: ${pr.node ? 'ContainerCreating' : 'PodInitializing'}`,
    };
  }
  const end = pr.finishedAt ?? Infinity;
  if (c === 'wait') {
    const lines = [
      {
        at: pr.startedAt,
        text: `time="${timestamp(pr.startedAt)}" level=info msg="Starting Workflow Executor" version=v3.6.4`,
      },
      { at: pr.startedAt, text: `time="${timestamp(pr.startedAt)}" level=info msg="Starting deadline monitor"` },
    ];
    if (pr.finishedAt !== undefined)
      lines.push({
        at: pr.finishedAt,
        text: `time="${timestamp(pr.finishedAt)}" level=info msg="Main container completed" error="<nil>"`,
      });
    return { ok: true, lines, done: pr.finishedAt !== undefined };
  }
  const n = logLineCount(pr.plan);
  const durMs = (pr.plan.seconds * 1000) / at.speed;
  const lines: Array<{ at: number; text: string }> = [];
  const killed = pr.killed !== undefined && pr.finishedAt !== undefined;
  for (let i = 0; i < n; i++) {
    const lineAt = pr.plan.kind === 'echo' ? pr.startedAt : pr.startedAt + (durMs * (i + 1)) / (n + 1);
    const isTail = i >= n - (pr.plan.exitCode ? 3 : 1);
    const due = isTail ? end : Math.min(lineAt, end);
    if (killed && (isTail || lineAt > end)) break;
    if (due > at.now) break;
    lines.push({ at: due, text: logLine(pr.plan, i, pr.key, at.seed) });
  }
  return { ok: true, lines, done: pr.finishedAt !== undefined };
}

// Argo's pod garbage collection (spec.podGC): the pods of a workflow are deleted when they end
// (OnPodCompletion, OnPodSuccess) or when the workflow does (OnWorkflowCompletion, OnWorkflowSuccess),
// at once or after deleteDelayDuration, as its pod GC queue does.
import type { TimerHeap } from '../clock';
import type { PodRun, PodRuns } from '../pod-runs';
import { FINISHED, type WfRun } from './workflow-run';

/** spec.podGC: strategy and deleteDelayDuration (a Go duration such as `30s`, `2m`, `1h30m`) in ms. */
function podGcOf(spec: Record<string, unknown>): { strategy?: string; delayMs: number } {
  const gc = spec.podGC as { strategy?: string; deleteDelayDuration?: string } | undefined;
  return { strategy: gc?.strategy, delayMs: parseGoDuration(gc?.deleteDelayDuration) };
}

function parseGoDuration(d: string | undefined): number {
  if (!d) return 0;
  let ms = 0;
  const unit: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  for (const m of d.trim().matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) ms += Number(m[1]) * unit[m[2]];
  return ms;
}

const byPod = (strategy: string | undefined, pr: PodRun) =>
  strategy === 'OnPodCompletion' || (strategy === 'OnPodSuccess' && pr.phase === 'Succeeded');
const byWorkflow = (strategy: string | undefined, wfPhase: string) =>
  (strategy === 'OnWorkflowCompletion' && FINISHED.includes(wfPhase)) ||
  (strategy === 'OnWorkflowSuccess' && wfPhase === 'Succeeded');

export class PodGc {
  constructor(
    private readonly pods: PodRuns,
    private readonly timers: TimerHeap,
    private readonly now: () => number,
  ) {}

  /** A pod of the workflow ended. */
  podDone(run: WfRun, pr: PodRun): void {
    if (byPod(podGcOf(run.wf.spec).strategy, pr)) this.collect(run, pr);
  }

  /** The workflow ended: its pods go under the OnWorkflow* strategies. */
  workflowDone(run: WfRun): void {
    if (!byWorkflow(podGcOf(run.wf.spec).strategy, String(run.wf.status.phase))) return;
    for (const pr of this.pods.of(run.key)) this.collect(run, pr);
  }

  /**
   * At once, or after podGC.deleteDelayDuration. The delay is wall-clock, not divided by the speed:
   * it exists for observers (Gantry's log capture) that run in real time. A pod re-created meanwhile
   * (a retried step) is not the one queued, so it stays.
   */
  private collect(run: WfRun, pr: PodRun): void {
    const delayMs = podGcOf(run.wf.spec).delayMs;
    if (delayMs <= 0) return this.pods.delete(pr);
    this.deleteAt(pr, this.now() + delayMs);
  }

  /** Pod GC still due for a finished pod restored from a snapshot (its timer did not survive). */
  restored(run: WfRun, pr: PodRun): void {
    const { strategy, delayMs } = podGcOf(run.wf.spec);
    const wfPhase = String(run.wf.status.phase ?? '');
    const workflowGc = byWorkflow(strategy, wfPhase);
    if (!byPod(strategy, pr) && !workflowGc) return;
    const from = Math.max(pr.finishedAt ?? 0, workflowGc ? Date.parse(String(run.wf.status.finishedAt)) || 0 : 0);
    this.deleteAt(pr, Math.max(this.now(), from + delayMs));
  }

  private deleteAt(pr: PodRun, at: number): void {
    this.timers.at(at, () => {
      if (this.pods.get(pr.key) === pr) this.pods.delete(pr);
    });
  }
}

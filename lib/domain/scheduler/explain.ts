// dryRun: "will it fit?" Runs the same pass with the candidate job added, so the answer can never
// disagree with what the scheduler would actually do.
import { decideAdmissions } from './admit';
import type { WaitReason } from './decisions';
import { formatGpus, formatInstant } from './gpu-kind';
import type { NodePlacement, QueuedJob, SchedulerOptions, Snapshot } from './schema';

export interface FitExplanation {
  /** Can ever run under the team's quota and the cluster's shape. */
  fits: boolean;
  startsNow: boolean;
  reason: WaitReason | null;
  message: string;
  /** Where it would run now, or the nodes reserved for it when it is at the head of the line. */
  placements: NodePlacement[] | null;
  eta: number | null;
  teamPosition: number | null;
  overallPosition: number | null;
  /** Running jobs that would be asked to stop to make room (within the team's guarantee). */
  wouldPreempt: string[];
}

export function explainFit(
  snapshot: Snapshot,
  job: QueuedJob,
  options: Partial<SchedulerOptions> = {},
): FitExplanation {
  const queued = snapshot.queued.filter((j) => j.id !== job.id);
  const decisions = decideAdmissions({ ...snapshot, queued: [...queued, job] }, options);
  const wouldPreempt = decisions.filter((d) => d.type === 'preempt' && d.forJobId === job.id).map((d) => d.jobId);
  const mine = decisions.find((d) => d.type !== 'preempt' && d.jobId === job.id);
  if (!mine || mine.type === 'preempt') throw new Error(`explainFit: no decision for job ${job.id}`);
  if (mine.type === 'admit') {
    const where = mine.placements.map((p) => `${p.node} (${p.count})`).join(', ');
    return {
      fits: true,
      startsNow: true,
      reason: null,
      message: `It would start now on ${where}, using ${formatGpus(job.gpu.count, job.gpu.kind)}${mine.borrowed ? `, ${mine.borrowed} of them borrowed and preemptible` : ''}.`,
      placements: mine.placements,
      eta: snapshot.now,
      teamPosition: null,
      overallPosition: null,
      wouldPreempt,
    };
  }
  const fits = mine.reason !== 'NEVER_FITS';
  const when = mine.eta !== null && fits ? ` Estimated start ${formatInstant(mine.eta)}.` : '';
  return {
    fits,
    startsNow: false,
    reason: mine.reason,
    message: mine.message + (mine.message.includes('Expected to start') ? '' : when),
    placements: mine.reservation?.placements ?? null,
    eta: mine.eta,
    teamPosition: mine.teamPosition,
    overallPosition: mine.overallPosition,
    wouldPreempt,
  };
}

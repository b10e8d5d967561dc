// One admission pass: snapshot, decideAdmissions, and every decision applied in one transaction.
// A transaction-level advisory lock serialises passes, so two schedulers (or a retry racing the
// last pass) never admit the same job twice or count the same free GPUs twice; every write is
// also guarded by the state it expects.
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import { jobEvents, jobs } from '@/lib/db/schema';
import {
  decideAdmissions,
  GpuNode,
  type AdmitDecision,
  type PreemptDecision,
  type WaitDecision,
} from '@/lib/domain/scheduler';
import { gpuTotals, type GpuTotals } from '@/lib/domain/scheduler/gpu-totals';
import { inTransaction, type Ctx } from '../context';
import { parseInput } from '../validate';
import { HOLDING_STATES, loadSnapshot } from './load-snapshot';

const AdmitJobsInput = z.object({
  nodes: z.array(GpuNode),
  /** The pass's clock (epoch ms); tests pin it. */
  now: z.number().int().nonnegative().optional(),
  /**
   * Compute sentences, positions and ETAs for waiting jobs (a forward simulation: the costly part
   * with a long queue). Without it the pass only admits and preempts; waiting rows keep what the
   * last explained pass stored. Queues up to SMALL_QUEUE jobs are always explained.
   */
  explain: z.boolean().default(true),
});
type AdmitJobsInput = z.infer<typeof AdmitJobsInput>;

export interface AdmitJobsResult {
  admitted: string[];
  waiting: number;
  preempted: string[];
  /** What the pass did, by team and GPU kind, for Gantry's metrics (lib/metrics/scheduler.ts). */
  admissions: Array<{ team: string; gpuKind: string; waitedMs: number }>;
  preemptions: Array<{ team: string; gpuKind: string }>;
  /** GPUs per kind as this pass leaves them (its admissions counted as allocated). */
  gpus: GpuTotals[];
}

const SCHEDULER_LOCK = 7242003;
const SMALL_QUEUE = 1_000;
// A waiting job's ETA is rewritten only when it moved by more than this, so a 10,000-job queue does
// not rewrite every row every second.
const ETA_SLACK_MS = 60_000;

export async function admitJobs({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<AdmitJobsResult> {
  const { nodes, now = Date.now(), explain } = parseInput(AdmitJobsInput, input);
  return inTransaction(ctx, async (tx) => {
    await tx.db.execute(sql`select pg_advisory_xact_lock(${SCHEDULER_LOCK})`);
    const snapshot = await loadSnapshot(tx, nodes, now);
    const explained = explain || snapshot.queued.length <= SMALL_QUEUE;
    const decisions = decideAdmissions(snapshot, { explain: explained });
    const admits = decisions.filter((d): d is AdmitDecision => d.type === 'admit');
    const waits = decisions.filter((d): d is WaitDecision => d.type === 'wait');
    const preempts = decisions.filter((d): d is PreemptDecision => d.type === 'preempt');
    const at = new Date(now);

    const admitted: string[] = [];
    const admissions: AdmitJobsResult['admissions'] = [];
    const queuedAt = new Map(snapshot.queued.map((q) => [q.id, q.queuedAt ?? q.submittedAt]));
    for (const d of admits) {
      const where = d.placements.map((p) => `${p.node} (${p.count})`).join(', ');
      const message = `Admitted on ${where}${d.borrowed ? `; ${d.borrowed} GPUs borrowed beyond the team's guarantee and preemptible` : ''}${d.backfill ? ' (backfilled)' : ''}.`;
      const [row] = await tx.db
        .update(jobs)
        .set({
          state: 'admitted',
          placements: d.placements,
          borrowed: d.borrowed,
          admittedAt: at,
          reason: null,
          message,
          teamPosition: null,
          overallPosition: null,
          eta: null,
          attempts: sql`${jobs.attempts} + 1`,
          updatedAt: at,
        })
        .where(and(eq(jobs.id, Number(d.jobId)), eq(jobs.state, 'queued')))
        .returning({ id: jobs.id });
      if (!row) continue;
      admitted.push(d.jobId);
      admissions.push({
        team: d.team,
        gpuKind: d.gpuKind,
        waitedMs: Math.max(0, now - (queuedAt.get(d.jobId) ?? now)),
      });
      await tx.db.insert(jobEvents).values({
        jobId: row.id,
        at,
        fromState: 'queued',
        toState: 'admitted',
        cause: d.backfill ? 'BACKFILLED' : 'ADMITTED',
        message,
        details: { placements: d.placements, borrowed: d.borrowed },
      });
    }

    if (explained) await applyWaits(tx, waits, at);

    const preempted: string[] = [];
    const preemptions: AdmitJobsResult['preemptions'] = [];
    for (const d of preempts) {
      const [row] = await tx.db
        .update(jobs)
        .set({
          preemptDeadline: new Date(d.graceDeadline),
          preemptedFor: Number(d.forJobId),
          message: d.message,
          updatedAt: at,
        })
        .where(
          and(eq(jobs.id, Number(d.jobId)), inArray(jobs.state, [...HOLDING_STATES]), isNull(jobs.preemptDeadline)),
        )
        .returning({ id: jobs.id, state: jobs.state });
      if (!row) continue;
      preempted.push(d.jobId);
      preemptions.push({ team: d.team, gpuKind: d.gpuKind });
      await tx.db.insert(jobEvents).values({
        jobId: row.id,
        at,
        fromState: row.state,
        toState: row.state,
        cause: 'PREEMPTION_REQUESTED',
        message: d.message,
        details: { forJobId: d.forJobId, forTeam: d.forTeam, graceDeadline: new Date(d.graceDeadline).toISOString() },
      });
    }
    const done = new Set(admitted);
    const applied = admits.filter((d) => done.has(d.jobId));
    return { admitted, waiting: waits.length, preempted, admissions, preemptions, gpus: gpuTotals(snapshot, applied) };
  });
}

/** Stores reason, sentence, positions and ETA; an event only when the reason changed. */
async function applyWaits(ctx: Ctx, waits: WaitDecision[], at: Date): Promise<void> {
  if (waits.length === 0) return;
  const current = await ctx.db
    .select({
      id: jobs.id,
      reason: jobs.reason,
      message: jobs.message,
      teamPosition: jobs.teamPosition,
      overallPosition: jobs.overallPosition,
      eta: jobs.eta,
    })
    .from(jobs)
    .where(eq(jobs.state, 'queued'));
  const byId = new Map(current.map((r) => [r.id, r]));
  const changed: Array<{
    id: number;
    reason: string;
    message: string;
    team_position: number;
    overall_position: number;
    eta: string | null;
  }> = [];
  const events: Array<typeof jobEvents.$inferInsert> = [];
  for (const w of waits) {
    const id = Number(w.jobId);
    const row = byId.get(id);
    if (!row) continue;
    const etaMoved =
      (row.eta === null) !== (w.eta === null) ||
      (row.eta !== null && w.eta !== null && Math.abs(row.eta.getTime() - w.eta) > ETA_SLACK_MS);
    const reasonChanged = row.reason !== w.reason;
    if (
      reasonChanged ||
      etaMoved ||
      row.teamPosition !== w.teamPosition ||
      row.overallPosition !== w.overallPosition ||
      (row.message !== w.message && reasonChanged)
    ) {
      changed.push({
        id,
        reason: w.reason,
        message: w.message,
        team_position: w.teamPosition,
        overall_position: w.overallPosition,
        eta: w.eta === null ? null : new Date(w.eta).toISOString(),
      });
    }
    if (reasonChanged)
      events.push({ jobId: id, at, fromState: 'queued', toState: 'queued', cause: w.reason, message: w.message });
  }
  for (let i = 0; i < changed.length; i += 2000) {
    const chunk = JSON.stringify(changed.slice(i, i + 2000));
    await ctx.db.execute(sql`
      update jobs set reason = v.reason, message = v.message, team_position = v.team_position,
        overall_position = v.overall_position, eta = v.eta, updated_at = ${at.toISOString()}::timestamptz
      from jsonb_to_recordset(${chunk}::jsonb) as v(id bigint, reason text, message text, team_position int, overall_position int, eta timestamptz)
      where jobs.id = v.id and jobs.state = 'queued'`);
  }
  for (let i = 0; i < events.length; i += 2000) await ctx.db.insert(jobEvents).values(events.slice(i, i + 2000));
}

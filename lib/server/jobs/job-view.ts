// The API shape of a job: explicit fields, never the raw row.
import { eq, inArray } from 'drizzle-orm';
import { jobs, teams, users } from '@/lib/db/schema';
import type { Ctx } from '../context';

export type JobState = (typeof jobs.$inferSelect)['state'];
export const FINAL_STATES: JobState[] = ['succeeded', 'failed', 'cancelled'];

export interface JobView {
  id: string;
  name: string;
  kind: string;
  team: string;
  user: { id: string; email: string; name: string };
  priority: string;
  gpu: { kind: string; count: number };
  singleNode: boolean;
  expectedRuntimeSeconds: number;
  maxRuntimeSeconds: number;
  state: JobState;
  reason: string | null;
  message: string | null;
  /** 1-based among all waiting jobs (null unless queued and seen by the scheduler). */
  position: number | null;
  teamPosition: number | null;
  eta: string | null;
  placements: Array<{ node: string; count: number }> | null;
  borrowed: number;
  workflowName: string | null;
  attempts: number;
  preemptDeadline: string | null;
  submittedAt: string;
  queuedAt: string;
  admittedAt: string | null;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface JobDetailView extends JobView {
  /** Only for the owner, the team and admins: env values may be private. */
  spec: Record<string, unknown> | null;
  events: JobEventView[];
  canCancel: boolean;
}

export interface JobEventView {
  id: string;
  at: string;
  fromState: JobState | null;
  toState: JobState | null;
  cause: string;
  message: string;
  actor: string | null;
}

const jobColumns = {
  row: jobs,
  teamSlug: teams.slug,
  userEmail: users.email,
  userName: users.name,
};

type JobRow = { row: typeof jobs.$inferSelect; teamSlug: string; userEmail: string; userName: string };

export function toJobView({ row, teamSlug, userEmail, userName }: JobRow): JobView {
  const iso = (d: Date | null) => d?.toISOString() ?? null;
  return {
    id: String(row.id),
    name: row.name,
    kind: row.kind,
    team: teamSlug,
    user: { id: row.userId, email: userEmail, name: userName },
    priority: row.priority,
    gpu: { kind: row.gpuKind, count: row.gpuCount },
    singleNode: row.singleNode,
    expectedRuntimeSeconds: row.expectedRuntimeSeconds,
    maxRuntimeSeconds: row.maxRuntimeSeconds,
    state: row.state,
    reason: row.reason,
    message: row.message,
    position: row.state === 'queued' ? row.overallPosition : null,
    teamPosition: row.state === 'queued' ? row.teamPosition : null,
    eta: row.state === 'queued' ? iso(row.eta) : null,
    placements: row.placements ?? null,
    borrowed: row.borrowed,
    workflowName: row.workflowName,
    attempts: row.attempts,
    preemptDeadline: iso(row.preemptDeadline),
    submittedAt: row.submittedAt.toISOString(),
    queuedAt: row.queuedAt.toISOString(),
    admittedAt: iso(row.admittedAt),
    startedAt: iso(row.startedAt),
    finishedAt: iso(row.finishedAt),
  };
}

export async function loadJobViews(ctx: Ctx, ids: number[]): Promise<JobView[]> {
  if (ids.length === 0) return [];
  const rows = await ctx.db
    .select(jobColumns)
    .from(jobs)
    .innerJoin(teams, eq(teams.id, jobs.teamId))
    .innerJoin(users, eq(users.id, jobs.userId))
    .where(inArray(jobs.id, ids));
  const byId = new Map(rows.map((r) => [r.row.id, toJobView(r)]));
  return ids.map((id) => byId.get(id)).filter((v): v is JobView => Boolean(v));
}

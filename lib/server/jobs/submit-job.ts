import { explainFit, type FitExplanation, type GpuNode } from '@/lib/domain/scheduler';
import { sql } from 'drizzle-orm';
import { perDatabaseBatcher } from '@/lib/db/batcher';
import { fromDriverRow } from '@/lib/db/driver-row';
import { executePrepared } from '@/lib/db/prepared';
import { jobEvents, jobs, memberships, teams } from '@/lib/db/schema';
import { requireRole, type Ctx } from '../context';
import { AppError, invalid } from '../errors';
import { loadSnapshot } from '../scheduler/load-snapshot';
import { readClusterGpus, readGpuKindIds } from '../scheduler/read-cluster-gpus';
import { parseInput } from '../validate';
import { defaultSingleNode, SubmitJobInput } from './job-input';
import { resolveSubmitTeam } from './job-teams';
import { toJobView, type JobView } from './job-view';

export interface SubmitDeps {
  /** GPU kind ids the cluster has; null when the cluster cannot be asked (the kind is then checked by the scheduler). */
  gpuKinds(): Promise<string[] | null>;
  gpuNodes(): Promise<GpuNode[]>;
}

// GPU kinds change when nodes join or leave, not per request: asking the cluster once per 10 s keeps
// a burst of submissions from turning into a burst of node listings.
const KIND_TTL_MS = 10_000;
let kindCache: { at: number; kinds: Promise<string[] | null> } | undefined;

function cachedGpuKinds(): Promise<string[] | null> {
  if (!kindCache || Date.now() - kindCache.at > KIND_TTL_MS) {
    const kinds = readGpuKindIds().catch(() => null);
    kindCache = { at: Date.now(), kinds };
    // A failed read is not cached: the next submission asks again.
    void kinds.then((k) => {
      if (k === null && kindCache?.kinds === kinds) kindCache = undefined;
    });
  }
  return kindCache.kinds;
}

export const clusterSubmitDeps: SubmitDeps = {
  gpuKinds: cachedGpuKinds,
  gpuNodes: async () => (await readClusterGpus()).nodes,
};

export interface DryRunView extends Omit<FitExplanation, 'eta' | 'overallPosition'> {
  dryRun: true;
  team: string;
  gpu: { kind: string; count: number };
  eta: string | null;
  position: number | null;
}

/**
 * Validates and queues a job (state queued, one SUBMITTED event). With dryRun nothing is stored:
 * the answer is what the scheduler would decide if the job were queued now.
 */
export async function submitJob(
  { ctx, input, dryRun = false }: { ctx: Ctx; input: unknown; dryRun?: boolean },
  deps: SubmitDeps = clusterSubmitDeps,
): Promise<JobView | DryRunView> {
  requireRole(ctx, 'researcher');
  const data = parseInput(SubmitJobInput, input);
  const kinds = await deps.gpuKinds();
  if (kinds && !kinds.includes(data.gpu.kind)) {
    throw invalid('The request has invalid fields', [
      { field: 'gpu.kind', message: `The cluster has no GPU kind ${data.gpu.kind}; it has ${kinds.join(', ')}` },
    ]);
  }
  const singleNode = data.singleNode ?? defaultSingleNode(data.kind);
  if (dryRun) return explainSubmission(ctx, data, (await resolveSubmitTeam(ctx, data.team)).slug, singleNode, deps);

  const row = await insertQueuedJob(ctx, data, singleNode);
  if (row) return row;
  // No team matched: resolveSubmitTeam names why (not a member, no such team, in no team). If the
  // membership appeared in the meantime it returns one, and the insert is tried once more.
  await resolveSubmitTeam(ctx, data.team);
  const retried = await insertQueuedJob(ctx, data, singleNode);
  if (!retried) throw new AppError('CONFLICT', 'Your team membership changed while submitting; try again');
  return retried;
}

async function insertQueuedJob(ctx: Ctx, data: SubmitJobInput, singleNode: boolean): Promise<JobView | null> {
  const { actor } = ctx;
  return insertBatched(ctx.db, {
    user_id: actor.id,
    user_email: actor.email,
    user_name: actor.name,
    actor_id: actor.via === 'system' ? null : actor.id,
    team: data.team ?? null,
    // Admins may submit for any team they name; everyone else for their own teams only.
    any_team: Boolean(data.team) && actor.role === 'admin',
    name: data.name,
    kind: data.kind,
    priority: data.priority,
    gpu_kind: data.gpu.kind,
    gpu_count: data.gpu.count,
    single_node: singleNode,
    expected_runtime_seconds: data.expectedRuntimeSeconds,
    max_runtime_seconds: data.maxRuntimeSeconds,
    spec: data.spec as Record<string, unknown>,
    event_message: `Submitted by ${actor.email} for team `,
  });
}

interface PendingJob {
  user_id: string;
  user_email: string;
  user_name: string;
  actor_id: string | null;
  team: string | null;
  any_team: boolean;
  name: string;
  kind: string;
  priority: string;
  gpu_kind: string;
  gpu_count: number;
  single_node: boolean;
  expected_runtime_seconds: number;
  max_runtime_seconds: number;
  spec: Record<string, unknown>;
  event_message: string;
}

const QUEUED_MESSAGE = 'Waiting for the scheduler to look at it.';

/**
 * Job rows, their SUBMITTED events and the team checks in one statement for all submissions that
 * arrive together. Submitting is the busiest write path (scripts send thousands), and one statement
 * per batch instead of six round trips per job (team lookup, BEGIN, two inserts, re-read, COMMIT)
 * is what lets one web process take about a thousand a second. A statement is atomic, so a failure
 * stores nothing. Answers null for a job whose team did not match.
 */
const insertBatched = perDatabaseBatcher<PendingJob, JobView | null>(async (db, pending) => {
  const input = pending.map((p, ord) => ({ ...p, ord }));
  const rows = await executePrepared<Record<string, unknown> & { ord: number; team_slug: string }>(db, sql`
    with input as (
      select * from jsonb_to_recordset(${JSON.stringify(input)}::jsonb) as x(ord int, user_id uuid, actor_id uuid, team text,
        any_team boolean, name text, kind text, priority text, gpu_kind text, gpu_count int, single_node boolean,
        expected_runtime_seconds int, max_runtime_seconds int, spec jsonb, event_message text)
    ),
    placed as (
      select input.*, t.id as team_id, t.slug as team_slug, nextval(pg_get_serial_sequence('jobs', 'id')) as id
      from input cross join lateral (
        select ${teams.id} as id, ${teams.slug} as slug from ${teams}
        where case when input.any_team then ${teams.slug} = input.team
          else (input.team is null or ${teams.slug} = input.team) and exists (
            select 1 from ${memberships} where ${memberships.userId} = input.user_id and ${memberships.teamId} = ${teams.id})
          end
        order by ${teams.slug} limit 1
      ) t
    ),
    job as (
      insert into ${jobs} (id, name, kind, team_id, user_id, priority, gpu_kind, gpu_count, single_node,
        expected_runtime_seconds, max_runtime_seconds, spec, state, message)
      select id, name, kind, team_id, user_id, priority, gpu_kind, gpu_count, single_node,
        expected_runtime_seconds, max_runtime_seconds, spec, 'queued', ${QUEUED_MESSAGE}
      from placed
      returning *
    ),
    event as (
      insert into ${jobEvents} (job_id, to_state, cause, message, actor_id)
      select job.id, 'queued', 'SUBMITTED', placed.event_message || placed.team_slug || '.', placed.actor_id
      from job join placed using (id)
    )
    select placed.ord, placed.team_slug, job.* from job join placed using (id)`);
  const byOrd = new Map(rows.map((r) => [Number(r.ord), r]));
  return input.map((p) => {
    const r = byOrd.get(p.ord);
    return r ? toJobView({ row: fromDriverRow(jobs, r), teamSlug: r.team_slug, userEmail: p.user_email, userName: p.user_name }) : null;
  });
});

async function explainSubmission(ctx: Ctx, data: SubmitJobInput, team: string, singleNode: boolean, deps: SubmitDeps): Promise<DryRunView> {
  let nodes: GpuNode[];
  try {
    nodes = await deps.gpuNodes();
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError('UNAVAILABLE', 'The cluster API did not answer', [], { cause: error });
  }
  const now = Date.now();
  const snapshot = await loadSnapshot(ctx, nodes, now);
  const fit = explainFit(snapshot, {
    id: 'dry-run',
    team,
    user: ctx.actor.id,
    priority: data.priority,
    gpu: data.gpu,
    singleNode,
    expectedRuntimeSeconds: data.expectedRuntimeSeconds,
    maxRuntimeSeconds: data.maxRuntimeSeconds,
    submittedAt: now,
  });
  const { eta, overallPosition, ...rest } = fit;
  return { dryRun: true, team, gpu: data.gpu, ...rest, eta: eta === null ? null : new Date(eta).toISOString(), position: overallPosition };
}

import { explainFit, type FitExplanation, type GpuNode } from '@/lib/domain/scheduler';
import { getTableName, sql } from 'drizzle-orm';
import { perDatabaseBatcher } from '@/lib/db/batcher';
import { env } from '@/lib/env';
import { bareList, fromDriverRow } from '@/lib/db/driver-row';
import { executePrepared } from '@/lib/db/prepared';
import { jobEvents, jobs, memberships, teams } from '@/lib/db/schema';
import { requireRole, type Ctx } from '../context';
import { AppError, invalid, tooManyRequests } from '../errors';
import { loadSnapshot } from '../scheduler/load-snapshot';
import { readClusterGpus, readGpuKindIds } from '../scheduler/read-cluster-gpus';
import { parseInput } from '../validate';
import { checkJobPolicy } from './check-job-policy';
import { defaultSingleNode, SubmitJobInput } from './job-input';
import { resolveSubmitTeam } from './job-teams';
import { rememberQueueRoom, takeQueueRoom } from './queue-room';
import { toJobView, type JobView } from './job-view';

export interface SubmitDeps {
  /** GPU kind ids the cluster has; null when the cluster cannot be asked (the kind is then checked by the scheduler). */
  gpuKinds(): Promise<string[] | null>;
  gpuNodes(): Promise<GpuNode[]>;
  /** Queued jobs one user may have (default GANTRY_MAX_QUEUED_JOBS_PER_USER). */
  maxQueuedPerUser?: number;
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
  // The workload policy refuses before anything is stored, and the dry run refuses the same way.
  await checkJobPolicy(ctx, data);
  const singleNode = data.singleNode ?? defaultSingleNode(data.kind);
  if (dryRun) return explainSubmission(ctx, data, (await resolveSubmitTeam(ctx, data.team)).slug, singleNode, deps);

  const maxQueued = deps.maxQueuedPerUser ?? env().GANTRY_MAX_QUEUED_JOBS_PER_USER;
  const row = await insertQueuedJob(ctx, data, singleNode, maxQueued);
  if (row) return row;
  // Not stored: the user's queue is full (429), or no team matched: resolveSubmitTeam names why (not
  // a member, no such team, in no team). If the membership appeared in the meantime it returns one,
  // and the insert is tried once more.
  await assertQueueRoom(ctx, maxQueued);
  await resolveSubmitTeam(ctx, data.team);
  const retried = await insertQueuedJob(ctx, data, singleNode, maxQueued);
  if (retried) return retried;
  await assertQueueRoom(ctx, maxQueued);
  throw new AppError('CONFLICT', 'Your team membership changed while submitting; try again');
}

/**
 * The per-user cap on queued jobs, for the answer after the insert refused a job (the insert checks
 * it itself, in its one statement). No Retry-After: waiting frees no room, admissions or cancellations do.
 */
async function assertQueueRoom(ctx: Ctx, maxQueued: number): Promise<void> {
  const [{ n }] = await executePrepared<{ n: number }>(
    ctx.db,
    sql`
    select count(*)::int as n from (select 1 from ${jobs} where ${jobs.userId} = ${ctx.actor.id} and ${jobs.state} = 'queued' limit ${maxQueued}) q`,
  );
  if (n >= maxQueued) {
    throw tooManyRequests(
      `You have ${maxQueued.toLocaleString('en-US')} queued jobs, the most one user may have waiting; submit more once some are admitted, or cancel some`,
    );
  }
}

async function insertQueuedJob(
  ctx: Ctx,
  data: SubmitJobInput,
  singleNode: boolean,
  maxQueued: number,
): Promise<JobView | null> {
  const { actor } = ctx;
  return insertBatched(ctx.db, {
    max_queued: maxQueued,
    check_queue: !takeQueueRoom(actor.id, maxQueued),
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
    spec: data.spec,
    event_message: `Submitted by ${actor.email} for team `,
  });
}

interface PendingJob {
  max_queued: number;
  /** false: taken from a remembered room (queue-room.ts), inserted without counting the queue */
  check_queue: boolean;
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

// The columns the statement below writes, in the order of its select lists, from the schema: a
// renamed column fails the build rather than the statement. (`${jobs.name}` would render qualified.)
const JOB_COLUMNS = bareList([
  jobs.id,
  jobs.name,
  jobs.kind,
  jobs.teamId,
  jobs.userId,
  jobs.priority,
  jobs.gpuKind,
  jobs.gpuCount,
  jobs.singleNode,
  jobs.expectedRuntimeSeconds,
  jobs.maxRuntimeSeconds,
  jobs.spec,
  jobs.state,
  jobs.message,
]);
const EVENT_COLUMNS = bareList([
  jobEvents.jobId,
  jobEvents.toState,
  jobEvents.cause,
  jobEvents.message,
  jobEvents.actorId,
]);
/** Ids are taken before the insert, so that each job row and its event share one. */
const JOB_ID_SEQUENCE = sql`pg_get_serial_sequence(${sql.raw(`'${getTableName(jobs)}'`)}, ${sql.raw(`'${jobs.id.name}'`)})`;

/**
 * Job rows, their SUBMITTED events and the team checks in one statement for all submissions that
 * arrive together. Submitting is the busiest write path (scripts send thousands), and one statement
 * per batch instead of six round trips per job (team lookup, BEGIN, two inserts, re-read, COMMIT)
 * is what lets one web process take about a thousand a second. A statement is atomic, so a failure
 * stores nothing. Answers null for a job whose team did not match or whose user's queue is full: the
 * user's queued jobs (counted only up to the cap, on a partial index of queued jobs) plus those
 * before it in the batch must stay within max_queued, for the jobs that ask for the count (the
 * others took a place of a room a recent count found: queue-room.ts). One web process sends its
 * batches one at a time, so there the cap is exact; other processes' submissions come out of the
 * room's reserve until the next count.
 */
const insertBatched = perDatabaseBatcher<PendingJob, JobView | null>(async (db, pending) => {
  const input = pending.map((p, ord) => ({ ...p, ord }));
  const rows = await executePrepared<
    Record<string, unknown> & { ord: number; team_slug: string; room: number | null; nth: number }
  >(
    db,
    sql`
    with input as (
      select * from jsonb_to_recordset(${JSON.stringify(input)}::jsonb) as x(ord int, max_queued int, check_queue boolean, user_id uuid, actor_id uuid, team text,
        any_team boolean, name text, kind text, priority text, gpu_kind text, gpu_count int, single_node boolean,
        expected_runtime_seconds int, max_runtime_seconds int, spec jsonb, event_message text)
    ),
    room as (
      select u.user_id, u.max_queued - (select count(*) from (select 1 from ${jobs}
        where ${jobs.userId} = u.user_id and ${jobs.state} = 'queued' limit u.max_queued) q) as room
      from (select user_id, max(max_queued) as max_queued from input where check_queue group by user_id) u
    ),
    ranked as (
      select input.*, row_number() over (partition by input.user_id order by input.ord) as nth from input
    ),
    placed as (
      select ranked.*, room.room, t.id as team_id, t.slug as team_slug, nextval(${JOB_ID_SEQUENCE}) as id
      from ranked left join room on room.user_id = ranked.user_id
      cross join lateral (
        select ${teams.id} as id, ${teams.slug} as slug from ${teams}
        where case when ranked.any_team then ${teams.slug} = ranked.team
          else (ranked.team is null or ${teams.slug} = ranked.team) and exists (
            select 1 from ${memberships} where ${memberships.userId} = ranked.user_id and ${memberships.teamId} = ${teams.id})
          end
        order by ${teams.slug} limit 1
      ) t
      where not ranked.check_queue or ranked.nth <= room.room
    ),
    job as (
      insert into ${jobs} (${JOB_COLUMNS})
      select id, name, kind, team_id, user_id, priority, gpu_kind, gpu_count, single_node,
        expected_runtime_seconds, max_runtime_seconds, spec, 'queued', ${QUEUED_MESSAGE}
      from placed
      returning *
    ),
    event as (
      insert into ${jobEvents} (${EVENT_COLUMNS})
      select job.id, 'queued', 'SUBMITTED', placed.event_message || placed.team_slug || '.', placed.actor_id
      from job join placed using (id)
    )
    select placed.ord, placed.team_slug, placed.room, placed.nth, job.* from job join placed using (id)`,
  );
  const byOrd = new Map(rows.map((r) => [Number(r.ord), r]));
  for (const r of rows) {
    const p = input[Number(r.ord)];
    if (p.check_queue && r.room !== null) rememberQueueRoom(p.user_id, p.max_queued, Number(r.room) - Number(r.nth));
  }
  return input.map((p) => {
    const r = byOrd.get(p.ord);
    return r
      ? toJobView({
          row: fromDriverRow(jobs, r),
          teamSlug: r.team_slug,
          userEmail: p.user_email,
          userName: p.user_name,
        })
      : null;
  });
});

async function explainSubmission(
  ctx: Ctx,
  data: SubmitJobInput,
  team: string,
  singleNode: boolean,
  deps: SubmitDeps,
): Promise<DryRunView> {
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
  return {
    dryRun: true,
    team,
    gpu: data.gpu,
    ...rest,
    eta: eta === null ? null : new Date(eta).toISOString(),
    position: overallPosition,
  };
}

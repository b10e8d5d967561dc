import { explainFit, type FitExplanation, type GpuNode } from '@/lib/domain/scheduler';
import { jobEvents, jobs } from '@/lib/db/schema';
import { inTransaction, requireRole, type Ctx } from '../context';
import { AppError, invalid } from '../errors';
import { loadSnapshot } from '../scheduler/load-snapshot';
import { readClusterGpus, readGpuKindIds } from '../scheduler/read-cluster-gpus';
import { parseInput } from '../validate';
import { defaultSingleNode, SubmitJobInput } from './job-input';
import { resolveSubmitTeam } from './job-teams';
import { loadJobViews, type JobView } from './job-view';

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
  const team = await resolveSubmitTeam(ctx, data.team);
  const kinds = await deps.gpuKinds();
  if (kinds && !kinds.includes(data.gpu.kind)) {
    throw invalid('The request has invalid fields', [
      { field: 'gpu.kind', message: `The cluster has no GPU kind ${data.gpu.kind}; it has ${kinds.join(', ')}` },
    ]);
  }
  const singleNode = data.singleNode ?? defaultSingleNode(data.kind);
  if (dryRun) return explainSubmission(ctx, data, team.slug, singleNode, deps);

  return inTransaction(ctx, async (tx) => {
    const [row] = await tx.db
      .insert(jobs)
      .values({
        name: data.name,
        kind: data.kind,
        teamId: team.id,
        userId: ctx.actor.id,
        priority: data.priority,
        gpuKind: data.gpu.kind,
        gpuCount: data.gpu.count,
        singleNode,
        expectedRuntimeSeconds: data.expectedRuntimeSeconds,
        maxRuntimeSeconds: data.maxRuntimeSeconds,
        spec: data.spec as Record<string, unknown>,
        state: 'queued',
        message: 'Waiting for the scheduler to look at it (within seconds).',
      })
      .returning({ id: jobs.id });
    await tx.db.insert(jobEvents).values({
      jobId: row.id,
      toState: 'queued',
      cause: 'SUBMITTED',
      message: `Submitted by ${ctx.actor.email} for team ${team.slug}.`,
      actorId: ctx.actor.via === 'system' ? null : ctx.actor.id,
    });
    const [view] = await loadJobViews(tx, [row.id]);
    return view;
  });
}

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

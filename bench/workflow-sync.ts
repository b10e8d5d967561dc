// `npm run bench workflow-sync`: Gantry's workflow sync against the simulated cluster, with a real
// PostgreSQL (embedded, throwaway) and the worker side in its own process (bench/workflow-sync-worker.ts).
// 1. API requests per workflow: 100 training jobs go through the real path (queue, scheduler pass,
//    create, watch, reconcile) from submission to Succeeded; every request the simulated API server
//    serves is counted, per-step log reads apart (they scale with steps, not workflows).
// 2. Scale: 100 running workflows of 1,000 DAG steps each (10 chains of 100, 10 s steps) at speed 20. Lag is
//    the time from the simulated cluster writing a status (store write, in this process) to Gantry
//    committing it: the job's snapshot row (per-node status) and the job event of a phase change
//    (one workflow is terminated every 6 s to make those). CPU is the worker process's own.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { and, eq, inArray } from 'drizzle-orm';
import { configureCluster } from '@/lib/cluster/kube';
import { createWorkflow, listWorkflows, terminateWorkflow, type Workflow } from '@/lib/cluster/workflows';
import { createDb, type DbHandle } from '@/lib/db/client';
import { jobEvents, jobs, stepLogs, workflowSnapshots } from '@/lib/db/schema';
import { LABEL_JOB_ID } from '@/lib/domain/terms';
import { childEnv } from '@/lib/env';
import { logger } from '@/lib/log';
import { SYSTEM_ACTOR, type Ctx } from '@/lib/server/context';
import { submitJob } from '@/lib/server/jobs/submit-job';
import { upsertQuota } from '@/lib/server/quotas/upsert-quota';
import { startSimCluster, type SimCluster } from '@/lib/sim/server';
import { startThrowawayPostgres } from '@/tests/global-setup';
import { makeTeam, makeUser } from '@/tests/factories';
import { trainingJob } from '@/tests/training-job';
import { readStat } from './proc';
import { summarize } from './stack';

const root = path.resolve(import.meta.dirname, '..');
const WORKFLOWS = 100;
const STEPS = 1000;
const CHAINS = 10;
/** Simulated seconds per step: 10 s of wall time at speed 20. */
const STEP_SECONDS = 200;
const SCALE_WINDOW_MS = 150_000;
const RECONCILE_MS = 60_000;
const TERMINATE_EVERY_MS = 6_000;

export type Report = { t: number; type: string; [k: string]: unknown };

export function startWorker(
  url: string,
  kubeconfig: string,
  flags: Array<'--scheduler' | '--events'>,
  onLine: (r: Report) => void,
): { child: ChildProcess; stop(): Promise<void> } {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join(root, 'bench/workflow-sync-worker.ts'),
      url,
      kubeconfig,
      String(RECONCILE_MS),
      ...flags,
    ],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: childEnv({
        LOG_LEVEL: process.env.BENCH_WORKER_LOG_LEVEL ?? 'error',
        ...(process.env.BENCH_WORKER_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_WORKER_NODE_OPTIONS } : {}),
      }),
    },
  );
  createInterface({ input: child.stdout }).on('line', (l) => {
    try {
      onLine(JSON.parse(l) as Report);
    } catch {
      // not a report line
    }
  });
  const exited = new Promise((r) => child.once('exit', r));
  return {
    child,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export async function owner(ctx: Ctx, guaranteed: number) {
  const team = await makeTeam(ctx, { cohort: 'bench' });
  const user = await makeUser(ctx, { teamId: team.id });
  await upsertQuota({ ctx, input: { team: team.slug, gpuKind: 'a100-80gb-shared', guaranteed, borrowingLimit: 0 } });
  return { team, user };
}

/**
 * When the simulated cluster stored each workflow resourceVersion (`writtenAt`) and when each
 * workflow first reached each phase (`phaseAt`, keyed `<name>:<phase>`): where every lag starts.
 */
export function recordWorkflowWrites(sim: SimCluster) {
  const writtenAt = new Map<string, number>();
  const phaseAt = new Map<string, number>();
  sim.sim.store.onChange((_type, resource, obj) => {
    if (resource !== 'workflows') return;
    const now = Date.now();
    writtenAt.set(obj.metadata.resourceVersion ?? '', now);
    const key = `${obj.metadata.name}:${String((obj.status as { phase?: string } | undefined)?.phase ?? '')}`;
    if (!phaseAt.has(key)) phaseAt.set(key, now);
  });
  return { writtenAt, phaseAt };
}

/** `count` workflow jobs of the owner's team in `state`, named `gantry-<id>` as the launch step names their Workflows. */
export async function insertWorkflowJobs(
  db: DbHandle,
  { team, user }: { team: { id: string }; user: { id: string } },
  opts: { name: string; count: number; state: 'admitted' | 'submitted'; admittedAt: Date },
): Promise<number[]> {
  const rows = await db.db
    .insert(jobs)
    .values(
      Array.from({ length: opts.count }, (_, i) => ({
        name: `${opts.name}-${i}`,
        kind: 'workflow' as const,
        teamId: team.id,
        userId: user.id,
        priority: 'normal' as const,
        gpuKind: 'a100-80gb-shared',
        gpuCount: 1,
        expectedRuntimeSeconds: 3600,
        maxRuntimeSeconds: 86_400,
        spec: {},
        state: opts.state,
        admittedAt: opts.admittedAt,
      })),
    )
    .returning({ id: jobs.id });
  const ids = rows.map((r) => r.id);
  for (const id of ids)
    await db.db
      .update(jobs)
      .set({ workflowName: `gantry-${id}` })
      .where(eq(jobs.id, id));
  return ids;
}

async function waitFinal(db: DbHandle, ids: number[], giveUpMs: number): Promise<void> {
  const deadline = Date.now() + giveUpMs;
  for (;;) {
    const rows = await db.db.select({ state: jobs.state }).from(jobs).where(inArray(jobs.id, ids));
    if (rows.every((r) => ['succeeded', 'failed', 'cancelled'].includes(r.state))) return;
    if (Date.now() > deadline) throw new Error(`jobs not finished within ${giveUpMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function benchRequests(db: DbHandle, sim: SimCluster, ctx: Ctx, dbUrl: string) {
  const { team, user } = await owner(ctx, 128);
  const ids: number[] = [];
  for (let i = 0; i < WORKFLOWS; i++) {
    const job = await submitJob({
      ctx: { ...ctx, actor: user },
      input: { ...trainingJob(`bench-req-${i}`, { simSeconds: 300 }), team: team.slug },
    });
    ids.push(Number((job as { id: string }).id));
  }
  sim.sim.resetRequests();
  const started = Date.now();
  const worker = startWorker(dbUrl, sim.kubeconfigPath, ['--scheduler'], () => {});
  await waitFinal(db, ids, 300_000);
  const seconds = (Date.now() - started) / 1000;
  // The final log of each step is captured right after the event that ended the job.
  for (let i = 0; i < 80; i++) {
    const logs = await db.db
      .select({ n: stepLogs.jobId })
      .from(stepLogs)
      .where(and(inArray(stepLogs.jobId, ids), eq(stepLogs.complete, true)));
    if (logs.length >= ids.length) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  await worker.stop();
  const counts = sim.sim.requests();
  const states = await db.db.select({ state: jobs.state }).from(jobs).where(inArray(jobs.id, ids));
  const total = Object.entries(counts)
    .filter(([k]) => k !== 'log pods')
    .reduce((s, [, n]) => s + n, 0);
  const perWorkflow = Object.entries(counts)
    .filter(([k]) => k.endsWith(' workflows') && !k.startsWith('list') && !k.startsWith('watch'))
    .reduce((s, [, n]) => s + n, 0);
  console.log(
    `API requests for ${WORKFLOWS} training jobs from submission to the end (${seconds.toFixed(0)} s; ${states.filter((s) => s.state === 'succeeded').length} succeeded):`,
  );
  console.table(
    Object.entries(counts)
      .sort()
      .map(([request, n]) => ({ request, n, perWorkflow: Number((n / WORKFLOWS).toFixed(2)) })),
  );
  console.table([
    {
      workflows: WORKFLOWS,
      requestsExclLogs: total,
      perWorkflow: Number((total / WORKFLOWS).toFixed(2)),
      objectRequestsPerWorkflow: Number((perWorkflow / WORKFLOWS).toFixed(2)),
      logReadsPerWorkflow: Number(((counts['log pods'] ?? 0) / WORKFLOWS).toFixed(2)),
    },
  ]);
}

export function bigWorkflow(name: string, jobId: number): Workflow {
  const tasks = Array.from({ length: STEPS }, (_, i) => ({
    name: `s${i}`,
    template: 'step',
    ...(i >= CHAINS ? { dependencies: [`s${i - CHAINS}`] } : {}),
  }));
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { name, labels: { [LABEL_JOB_ID]: String(jobId) } },
    spec: {
      entrypoint: 'main',
      podGC: { strategy: 'OnPodSuccess', deleteDelayDuration: '2m' },
      templates: [
        { name: 'main', dag: { tasks } },
        {
          name: 'step',
          metadata: { annotations: { 'gantry.dev/sim-duration-seconds': String(STEP_SECONDS) } },
          container: { image: 'busybox', command: ['sh', '-c', 'echo working; echo done'] },
        },
      ],
    },
  };
}

async function benchScale(db: DbHandle, sim: SimCluster, ctx: Ctx, dbUrl: string) {
  const { writtenAt, phaseAt } = recordWorkflowWrites(sim);
  const ids = await insertWorkflowJobs(db, await owner(ctx, 0), {
    name: 'bench-scale',
    count: WORKFLOWS,
    state: 'admitted',
    admittedAt: new Date(),
  });

  const reports: Report[] = [];
  const passes: Report[] = [];
  sim.sim.resetRequests();
  const worker = startWorker(dbUrl, sim.kubeconfigPath, [], (r) => (r.type === 'pass' ? passes : reports).push(r));
  await new Promise((r) => setTimeout(r, 3_000)); // the worker's first list and watch
  const t0 = Date.now();
  const cpu0 = readStat(worker.child.pid!).cpuMs;
  // As the launch step does: the job rows are held while their Workflows are created and the jobs
  // marked submitted (a submitted job without its Workflow would rightly fail as WORKFLOW_MISSING).
  for (let i = 0; i < ids.length; i += 10) {
    const batch = ids.slice(i, i + 10);
    await db.db.transaction(async (tx) => {
      await tx.select({ id: jobs.id }).from(jobs).where(inArray(jobs.id, batch)).for('update');
      await Promise.all(batch.map((id) => createWorkflow(bigWorkflow(`gantry-${id}`, id))));
      await tx.update(jobs).set({ state: 'submitted' }).where(inArray(jobs.id, batch));
    });
  }
  const createMs = Date.now() - t0;
  console.log(
    `created ${WORKFLOWS} workflows of ${STEPS} steps in ${(createMs / 1000).toFixed(1)} s; measuring for ${SCALE_WINDOW_MS / 1000} s`,
  );

  // Poll the snapshots: each newly stored resourceVersion gives one lag sample.
  const snapLag: Array<{ at: number; ms: number }> = [];
  await pollSnapshots(db, ids, t0, SCALE_WINDOW_MS, (rv, now) => {
    const w = writtenAt.get(rv);
    if (w !== undefined) snapLag.push({ at: now - t0, ms: now - w });
  });
  const cpuMs = readStat(worker.child.pid!).cpuMs - cpu0;
  const elapsed = Date.now() - t0;
  await worker.stop();
  // What one full LIST of these workflows costs (the reconcile pass makes one a minute; the
  // worker's scheduler no longer lists them every second, leaving phases to the watch).
  const listStarted = performance.now();
  const listed = await listWorkflows(LABEL_JOB_ID);
  const listMs = performance.now() - listStarted;
  const listMb = Buffer.byteLength(JSON.stringify(listed.items)) / 2 ** 20;

  const events = await db.db
    .select({ jobId: jobEvents.jobId, at: jobEvents.at, cause: jobEvents.cause })
    .from(jobEvents)
    .where(and(inArray(jobEvents.jobId, ids), inArray(jobEvents.cause, ['WORKFLOW_RUNNING', 'WORKFLOW_FAILED'])));
  const runningLag: number[] = [];
  const failedLag: number[] = [];
  // When the worker's watch delivered each workflow's Running: the lag split into delivery (the
  // cluster's write to the worker reading it) and handling (reading it to the job event).
  const seenAt = new Map(
    reports.filter((r) => r.type === 'seen').map((r) => [`${String(r.name)}:${String(r.phase)}`, r.t]),
  );
  const runningDelivery: number[] = [];
  const runningHandling: number[] = [];
  for (const e of events) {
    const phase = e.cause === 'WORKFLOW_RUNNING' ? 'Running' : 'Failed';
    const w = phaseAt.get(`gantry-${e.jobId}:${phase}`);
    if (w !== undefined) (phase === 'Running' ? runningLag : failedLag).push(e.at.getTime() - w);
    const seen = seenAt.get(`gantry-${e.jobId}:${phase}`);
    if (phase === 'Running' && w !== undefined && seen !== undefined) {
      runningDelivery.push(seen - w);
      runningHandling.push(e.at.getTime() - seen);
    }
  }
  const last: Partial<Report> = reports.filter((r) => r.type === 'report').at(-1) ?? {};
  printWorkerLog(reports, t0, 300);
  const half = elapsed / 2;
  const status = (await (await fetch(`${sim.url}/sim/status`)).json()) as Record<string, unknown>;
  console.log(
    `${WORKFLOWS} workflows x ${STEPS} steps (${CHAINS} chains), ${(elapsed / 1000).toFixed(0)} s window, created in ${(createMs / 1000).toFixed(1)} s; sim: ${status.pods} pods, ${status.pending} pending`,
  );
  console.table([
    { measure: 'snapshot lag (first half)', ...summarize(snapLag.filter((s) => s.at < half).map((s) => s.ms)) },
    { measure: 'snapshot lag (second half)', ...summarize(snapLag.filter((s) => s.at >= half).map((s) => s.ms)) },
    { measure: 'job event lag: WORKFLOW_RUNNING', ...summarize(runningLag) },
    { measure: '  of which: watch delivery (write to worker)', ...summarize(runningDelivery) },
    { measure: '  of which: handling (worker to job event)', ...summarize(runningHandling) },
    { measure: 'job event lag: WORKFLOW_FAILED (terminate)', ...summarize(failedLag) },
  ]);
  console.table([
    {
      workerCpuCores: Number((cpuMs / elapsed).toFixed(2)),
      watchEvents: last.events,
      eventsPerSec: Number((Number(last.events ?? 0) / (elapsed / 1000)).toFixed(1)),
      snapshotsStored: snapLag.length,
      workerRssMb: Math.round(Number(last.rssMb ?? 0)),
      followerErrors: last.errors,
    },
  ]);
  const nodeCounts = listed.items.map((w) => Object.keys(w.status?.nodes ?? {}).length);
  console.log(
    `One LIST of the ${listed.items.length} workflows: ${listMb.toFixed(0)} MB of JSON, ${Math.round(listMs)} ms (client and simulated server on this machine); status.nodes per workflow at the end: mean ${Math.round(nodeCounts.reduce((a, b) => a + b, 0) / Math.max(1, nodeCounts.length))}, max ${Math.max(0, ...nodeCounts)}.`,
  );
  printReconcilePasses(passes);
  console.log('API requests during the window:');
  console.table(
    Object.entries(sim.sim.requests())
      .sort()
      .map(([request, n]) => ({ request, n, perSec: Number((n / (elapsed / 1000)).toFixed(1)) })),
  );
}

/**
 * The worker's own log lines among its reports (they come through with BENCH_WORKER_LOG_LEVEL=info
 * or debug), timed from t0, with at most `detailChars` of each one's error or resourceVersion.
 */
export function printWorkerLog(reports: Report[], t0: number, detailChars: number): void {
  for (const r of reports)
    if (r.msg)
      console.log(
        `worker log +${(((Date.parse(String(r.time)) || Number(r.t)) - t0) / 1000).toFixed(1)}s: ${String(r.msg)} ${JSON.stringify(r.err ?? r.resourceVersion ?? '').slice(0, detailChars)}`,
      );
}

export function printReconcilePasses(passes: Report[]): void {
  console.log('Reconcile passes (list + per-workflow sync + stall check):');
  console.table(
    passes.map((p) => ({
      ms: Math.round(Number(p.ms)),
      cpuMs: Math.round(Number(p.cpuMs)),
      snapshots: p.snapshots,
      logsStored: p.logsStored,
      phaseChanges: p.phaseChanges,
    })),
  );
}

/**
 * Polls the jobs' snapshots every 100 ms from t0 for windowMs, calling onStored with each newly
 * stored resourceVersion, and terminates one of the workflows every TERMINATE_EVERY_MS (for the
 * WORKFLOW_FAILED lag).
 */
export async function pollSnapshots(
  db: DbHandle,
  ids: number[],
  t0: number,
  windowMs: number,
  onStored: (rv: string, now: number) => void,
): Promise<void> {
  const seenRv = new Map<number, string>();
  const terminated: string[] = [];
  let nextTerminate = t0 + TERMINATE_EVERY_MS;
  while (Date.now() - t0 < windowMs) {
    const snaps = await db.db
      .select({ jobId: workflowSnapshots.jobId, rv: workflowSnapshots.resourceVersion })
      .from(workflowSnapshots)
      .where(inArray(workflowSnapshots.jobId, ids));
    const now = Date.now();
    for (const s of snaps) {
      if (!s.rv || seenRv.get(s.jobId) === s.rv) continue;
      seenRv.set(s.jobId, s.rv);
      onStored(s.rv, now);
    }
    if (now >= nextTerminate && terminated.length < ids.length) {
      const name = `gantry-${ids[(terminated.length * 7) % ids.length]}`;
      if (!terminated.includes(name)) {
        await terminateWorkflow(name);
        terminated.push(name);
      }
      nextTerminate += TERMINATE_EVERY_MS;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A throwaway embedded PostgreSQL, migrated, and a simulated cluster for one part of the bench. */
export async function withStack(
  speed: number,
  fn: (db: DbHandle, sim: SimCluster, ctx: Ctx, dbUrl: string) => Promise<void>,
  simOpts: { argoController?: boolean } = {},
): Promise<void> {
  const pg = await startThrowawayPostgres('gantry-bench-sync-', 'gantry_bench');
  const db = createDb(pg.url, { max: 4 });
  let sim: SimCluster | undefined;
  try {
    sim = await startSimCluster({
      port: 0,
      seed: 7,
      speed,
      dataDir: path.join(pg.dir, 'sim'),
      failureRate: 0,
      ...simOpts,
    });
    configureCluster({ kubeconfigPath: sim.kubeconfigPath, namespace: 'gantry-jobs' });
    const ctx: Ctx = { db: db.db, actor: SYSTEM_ACTOR, log: logger() };
    await fn(db, sim, ctx, pg.url);
  } finally {
    await sim?.stop();
    await db.close();
    await pg.stop();
  }
}

/** `npm run bench workflow-requests`: API requests per workflow, submission to the end. */
export const benchWorkflowRequests = () => withStack(100, benchRequests);
/** `npm run bench workflow-sync`: 100 workflows x 1,000 steps through the sync loops. */
export const benchWorkflowSync = () => withStack(20, benchScale);

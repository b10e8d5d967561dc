// `npm run bench workflow-sync-full`: the sync loop against 100 running workflows whose statuses
// hold 1,000 steps each, the size the issue names. The simulated pods cannot run that many steps at
// once on this machine, so bench/argo-status-driver.ts plays Argo's controller: the simulated API
// server stores and serves the Workflows (watch and list over HTTP, as for `npm start`), and the
// driver writes their statuses the way the controller does. Gantry's side is the real one: the
// worker's WorkflowFollower and 60 s reconcile in their own process, embedded PostgreSQL.
// 1. Catch-up: the workflows already run (850 of 1,000 steps done) when the worker starts, as after
//    a worker restart: time until every job has its snapshot and a stored log for every finished step.
// 2. Steady state for the window: each workflow finishes a step every 1.2 s (83 steps a second in
//    all) and is written at most once a second; lag from a status write to its snapshot in
//    PostgreSQL, worker and PostgreSQL CPU, and the job event after a terminate (one every 6 s).
import { and, count, eq, inArray } from 'drizzle-orm';
import { createWorkflow } from '@/lib/cluster/workflows';
import type { DbHandle } from '@/lib/db/client';
import { jobEvents, stepLogs, workflowSnapshots } from '@/lib/db/schema';
import type { Ctx } from '@/lib/server/context';
import type { SimCluster } from '@/lib/sim/server';
import { ArgoStatusDriver } from './argo-status-driver';
import { readStat, sampleTree } from './proc';
import { summarize } from './stack';
import {
  bigWorkflow,
  insertWorkflowJobs,
  owner,
  pollSnapshots,
  printReconcilePasses,
  printWorkerLog,
  recordWorkflowWrites,
  startWorker,
  withStack,
  type Report,
} from './workflow-sync';

const WORKFLOWS = 100;
const CHAINS = 10;
const STEPS_PER_CHAIN = 100;
const DONE_AT_START = 85;
const STEP_MS = 12_000;
const WINDOW_MS = Number(process.env.BENCH_WINDOW_MS ?? 150_000);

async function catchUp(
  db: DbHandle,
  ids: number[],
  finishedSteps: number,
  giveUpMs: number,
): Promise<{ snapshotsMs: number; logsMs: number }> {
  const t0 = Date.now();
  let snapshotsMs = NaN;
  for (;;) {
    const [{ n: snaps }] = await db.db
      .select({ n: count() })
      .from(workflowSnapshots)
      .where(inArray(workflowSnapshots.jobId, ids));
    if (snaps >= ids.length && Number.isNaN(snapshotsMs)) snapshotsMs = Date.now() - t0;
    const [{ n: logs }] = await db.db
      .select({ n: count() })
      .from(stepLogs)
      .where(and(inArray(stepLogs.jobId, ids), eq(stepLogs.complete, true)));
    // both, so a log count raised by steps finished since the start cannot end it early
    if (logs >= finishedSteps && !Number.isNaN(snapshotsMs)) return { snapshotsMs, logsMs: Date.now() - t0 };
    if (Date.now() - t0 > giveUpMs)
      throw new Error(`catch-up not done in ${giveUpMs} ms: ${snaps} snapshots, ${logs} of ${finishedSteps} logs`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function benchFull(db: DbHandle, sim: SimCluster, ctx: Ctx, dbUrl: string) {
  const { writtenAt, phaseAt } = recordWorkflowWrites(sim);
  const ids = await insertWorkflowJobs(db, await owner(ctx, 0), {
    name: 'bench-full',
    count: WORKFLOWS,
    state: 'submitted',
    admittedAt: new Date(Date.now() - 3_600_000),
  });

  const driver = new ArgoStatusDriver(sim.sim.store, {
    chains: CHAINS,
    stepsPerChain: STEPS_PER_CHAIN,
    doneAtStart: DONE_AT_START,
    stepMs: STEP_MS,
  });
  for (const id of ids) {
    await createWorkflow(bigWorkflow(`gantry-${id}`, id));
    driver.adopt(`gantry-${id}`);
  }
  driver.start();
  const sizes = driver.nodeCounts();
  const objectMb =
    Buffer.byteLength(sim.sim.store.getJson('workflows', 'gantry-jobs', `gantry-${ids[0]}`) ?? '') / 2 ** 20;
  console.log(
    `${WORKFLOWS} workflows of ${CHAINS * STEPS_PER_CHAIN} steps, ${DONE_AT_START * CHAINS} done: ${sizes[0]} nodes each, ${objectMb.toFixed(2)} MB per object`,
  );

  const reports: Report[] = [];
  const passes: Report[] = [];
  sim.sim.resetRequests();
  const t0 = Date.now();
  // rv -> when the worker's watch delivered it
  const gotAt = new Map<string, number>();
  const worker = startWorker(dbUrl, sim.kubeconfigPath, ['--events'], (r) => {
    if (r.type === 'got') gotAt.set(String(r.rv), r.t);
    else (r.type === 'pass' ? passes : reports).push(r);
  });
  const cpu0 = readStat(worker.child.pid!).cpuMs;
  const caught = await catchUp(db, ids, WORKFLOWS * CHAINS * DONE_AT_START, 300_000);
  const catchUpCpuMs = readStat(worker.child.pid!).cpuMs - cpu0;
  console.log(
    `catch-up after the worker started: every snapshot stored in ${(caught.snapshotsMs / 1000).toFixed(1)} s, every finished step's log in ${(caught.logsMs / 1000).toFixed(1)} s, worker CPU ${(catchUpCpuMs / 1000).toFixed(1)} s`,
  );

  const w0 = Date.now();
  const self1 = process.cpuUsage();
  const cpu1 = readStat(worker.child.pid!).cpuMs;
  const pg1 = sampleTree(process.pid)?.get('postgres') ?? 0;
  const writes0 = driver.writes;
  const snapLag: number[] = [];
  const deliveryLag: number[] = [];
  const handlingLag: number[] = [];
  await pollSnapshots(db, ids, w0, WINDOW_MS, (rv, now) => {
    const w = writtenAt.get(rv);
    if (w === undefined) return;
    snapLag.push(now - w);
    const got = gotAt.get(rv);
    if (got !== undefined) {
      deliveryLag.push(got - w);
      handlingLag.push(now - got);
    }
  });
  const elapsed = Date.now() - w0;
  const workerCpuMs = readStat(worker.child.pid!).cpuMs - cpu1;
  const pgCpuMs = (sampleTree(process.pid)?.get('postgres') ?? 0) - pg1;
  const self = process.cpuUsage(self1);
  const selfCpuMs = (self.user + self.system) / 1000;
  const writes = driver.writes - writes0;
  driver.stop();
  const endSizes = driver.nodeCounts();
  await worker.stop();

  const failed = await db.db
    .select({ jobId: jobEvents.jobId, at: jobEvents.at })
    .from(jobEvents)
    .where(and(inArray(jobEvents.jobId, ids), eq(jobEvents.cause, 'WORKFLOW_FAILED')));
  const failedLag = failed.flatMap((e) => {
    const w = phaseAt.get(`gantry-${e.jobId}:Failed`);
    return w === undefined ? [] : [e.at.getTime() - w];
  });
  const last: Partial<Report> = reports.filter((r) => r.type === 'report').at(-1) ?? {};
  printWorkerLog(reports, t0, 200);
  console.log(
    `steady state, ${(elapsed / 1000).toFixed(0)} s: ${writes} status writes (${(writes / (elapsed / 1000)).toFixed(1)}/s, ${((writes * objectMb) / (elapsed / 1000)).toFixed(1)} MB/s of watch JSON); nodes per workflow ${Math.min(...endSizes)}-${Math.max(...endSizes)} at the end`,
  );
  console.table([
    { measure: 'status write to its snapshot in PostgreSQL', ...summarize(snapLag) },
    { measure: '  of which: watch delivery (write to worker)', ...summarize(deliveryLag) },
    { measure: '  of which: handling (worker to snapshot seen)', ...summarize(handlingLag) },
    { measure: 'job event lag: WORKFLOW_FAILED (terminate)', ...summarize(failedLag) },
  ]);
  console.table([
    {
      workerCpuCores: Number((workerCpuMs / elapsed).toFixed(2)),
      postgresCpuCores: Number((pgCpuMs / elapsed).toFixed(2)),
      'cluster + driver cores': Number((selfCpuMs / elapsed).toFixed(2)),
      snapshotsStored: snapLag.length,
      superseded: last.superseded,
      workerRssMb: Math.round(Number(last.rssMb ?? 0)),
      followerErrors: last.errors,
      relists: last.relists,
      watches: last.watches,
      gone: last.gone,
    },
  ]);
  printReconcilePasses(passes);
  console.log(`API requests since the worker started (${((Date.now() - t0) / 1000).toFixed(0)} s):`);
  console.table(
    Object.entries(sim.sim.requests())
      .sort()
      .map(([request, n]) => ({ request, n })),
  );
}

/** `npm run bench workflow-sync-full`: 100 running workflows with 1,000-step statuses. */
export const benchWorkflowSyncFull = () => withStack(1, benchFull, { argoController: false });

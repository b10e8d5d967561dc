// The watch-driven workflow sync against the simulated cluster over HTTP: jobs reach Succeeded through
// watch events alone (the list sync is never called by the test), a watch resumed from a compacted
// resourceVersion (410 Gone) relists and keeps following, and aborting stops it.
import { eq } from 'drizzle-orm';
import { describe, expect, it, vi } from 'vitest';
import { deleteWorkflow, getWorkflow, listWorkflows, watchWorkflows, type WatchHandle } from '@/lib/cluster/workflows';
import { findStepLog } from '@/lib/cluster/pods';
import { jobs, workflowSnapshots } from '@/lib/db/schema';
import { as, withRollback } from '@/tests/db';
import { makeTeam, makeUser } from '@/tests/factories';
import { useSimCluster } from '@/tests/sim';
import type { Ctx } from '../context';
import { getJob } from '../jobs/get-job';
import type { JobView } from '../jobs/job-view';
import { submitJob } from '../jobs/submit-job';
import { upsertQuota } from '../quotas/upsert-quota';
import { runSchedulerPass } from '../scheduler/run-scheduler-pass';
import { JOB_WORKFLOW_SELECTOR, WorkflowFollower, type WorkflowFollowerDeps } from './workflow-follower';

const sim = useSimCluster({ seed: 12, speed: 2000 });

async function startJob(ctx: Ctx, name: string) {
  const team = await makeTeam(ctx, { cohort: `follow-${name}` });
  const owner = await makeUser(ctx, { teamId: team.id });
  await upsertQuota({ ctx, input: { team: team.slug, gpuKind: 'a100-80gb-shared', guaranteed: 4, borrowingLimit: 0 } });
  const input = {
    name,
    kind: 'training',
    gpu: { kind: 'a100-80gb-shared', count: 2 },
    expectedRuntimeSeconds: 3600,
    maxRuntimeSeconds: 14400,
    spec: { image: 'ghcr.io/acme/train:1.4', command: ['python', 'train.py'], env: { GANTRY_SIM_DURATION_SECONDS: '2000' } },
  };
  const job = (await submitJob({ ctx: as(ctx, owner), input })) as JobView;
  await runSchedulerPass({ ctx });
  return job;
}

const WAIT = { timeout: 20_000, interval: 25 };

async function waitForState(ctx: Ctx, id: string, state: string) {
  await vi.waitFor(async () => expect((await getJob({ ctx, input: { id } })).state).toBe(state), WAIT);
}

/** The real cluster client, with each open watch kept so the test can drop its connection. */
function recordingDeps() {
  const open: Array<{ handle: WatchHandle; end: () => void }> = [];
  let aborted = 0;
  const deps: WorkflowFollowerDeps = {
    list: () => listWorkflows(JOB_WORKFLOW_SELECTOR),
    readLog: (podName, opts) => findStepLog(podName, opts),
    watch: async (opts) => {
      const handle = await watchWorkflows(opts);
      const wrapped: WatchHandle = {
        abort() {
          aborted++;
          handle.abort();
        },
        get resourceVersion() {
          return handle.resourceVersion;
        },
      };
      open.push({ handle: wrapped, end: () => opts.onEnd?.() });
      return wrapped;
    },
  };
  /** As if the server closed the connection: no more events, then the normal end. */
  const drop = () => {
    const last = open.at(-1)!;
    last.handle.abort();
    last.end();
  };
  return { deps, drop, open, aborted: () => aborted };
}

describe('workflow follower on the simulated cluster', () => {
  it('follows jobs to Succeeded through watch events, relists after 410 Gone, and stops on abort', () =>
    withRollback(async (ctx) => {
      const rec = recordingDeps();
      const follower = new WorkflowFollower(ctx, { watchTimeoutSeconds: 1, retryMs: 20 }, rec.deps);
      const stop = new AbortController();
      const running = follower.start(stop.signal);
      await vi.waitFor(() => expect(follower.stats.watches).toBeGreaterThan(0), WAIT);
      expect(follower.stats.relists).toBe(1);

      // 1. Live updates: submitted → running → succeeded, snapshot stored, all from watch events.
      const first = await startJob(ctx, 'follow-first');
      await waitForState(ctx, first.id, 'succeeded');
      expect(follower.stats.relists).toBe(1);
      expect(follower.stats.events).toBeGreaterThan(0);
      const view = await getJob({ ctx, input: { id: first.id } });
      expect(view.events.map((e) => e.toState)).toEqual(['queued', 'admitted', 'submitted', 'running', 'succeeded']);
      expect(view.events.slice(-2).map((e) => e.cause)).toEqual(['WORKFLOW_RUNNING', 'WORKFLOW_SUCCEEDED']);
      await vi.waitFor(async () => {
        const [snap] = await ctx.db.select().from(workflowSnapshots).where(eq(workflowSnapshots.jobId, Number(first.id)));
        expect(snap).toMatchObject({ workflowName: `gantry-${first.id}`, phase: 'Succeeded' });
      }, WAIT);
      // The 1 s server-side timeout ended watches normally; each was resumed, not relisted.
      await vi.waitFor(() => expect(follower.stats.watches).toBeGreaterThan(1), WAIT);
      expect(follower.stats.relists).toBe(1);

      // 2. 410 Gone: the store moves past what the follower saw (an object outside its selection),
      // its history is compacted, and the connection drops, all in one tick: the resume is refused.
      const s = sim().sim;
      s.store.create('configmaps', { metadata: { name: 'follower-bump', namespace: 'gantry-jobs' } });
      s.compact();
      rec.drop();
      await vi.waitFor(() => expect(follower.stats.relists).toBe(2), WAIT);
      expect(follower.stats.gone).toBeGreaterThanOrEqual(1);

      // ... and it keeps following: a later job still syncs through events.
      const second = await startJob(ctx, 'follow-second');
      await waitForState(ctx, second.id, 'succeeded');
      expect(follower.stats.relists).toBe(2);

      // 3. Abort: start()'s promise resolves and the open watch was aborted.
      const watches = follower.stats.watches;
      stop.abort();
      await running;
      expect(rec.aborted()).toBeGreaterThanOrEqual(rec.open.length);
      await follower.stop();
      expect(follower.stats.watches).toBe(watches);
    }));

  it('fails a running job whose Workflow is deleted (DELETED event → WORKFLOW_MISSING)', () =>
    withRollback(async (ctx) => {
      const follower = new WorkflowFollower(ctx, { watchTimeoutSeconds: 5, retryMs: 20 });
      const running = follower.start();
      await vi.waitFor(() => expect(follower.stats.watches).toBeGreaterThan(0), WAIT);
      const job = await startJob(ctx, 'follow-deleted');
      expect(await deleteWorkflow(`gantry-${job.id}`)).toBe(true);
      await waitForState(ctx, job.id, 'failed');
      expect((await getJob({ ctx, input: { id: job.id } })).reason).toBe('WORKFLOW_MISSING');
      expect(follower.stats.relists).toBe(1);
      await follower.stop();
      await running;
    }));

  it('moves a job on by its phase while every full-sync slot is busy with another workflow', () =>
    withRollback(async (ctx) => {
      const slow = await startJob(ctx, 'follow-slow');
      const quick = await startJob(ctx, 'follow-quick');
      const slowWf = await getWorkflow(`gantry-${slow.id}`);
      const quickWf = await getWorkflow(`gantry-${quick.id}`);
      // The slow workflow has a finished step whose log read hangs until released: with one
      // full-sync slot, the quick workflow's events wait behind it, but not its phase.
      const finished = { id: 'n1', name: 'slow.s1', displayName: 's1', type: 'Pod', templateName: 'main', phase: 'Succeeded', startedAt: '2026-01-01T00:00:00Z', finishedAt: '2026-01-01T00:01:00Z' };
      const slowEvent = { ...slowWf, metadata: { ...slowWf.metadata, resourceVersion: 'slow-1' }, status: { phase: 'Running', nodes: { n1: finished } } };
      const quickEvent = { ...quickWf, metadata: { ...quickWf.metadata, resourceVersion: 'quick-1' }, status: { phase: 'Running', startedAt: '2026-01-01T00:00:00Z' } };
      let release!: () => void;
      const released = new Promise<void>((r) => (release = r));
      const deps: WorkflowFollowerDeps = {
        // listed without a phase yet, so only the watch events below carry one; the slow one's
        // listed object already has the finished step, so the one full-sync slot hangs from the start
        list: async () => ({ items: [{ ...slowWf, status: { nodes: { n1: finished } } }, { ...quickWf, status: {} }] as never, resourceVersion: '1' }),
        readLog: async () => {
          await released;
          return null;
        },
        watch: async (opts) => {
          opts.onEvent({ type: 'MODIFIED', object: slowEvent as never, resourceVersion: 'slow-1' });
          opts.onEvent({ type: 'MODIFIED', object: quickEvent as never, resourceVersion: 'quick-1' });
          return { abort() {}, resourceVersion: 'quick-1' };
        },
      };
      const follower = new WorkflowFollower(ctx, { concurrency: 1 }, deps);
      const running = follower.start();
      await waitForState(ctx, quick.id, 'running');
      expect(follower.stats.events).toBe(0); // no full sync has finished
      release();
      // then the slow workflow's event and the quick one's (which took its listed object's place)
      await vi.waitFor(() => expect(follower.stats.events).toBe(3), WAIT);
      expect((await getJob({ ctx, input: { id: quick.id } })).events.filter((e) => e.cause === 'WORKFLOW_RUNNING')).toHaveLength(1);
      await follower.stop();
      await running;
    }));

  it('applies a Running seen before the launch recorded the job as submitted once it has been', () =>
    withRollback(async (ctx) => {
      const job = await startJob(ctx, 'follow-early');
      const wf = await getWorkflow(`gantry-${job.id}`);
      // As if the Workflow had started between its creation and the launch marking the job submitted.
      await ctx.db.update(jobs).set({ state: 'admitted' }).where(eq(jobs.id, Number(job.id)));
      const step = { id: `n-${job.id}`, name: 'early.s1', displayName: 's1', type: 'Pod', templateName: 'main', phase: 'Succeeded', startedAt: '2026-01-01T00:00:00Z', finishedAt: '2026-01-01T00:01:00Z' };
      const running = (rv: string) => ({ type: 'MODIFIED' as const, object: { ...wf, metadata: { ...wf.metadata, resourceVersion: rv }, status: { phase: 'Running', nodes: { [step.id]: step } } } as never, resourceVersion: rv });
      let emit!: (e: ReturnType<typeof running>) => void;
      const deps: WorkflowFollowerDeps = {
        list: async () => ({ items: [], resourceVersion: '1' }),
        // the one full-sync slot hangs on the finished step's log: only the phase lane moves the job
        readLog: () => new Promise(() => undefined),
        watch: async (opts) => {
          emit = opts.onEvent;
          return { abort() {}, resourceVersion: '1' };
        },
      };
      const follower = new WorkflowFollower(ctx, { concurrency: 1 }, deps);
      void follower.start();
      await vi.waitFor(() => expect(emit).toBeDefined(), WAIT);
      emit(running('early-1'));
      // the full sync got as far as the snapshot (and now hangs); the job could not move yet
      await vi.waitFor(async () => expect(await ctx.db.select().from(workflowSnapshots).where(eq(workflowSnapshots.jobId, Number(job.id)))).toHaveLength(1), WAIT);
      expect((await getJob({ ctx, input: { id: job.id } })).state).toBe('admitted');
      await ctx.db.update(jobs).set({ state: 'submitted' }).where(eq(jobs.id, Number(job.id)));
      // No further event comes (its steps could be waiting for GPUs): the early phase is tried again.
      await vi.waitFor(async () => expect((await getJob({ ctx, input: { id: job.id } })).state).toBe('running'), { timeout: 5_000, interval: 100 });
      void follower.stop(); // never settles: the full sync hangs for good
    }));

  it('handles only the newest waiting event of a workflow when events come faster than they are synced', () =>
    withRollback(async (ctx) => {
      const job = await startJob(ctx, 'follow-burst');
      const wf = await getWorkflow(`gantry-${job.id}`);
      const burst = (i: number) => ({ type: 'MODIFIED' as const, object: { ...wf, metadata: { ...wf.metadata, resourceVersion: `burst-${i}` } }, resourceVersion: `burst-${i}` });
      const deps: WorkflowFollowerDeps = {
        list: async () => ({ items: [wf], resourceVersion: wf.metadata.resourceVersion! }),
        readLog: async () => null,
        // 50 updates of one workflow at once while the listed object is being synced: they wait and
        // collapse into the newest (49 superseded), and the watch started without waiting for the list's sync.
        watch: async (opts) => {
          for (let i = 1; i <= 50; i++) opts.onEvent(burst(i));
          return { abort() {}, resourceVersion: 'burst-50' };
        },
      };
      const follower = new WorkflowFollower(ctx, {}, deps);
      const running = follower.start();
      await vi.waitFor(() => expect(follower.stats.events).toBe(2), WAIT);
      expect(follower.stats.superseded).toBe(49);
      const [snap] = await ctx.db.select({ rv: workflowSnapshots.resourceVersion }).from(workflowSnapshots).where(eq(workflowSnapshots.jobId, Number(job.id)));
      expect(snap.rv).toBe('burst-50');
      await follower.stop();
      await running;
    }));
});

// The watch-driven workflow sync against the simulated cluster over HTTP: jobs reach Succeeded through
// watch events alone (the list sync is never called by the test), a watch resumed from a compacted
// resourceVersion (410 Gone) relists and keeps following, and aborting stops it.
import { teamNamespace } from '@/lib/domain/tenancy';
import { LABEL_JOB_ID } from '@/lib/domain/terms';
import { eq, sql } from 'drizzle-orm';
import { logger } from '@/lib/log';
import { describe, expect, it, vi } from 'vitest';
import { deleteWorkflow, getWorkflow, listWorkflows, watchWorkflows, type WatchHandle } from '@/lib/cluster/workflows';
import { findStepLog } from '@/lib/cluster/pods';
import { jobs, teams, users, workflowSnapshots } from '@/lib/db/schema';
import { as, systemActor, testDb, withRollback } from '@/tests/db';
import { makeTeam, makeUser } from '@/tests/factories';
import { useSimCluster } from '@/tests/sim';
import type { Ctx } from '../context';
import { getJob } from '../jobs/get-job';
import type { JobView } from '../jobs/job-view';
import { submitJob } from '../jobs/submit-job';
import { upsertQuota } from '../quotas/upsert-quota';
import { runSchedulerPass } from '../scheduler/run-scheduler-pass';
import { WorkflowFollower, type WorkflowFollowerDeps } from './workflow-follower';

// Jobs run in their team's namespace (gantry-<team>).
const inTeamNamespace = (job: { team: string }) => ({ namespace: teamNamespace({ slug: job.team }) });

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
    spec: {
      image: 'ghcr.io/acme/train:1.4',
      command: ['python', 'train.py'],
      env: { GANTRY_SIM_DURATION_SECONDS: '2000' },
    },
  };
  const job = (await submitJob({ ctx: as(ctx, owner), input })) as JobView;
  await runSchedulerPass({ ctx });
  return job;
}

const WAIT = { timeout: 20_000, interval: 25 };
type WatchEmit = Parameters<WorkflowFollowerDeps['watch']>[0]['onEvent'];

async function waitForState(ctx: Ctx, id: string, state: string) {
  await vi.waitFor(async () => expect((await getJob({ ctx, input: { id } })).state).toBe(state), WAIT);
}

/** The real cluster client, with each open watch kept so the test can drop its connection. */
function recordingDeps() {
  const open: Array<{ handle: WatchHandle; end: () => void }> = [];
  let aborted = 0;
  const deps: WorkflowFollowerDeps = {
    list: () => listWorkflows(LABEL_JOB_ID),
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
        const [snap] = await ctx.db
          .select()
          .from(workflowSnapshots)
          .where(eq(workflowSnapshots.jobId, Number(first.id)));
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
      expect(await deleteWorkflow(`gantry-${job.id}`, inTeamNamespace(job))).toBe(true);
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
      const slowWf = await getWorkflow(`gantry-${slow.id}`, inTeamNamespace(slow));
      const quickWf = await getWorkflow(`gantry-${quick.id}`, inTeamNamespace(quick));
      // The slow workflow has a finished step whose log read hangs until released: with one
      // full-sync slot, the quick workflow's events wait behind it, but not its phase.
      const finished = {
        id: 'n1',
        name: 'slow.s1',
        displayName: 's1',
        type: 'Pod',
        templateName: 'main',
        phase: 'Succeeded',
        startedAt: '2026-01-01T00:00:00Z',
        finishedAt: '2026-01-01T00:01:00Z',
      };
      const slowEvent = {
        ...slowWf,
        metadata: { ...slowWf.metadata, resourceVersion: 'slow-1' },
        status: { phase: 'Running', nodes: { n1: finished } },
      };
      const quickEvent = {
        ...quickWf,
        metadata: { ...quickWf.metadata, resourceVersion: 'quick-1' },
        status: { phase: 'Running', startedAt: '2026-01-01T00:00:00Z' },
      };
      let release!: () => void;
      const released = new Promise<void>((r) => (release = r));
      const deps: WorkflowFollowerDeps = {
        // listed without a phase yet, so only the watch events below carry one; the slow one's
        // listed object already has the finished step, so the one full-sync slot hangs from the start
        list: async () => ({
          items: [
            { ...slowWf, status: { nodes: { n1: finished } } },
            { ...quickWf, status: {} },
          ] as never,
          resourceVersion: '1',
        }),
        readLog: async () => {
          await released;
          return null;
        },
        watch: async (opts) => {
          opts.onEvent({ type: 'MODIFIED', object: slowEvent as never, resourceVersion: 'slow-1' });
          opts.onEvent({ type: 'MODIFIED', object: quickEvent, resourceVersion: 'quick-1' });
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
      expect(
        (await getJob({ ctx, input: { id: quick.id } })).events.filter((e) => e.cause === 'WORKFLOW_RUNNING'),
      ).toHaveLength(1);
      await follower.stop();
      await running;
    }));

  it('applies a Running that arrives while the launch still holds the job, once the launch commits', async () => {
    // Committed rows and two connections: the launch's transaction holds the job's row while the
    // Workflow is created and the job marked submitted; the follower's read waits for it.
    const db = testDb().db;
    const ctx: Ctx = { db, actor: systemActor(), log: logger() };
    const team = await makeTeam(ctx, { cohort: 'follow-launch' });
    const owner = await makeUser(ctx, { teamId: team.id });
    const [job] = await db
      .insert(jobs)
      .values({
        name: 'follow-launch',
        kind: 'training',
        teamId: team.id,
        userId: owner.id,
        priority: 'normal',
        gpuKind: 'a100-80gb-shared',
        gpuCount: 1,
        expectedRuntimeSeconds: 60,
        maxRuntimeSeconds: 600,
        spec: {},
        state: 'admitted',
        admittedAt: new Date(),
      })
      .returning({ id: jobs.id });
    const name = `gantry-${job.id}`;
    await db.update(jobs).set({ workflowName: name }).where(eq(jobs.id, job.id));
    const wf = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Workflow',
      metadata: {
        name,
        namespace: 'gantry-jobs',
        uid: 'u-launch',
        resourceVersion: '2',
        labels: { 'gantry.dev/job-id': String(job.id) },
      },
      spec: {},
      status: { phase: 'Running' },
    };
    let emit!: WatchEmit;
    const follower = new WorkflowFollower(
      ctx,
      {},
      {
        list: async () => ({ items: [], resourceVersion: '1' }),
        readLog: async () => null,
        watch: async (opts) => {
          emit = opts.onEvent;
          return { abort() {}, resourceVersion: '1' };
        },
      },
    );
    const following = follower.start();
    try {
      await vi.waitFor(() => expect(emit).toBeDefined(), WAIT);
      await db.transaction(async (launch) => {
        await launch.select({ id: jobs.id }).from(jobs).where(eq(jobs.id, job.id)).for('update');
        // the Workflow started before the launch recorded the job as submitted
        emit({ type: 'MODIFIED', object: wf, resourceVersion: '2' });
        await vi.waitFor(async () => {
          const [waiting] = await db.execute<{ n: number }>(
            sql`select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and query ilike '%for share%'`,
          );
          expect(waiting.n).toBeGreaterThan(0);
        }, WAIT);
        await launch.update(jobs).set({ state: 'submitted' }).where(eq(jobs.id, job.id));
      });
      // no further event comes: the phase read that waited applies it
      await waitForState(ctx, String(job.id), 'running');
    } finally {
      await follower.stop();
      await following;
      await db.delete(jobs).where(eq(jobs.id, job.id));
      await db.delete(users).where(eq(users.id, owner.id));
      await db.delete(teams).where(eq(teams.id, team.id));
    }
  });

  it('handles only the newest waiting event of a workflow when events come faster than they are synced', () =>
    withRollback(async (ctx) => {
      const job = await startJob(ctx, 'follow-burst');
      const wf = await getWorkflow(`gantry-${job.id}`, inTeamNamespace(job));
      const burst = (i: number) => ({
        type: 'MODIFIED' as const,
        object: { ...wf, metadata: { ...wf.metadata, resourceVersion: `burst-${i}` } },
        resourceVersion: `burst-${i}`,
      });
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
      const [snap] = await ctx.db
        .select({ rv: workflowSnapshots.resourceVersion })
        .from(workflowSnapshots)
        .where(eq(workflowSnapshots.jobId, Number(job.id)));
      expect(snap.rv).toBe('burst-50');
      await follower.stop();
      await running;
    }));
});

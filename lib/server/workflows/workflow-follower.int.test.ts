// The watch-driven workflow sync against the simulated cluster over HTTP: jobs reach Succeeded through
// watch events alone (the list sync is never called by the test), a watch resumed from a compacted
// resourceVersion (410 Gone) relists and keeps following, and aborting stops it.
import { eq } from 'drizzle-orm';
import { describe, expect, it, vi } from 'vitest';
import { deleteWorkflow, getWorkflow, listWorkflows, watchWorkflows, type WatchHandle } from '@/lib/cluster/workflows';
import { findStepLog } from '@/lib/cluster/pods';
import { workflowSnapshots } from '@/lib/db/schema';
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

// Restarts keep work (issue 14, point 4): a whole Gantry (bench/stack.ts, the `npm start` path) is
// stopped with SIGTERM while a job runs and started again on the same data folder. The simulated
// cluster carries its Workflow on from its saved state, so the job ends Succeeded on the same
// Workflow (same uid, the step not run again) and is never failed as WORKFLOW_MISSING.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '@/bench/stack';
import { jobEvents, workflowSnapshots } from '@/lib/db/schema';
import { freePort } from './global-setup';
import { until } from './supervision-helpers';
import { trainingJob } from './training-job';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gantry-restart-'));
fs.chmodSync(dataDir, 0o755);
let stack: Stack | undefined;

afterAll(async () => {
  await stack?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
}, 120_000);

// 240 simulated seconds at speed 4: one minute of wall time, through a stop and a start.
const env = { GANTRY_WORKER_METRICS_PORT: '0', GANTRY_SIM_SPEED: '4', GANTRY_SIM_FAILURE_RATE: '0' };
const job = JSON.stringify(trainingJob('survives-restart', { simSeconds: 240 }));

async function jobState(s: Stack, token: string, id: number): Promise<string> {
  const res = await fetch(`${s.url}/api/jobs/${id}`, { headers: { authorization: `Bearer ${token}` } });
  return ((await res.json()) as { state: string }).state;
}

async function snapshotOf(s: Stack, id: number) {
  const [row] = await s.db.db
    .select({ uid: workflowSnapshots.workflowUid, nodes: workflowSnapshots.nodes })
    .from(workflowSnapshots)
    .where(eq(workflowSnapshots.jobId, id));
  const step =
    row &&
    Object.values(row.nodes as Record<string, { type?: string; startedAt?: string; phase?: string }>).find(
      (n) => n.type === 'Pod',
    );
  return row && step?.startedAt ? { uid: row.uid, stepStartedAt: step.startedAt, stepPhase: step.phase } : null;
}

describe('a restart of the whole Gantry with a job running', () => {
  it('keeps the job running on the same Workflow to Succeeded, never WORKFLOW_MISSING', async () => {
    const ports = { web: await freePort(), pg: await freePort(), sim: await freePort() };
    stack = await startStack(ports, env, { dataDir });
    const token = await stack.tokenFor('ada@gantry.local');
    const res = await fetch(`${stack.url}/api/jobs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: job,
    });
    expect(res.status).toBe(201);
    const id = Number(((await res.json()) as { id: string }).id);
    const s1 = stack;
    await until('the job to run', async () => ((await jobState(s1, token, id)) === 'running' ? true : null));
    const before = await until('its step to start', async () => {
      const snap = await snapshotOf(s1, id);
      return snap?.stepPhase === 'Running' ? snap : null;
    });

    stack.signal('SIGTERM');
    expect((await stack.exited).code).toBe(0);
    await stack.stop();
    stack = undefined;

    stack = await startStack(ports, env, { dataDir });
    const s2 = stack;
    const token2 = await s2.tokenFor('ada@gantry.local');
    const final = await until(
      'the job to end',
      async () => {
        const state = await jobState(s2, token2, id);
        return ['succeeded', 'failed', 'cancelled'].includes(state) ? state : null;
      },
      300_000,
      500,
    );
    expect(final).toBe('succeeded');
    const causes = (
      await s2.db.db.select({ cause: jobEvents.cause }).from(jobEvents).where(eq(jobEvents.jobId, id))
    ).map((e) => e.cause);
    expect(causes).not.toContain('WORKFLOW_MISSING');
    const after = await snapshotOf(s2, id);
    expect(after).toMatchObject({ uid: before.uid, stepStartedAt: before.stepStartedAt, stepPhase: 'Succeeded' });
  }, 900_000);
});
